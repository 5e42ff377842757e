"""Pages in the visitor's language: Accept-Language, the language cookie, and the switcher form
that every base layout (staff, vendor portal, storefront, platform site) carries."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from modules.tenancy.factories import VendorFactory
from orion_core.services import ModuleService
from tests.i18n.conftest import LANGUAGES

pytestmark = pytest.mark.django_db

HOST = "acme.test"
# A page of each base layout, and strings of it that must come out translated.
STOREFRONT = ("/shop/shop-a/", ["Log in", "Create an account"])
STAFF = ("/dashboard/", ["Manage modules", "Full history"])
VENDOR = ("/accounts/login/", ["Log in"])
PLATFORM = ("/", ["Sell with us"])
SWITCHER = re.compile(
    r'<form class="language-switcher" method="get" action="([^"]+)">(.*?)</form>', re.S
)


@pytest.fixture
def shop(platform):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[platform])


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(staff_user)
    return client


def _client_for(path: str, staff_client: Client) -> Client:
    return staff_client if path == STAFF[0] else Client(HTTP_HOST=HOST)


def _assert_in_language(body: str, language: str, msgids: list[str], po_translation) -> None:
    assert f'<html lang="{language}"' in body
    for msgid in msgids:
        translated = po_translation(language, msgid)
        assert translated != msgid, f"{msgid!r} is not translated into {language}"
        assert html.escape(translated) in body, f"{translated!r} missing from the {language} page"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("path", "msgids"),
    [STOREFRONT, STAFF, VENDOR, PLATFORM],
    ids=["storefront", "staff", "vendor", "platform"],
)
def test_accept_language_picks_the_pages_language(
    language, path, msgids, shop, staff_client, po_translation
):
    client = _client_for(path, staff_client)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert response.status_code == 200
    _assert_in_language(response.content.decode(), language, msgids, po_translation)
    assert msgids[-1] not in response.content.decode()


def test_without_a_preference_pages_are_english(shop, staff_client):
    for path, msgids in (STOREFRONT, STAFF):
        body = _client_for(path, staff_client).get(path).content.decode()
        assert '<html lang="en"' in body
        assert [m for m in msgids if m not in body] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_cookie_wins_over_accept_language(language, shop, po_translation):
    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    other = next(code for code, _name in settings.LANGUAGES if code not in ("en", language))
    body = client.get(STOREFRONT[0], HTTP_ACCEPT_LANGUAGE=other).content.decode()
    _assert_in_language(body, language, STOREFRONT[1], po_translation)


@pytest.mark.parametrize(
    "path",
    [STOREFRONT[0], STAFF[0], VENDOR[0], PLATFORM[0]],
    ids=["storefront", "staff", "vendor", "platform"],
)
def test_every_base_layout_has_the_switcher(path, shop, staff_client):
    body = _client_for(path, staff_client).get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    forms = SWITCHER.findall(body)
    assert len(forms) == 1, "exactly one language switcher per page"
    action, form = forms[0]
    assert action == reverse("switch-language")
    # A GET form: no per-visitor token on the page, so anonymous pages stay cacheable and cheap.
    assert "csrfmiddlewaretoken" not in form
    assert f'<input type="hidden" name="next" value="{path}">' in form
    options = re.findall(r'<option value="(\w+)"[^>]*?( selected)?>', form)
    assert options == [
        (code, " selected" if code == "de" else "") for code, _name in settings.LANGUAGES
    ]
    assert '<button type="submit"' in form
    assert "onchange" not in form and "<script" not in form  # works under a strict CSP


@pytest.mark.parametrize("language", LANGUAGES)
def test_submitting_the_switcher_switches_the_next_page(language, shop, po_translation):
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    page = client.get(STOREFRONT[0]).content.decode()
    action, form = SWITCHER.findall(page)[0]
    next_path = re.search(r'name="next" value="([^"]+)"', form).group(1)
    response = client.get(html.unescape(action), {"language": language, "next": next_path})
    assert response.status_code == 302
    assert response["Location"] == STOREFRONT[0]
    assert "no-store" in response["Cache-Control"]
    body = client.get(response["Location"]).content.decode()
    _assert_in_language(body, language, STOREFRONT[1], po_translation)


def test_switcher_refuses_a_next_on_another_host(shop):
    client = Client(HTTP_HOST=HOST)
    response = client.get(
        reverse("switch-language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switcher_ignores_an_unknown_language_and_refuses_posts(shop):
    client = Client(HTTP_HOST=HOST)
    response = client.get(reverse("switch-language"), {"language": "xx", "next": STOREFRONT[0]})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert client.post(reverse("switch-language"), {"language": "fr"}).status_code == 405


def test_anonymous_storefront_pages_set_no_csrf_cookie(shop):
    response = Client(HTTP_HOST=HOST).get(STOREFRONT[0])
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_stored_module_causes_are_shown_translated_and_served_as_codes(
    platform, staff_client, po_translation
):
    ModuleService().enable(platform, "billing", source="test")
    page = staff_client.get(reverse("core:modules"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    payments = re.search(r'<tr id="module-payments".*?</tr>', page, re.S).group(0)
    template = po_translation("fr", "required by %(module)s", context="module cause")
    assert html.escape(template % {"module": "billing"}) in payments
    assert "required by billing" not in payments
    api = staff_client.get(
        reverse("core:api-modules", kwargs={"platform_code": platform.code}),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert api.status_code == 200
    causes = {row["code"]: row["cause"] for row in api.json()}
    assert causes["payments"] == "required by billing"  # a stable code, in every language


@pytest.mark.parametrize("language", LANGUAGES)
def test_module_names_follow_the_visitors_language(
    language, platform, staff_client, po_translation
):
    page = staff_client.get(reverse("core:modules"), HTTP_ACCEPT_LANGUAGE=language)
    body = page.content.decode()
    for msgid in ("Billing", "Invoices and subscriptions charged through payments."):
        assert html.escape(po_translation(language, msgid)) in body
    assert "Invoices and subscriptions charged through payments." not in body
