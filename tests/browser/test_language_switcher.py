"""The language switcher in a real browser: pick a language in a shop's footer and press the
button (there is no script: the page must work under a Content Security Policy without inline
code); the same page comes back in that language, and the next pages stay in it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from modules.tenancy.factories import VendorFactory
from tests.i18n.po import ensure_compiled, po_translation

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _compiled_catalogs() -> None:
    ensure_compiled()


@pytest.fixture
def shop(localhost_platform):
    return VendorFactory(code="acme-shop", name="Acme Shop", platforms=[localhost_platform])


def test_visitor_switches_the_shop_to_french_then_german(shop, new_page, live_server):
    home = reverse("customers:home", kwargs={"vendor_code": shop.code})
    page = new_page()
    page.goto(home)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    for language, label in (("fr", "Français"), ("de", "Deutsch")):
        page.locator("#id_site_language").select_option(label=label)
        page.locator(".language-switcher button[type=submit]").click()
        expect(page).to_have_url(live_server.url + home)
        expect(page.locator("html")).to_have_attribute("lang", language)
        create = po_translation(language, "Create an account")
        expect(page.get_by_role("main").get_by_role("link", name=create)).to_be_visible()
        expect(page.locator(".language-switcher button")).to_have_text(
            po_translation(language, "Change language")
        )

    page.goto(reverse("customers:login", kwargs={"vendor_code": shop.code}))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#id_site_language")).to_have_value("de")
