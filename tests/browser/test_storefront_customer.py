"""A shopper in a real browser: sign up at a vendor's shop, log out, a wrong password is refused,
log in again; the same e-mail at another vendor's shop is another, independent account."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.http import urlencode
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.customers.models import Customer
from modules.tenancy.factories import VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

EMAIL = "ada@example.com"
PASSWORD = "Analytical-engine-1843"
OTHER_PASSWORD = "Difference-engine-1822"


@pytest.fixture
def shops(localhost_platform):
    return (
        VendorFactory(code="acme-shop", name="Acme Shop", platforms=[localhost_platform]),
        VendorFactory(code="globex-store", name="Globex Store", platforms=[localhost_platform]),
    )


def shop_url(vendor, name: str) -> str:
    return reverse(f"customers:{name}", kwargs={"vendor_code": vendor.code})


def sign_up(page, live_server, vendor, password: str) -> None:
    """From the shop's home page, through "Create an account", to the account page."""
    page.goto(shop_url(vendor, "home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome to {vendor.name}")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(live_server.url + shop_url(vendor, "signup"))
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_first_name").fill("Ada")
    page.locator("#id_last_name").fill("Lovelace")
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(live_server.url + shop_url(vendor, "account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator(".messages")).to_contain_text("Your account has been created")
    expect(page.get_by_role("main")).to_contain_text(EMAIL)


def log_in(page, email: str, password: str) -> None:
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def test_customer_signs_up_logs_out_and_logs_in_again(shops, new_page, live_server):
    acme, globex = shops
    page = new_page()
    header = page.locator("header.shop-header")
    sign_up(page, live_server, acme, PASSWORD)

    header.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server.url + shop_url(acme, "home"))
    expect(page.locator(".messages")).to_contain_text("You are logged out")
    expect(header.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto(shop_url(acme, "account"))  # no longer reachable: sent to the login page
    login_url = shop_url(acme, "login") + "?" + urlencode({"next": shop_url(acme, "account")})
    expect(page).to_have_url(live_server.url + login_url)

    log_in(page, EMAIL, "not-the-password")
    expect(page.locator(".errorlist")).to_contain_text("Wrong e-mail or password.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    log_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(live_server.url + shop_url(acme, "account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("main")).to_contain_text(EMAIL)

    # Another vendor's shop, same browser: not logged in there; the same e-mail signs up anew.
    page.goto(shop_url(globex, "home"))
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(shop_url(globex, "login"))
    log_in(page, EMAIL, PASSWORD)  # Acme's account does not exist here
    expect(page.locator(".errorlist")).to_contain_text("Wrong e-mail or password.")
    sign_up(page, live_server, globex, OTHER_PASSWORD)
    # Still logged in at Acme: one session per shop.
    page.goto(shop_url(acme, "account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")

    with scopes_disabled():
        rows = list(Customer.objects.filter(email=EMAIL))
    assert sorted(c.vendor_id for c in rows) == sorted([acme.pk, globex.pk])
    accounts = {c.vendor_id: c for c in rows}
    assert accounts[acme.pk].check_password(PASSWORD)
    assert not accounts[acme.pk].check_password(OTHER_PASSWORD)
    assert accounts[globex.pk].check_password(OTHER_PASSWORD)
