"""Whole anonymous pages kept in the shared cache (``orion_core.page_cache``): served while every
lookup they were made of is current, made afresh on the next request after a change, and never
kept when they are not the same for every anonymous visitor."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.cms.factories import PageFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership, Vendor
from orion_core import page_cache, shared_cache, state
from orion_core.models import Platform
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, UserFactory

HOST = "acme.test"
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    platform = PlatformFactory(code="acme", domains=[HOST])
    PageFactory(platform=platform, slug="home", title="Welcome", body="<p>Hello</p>")
    vendor = VendorFactory(code="alpha", name="Alpha Goods", platforms=[platform])
    state.invalidate()
    return vendor


@contextlib.contextmanager
def rendering() -> Iterator[list[str]]:
    """The templates rendered inside the block: none when a kept page was served."""
    names: list[str] = []

    def record(sender, template, context, **kwargs) -> None:
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


def fetch(client: Client, path: str, **extra: str) -> tuple[int, str, list[str], int]:
    """Status, body, templates rendered and SQL run for one GET."""
    with rendering() as templates, CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response.status_code, response.content.decode(), templates, len(queries)


def test_a_warm_anonymous_page_is_served_whole(shop):
    client = Client(HTTP_HOST=HOST)
    cold = fetch(client, "/shop/alpha/")
    assert cold[0] == 200 and cold[2] and cold[3] > 0  # cold: SQL ran, so it is not kept
    warm = fetch(client, "/shop/alpha/")
    assert warm[2] and warm[3] == 0  # made from the shared cache alone: kept now
    kept = fetch(client, "/shop/alpha/")
    assert kept == (200, warm[1], [], 0)
    assert "Alpha Goods" in kept[1]


def test_a_committed_change_is_seen_on_the_next_request(shop, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    with django_capture_on_commit_callbacks(execute=True):
        shop.name = "Alpha Renamed"
        shop.save()
    status, body, templates, _queries = fetch(client, "/shop/alpha/")
    assert status == 200 and templates and "Alpha Renamed" in body

    with django_capture_on_commit_callbacks(execute=True):
        shop.status = Vendor.Status.SUSPENDED
        shop.save()
    assert fetch(client, "/shop/alpha/")[0] == 404


def test_switching_a_module_off_is_seen_on_the_next_request(
    shop, django_capture_on_commit_callbacks
):
    platform = Platform.objects.get(code="acme")
    ModuleService().enable(platform, "catalog")
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    assert "shop-search" in fetch(client, "/shop/alpha/")[1]
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().disable(platform, "catalog")
    status, body, templates, _queries = fetch(client, "/shop/alpha/")
    assert status == 200 and templates and "shop-search" not in body


def test_each_language_and_query_is_a_page_of_its_own(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        english = fetch(client, "/shop/alpha/")[1]
        french = fetch(client, "/shop/alpha/", HTTP_ACCEPT_LANGUAGE="fr")[1]
    assert 'lang="en"' in english and 'lang="fr"' in french
    assert fetch(client, "/shop/alpha/?page=2")[2]  # another query: rendered, not the kept one


def test_a_visitor_with_a_session_is_never_served_a_kept_page(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    client.cookies["sessionid"] = "anything"
    assert fetch(client, "/shop/alpha/")[2]


def test_a_request_with_credentials_is_never_served_a_kept_page(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        fetch(client, "/shop/alpha/")
    assert fetch(client, "/shop/alpha/", HTTP_AUTHORIZATION="Token abc")[2]


def test_a_kept_form_carries_each_visitors_own_token(shop):
    path = "/shop/alpha/account/login/"
    for _ in range(2):
        fetch(Client(HTTP_HOST=HOST), path)
    visitors = [Client(HTTP_HOST=HOST, enforce_csrf_checks=True) for _ in range(2)]
    for visitor in visitors:
        status, body, templates, _queries = fetch(visitor, path)
        assert status == 200 and not templates  # kept
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', body)
        assert "placeholder" not in body and visitor.cookies["csrftoken"].value
        visitor.token = token
    # Each visitor's token goes with its own cookie, not the other's (nor the kept page's).
    first, second = visitors
    refused = first.post(path, {"csrfmiddlewaretoken": second.token, "email": "x@example.com"})
    assert refused.status_code == 403
    answered = first.post(path, {"csrfmiddlewaretoken": first.token, "email": "x@example.com"})
    assert answered.status_code == 200  # the form's own errors: the token was accepted


def test_a_token_shown_outside_its_form_is_never_kept(shop, settings):
    settings.ORION_PAGE_CACHE_TIMEOUT = 60
    response = HttpResponse(
        '<input name="csrfmiddlewaretoken" value="{t}"><script>var t="{t}"</script>'.format(
            t="a" * 64
        )
    )
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert page_cache._keepable(request, response) is None


@override_settings(ORION_PAGE_CACHE_TIMEOUT=0)
def test_a_timeout_of_zero_turns_it_off(shop):
    client = Client(HTTP_HOST=HOST)
    for _ in range(3):
        assert fetch(client, "/shop/alpha/")[2]


def test_lookups_under_two_generations_of_one_scope_make_nothing_keepable():
    with shared_cache.recording() as outer:
        with shared_cache.recording() as inner:
            shared_cache.get_or_load("orion:test:a", lambda: 1, scope="test-scope")
        shared_cache.bump("test-scope")
        shared_cache.get_or_load("orion:test:b", lambda: 2, scope="test-scope")
    assert inner.complete and shared_cache.generation_key("test-scope") in inner
    assert not outer.complete


# --- pages of a logged-in user ------------------------------------------------------------------


@pytest.fixture
def team(shop):
    """The shop's owner and a viewer, each with a client logged in on the shop's host."""
    clients = {}
    for username, role in (("olivia", Membership.Role.OWNER), ("vera", Membership.Role.VIEWER)):
        user = UserFactory(username=username)
        MembershipFactory(user=user, vendor=shop, role=role)
        clients[username] = Client(HTTP_HOST=HOST)
        clients[username].force_login(user)
    return clients


def warm(client: Client, path: str) -> tuple[int, str, list[str], int]:
    """Ask until the page is kept (cold, then made from the cache alone); the kept answer."""
    for _ in range(2):
        fetch(client, path)
    return fetch(client, path)


def test_a_logged_in_page_is_kept_for_its_session_alone(team):
    status, body, templates, queries = warm(team["olivia"], "/vendor/alpha/")
    assert (status, templates, queries) == (200, [], 0)  # not even the user is asked for
    assert "olivia" in body and "placeholder" not in body
    # Another member on the same path gets a page of her own, never the owner's.
    status, body, templates, _queries = fetch(team["vera"], "/vendor/alpha/")
    assert status == 200 and templates and "vera" in body and "olivia" not in body


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
        pytest.param(lambda user: user.set_password("another one"), id="password changed"),
    ],
)
def test_a_change_of_the_user_ends_the_kept_page(team, change, django_capture_on_commit_callbacks):
    client = team["olivia"]
    assert warm(client, "/vendor/alpha/")[2] == []
    user = get_user_model().objects.get(username="olivia")
    with django_capture_on_commit_callbacks(execute=True):
        change(user)
        user.save()
    response = client.get("/vendor/alpha/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_removal_from_the_team_ends_the_kept_page(team, django_capture_on_commit_callbacks):
    client = team["olivia"]
    assert warm(client, "/vendor/alpha/")[2] == []
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        Membership.objects.get(user__username="olivia").delete()
    assert client.get("/vendor/alpha/").status_code in (403, 404)


def test_what_the_session_holds_and_its_messages_are_never_taken_from_a_kept_page(
    staff_user, django_capture_on_commit_callbacks
):
    first = PlatformFactory(code="first", name="First Platform", domains=["first.test"])
    PlatformFactory(code="second", name="Second Platform")
    state.invalidate()
    client = Client(HTTP_HOST="first.test")
    client.force_login(staff_user)
    assert "<h1>First Platform" in warm(client, "/dashboard/")[1]
    switched = client.post("/dashboard/platform/", {"platform": "second"}, follow=True)
    assert "Now managing Second Platform" in switched.content.decode()  # its message shown
    status, body, templates, _queries = fetch(client, "/dashboard/")
    assert status == 200 and templates and "<h1>Second Platform" in body
    assert "Now managing" not in body and first.name not in body.split("<main>")[1]


def test_a_session_without_a_user_is_never_served_a_kept_page(shop):
    client = Client(HTTP_HOST=HOST)
    session = client.session
    session["cart"] = "anything"
    session.save()
    client.cookies["sessionid"] = session.session_key
    for _ in range(3):
        assert fetch(client, "/shop/alpha/")[2]
