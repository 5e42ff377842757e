"""Login throttling (django-axes) of every login: the platform login of staff and vendor teams,
the Django admin login, and the storefront login of customers, which is per shop."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.customers import services, throttle
from modules.customers.auth import session_key
from modules.customers.factories import CUSTOMER_PASSWORD, CustomerFactory
from modules.tenancy.factories import VendorFactory
from modules.tenancy.scoping import vendor_scope
from orion_core.testing import StaffUserFactory, UserFactory
from tests.security.conftest import HOST

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed logins"


def limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def fail(client: Client, url: str, data: dict, times: int):
    """Post wrong passwords ``times`` times; the last response."""
    response = None
    for _ in range(times):
        response = client.post(url, {**data, "password": "wrong password"})
    return response


def expire_lockouts() -> None:
    """What waiting out the cool-off does: every recorded attempt becomes old enough."""
    old = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=old)


# --- the platform login (staff and vendor teams) -----------------------------------------------


def test_platform_login_locks_out_after_the_limit_even_with_the_right_password(web):
    user = UserFactory(username="olivia")
    under = fail(web, "/accounts/login/", {"username": "olivia"}, limit() - 1)
    assert under.status_code == 200 and LOCKED not in under.content.decode()

    locked = fail(web, "/accounts/login/", {"username": "olivia"}, 1)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "15 minutes" in page
    assert 'class="vendor-portal"' in page  # the platform's own layout, not a bare text

    right = web.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in web.session
    # Once the cool-off has passed, the right password works again.
    expire_lockouts()
    response = web.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    assert web.session["_auth_user_id"] == str(user.pk)


def test_a_lockout_is_per_account(web):
    UserFactory(username="olivia")
    UserFactory(username="paul")
    fail(web, "/accounts/login/", {"username": "olivia"}, limit())
    response = web.post("/accounts/login/", {"username": "paul", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_forgets_the_failures(web):
    UserFactory(username="olivia")
    for _ in range(2):
        fail(web, "/accounts/login/", {"username": "olivia"}, limit() - 1)
        response = web.post("/accounts/login/", {"username": "olivia", "password": PASSWORD})
        assert response.status_code == 302
        web.logout()
    assert not AccessAttempt.objects.filter(username="olivia").exists()


# --- the Django admin login --------------------------------------------------------------------


def test_admin_login_locks_out_with_an_admin_page(web):
    StaffUserFactory(username="sam")
    locked = fail(web, "/admin/login/", {"username": "sam"}, limit())
    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and 'id="site-name"' in page  # the admin's layout
    right = web.post("/admin/login/", {"username": "sam", "password": PASSWORD})
    assert right.status_code == 429 and "_auth_user_id" not in web.session


# --- the storefront login of customers ---------------------------------------------------------


@pytest.fixture
def shops(platform):
    return (
        VendorFactory(code="shop-a", name="Shop A", platforms=[platform]),
        VendorFactory(code="shop-b", name="Shop B", platforms=[platform]),
    )


def shop_login(client: Client, code: str, email: str, password: str = CUSTOMER_PASSWORD):
    return client.post(f"/shop/{code}/account/login/", {"email": email, "password": password})


def test_customer_login_locks_out_at_that_shop_only(web, shops):
    shop_a, shop_b = shops
    CustomerFactory(vendor=shop_a, email="ann@example.com")
    CustomerFactory(vendor=shop_b, email="ann@example.com")
    data = {"email": "ann@example.com"}
    under = fail(web, "/shop/shop-a/account/login/", data, limit() - 1)
    assert under.status_code == 200 and "Wrong e-mail or password." in under.content.decode()

    locked = fail(web, "/shop/shop-a/account/login/", data, 1)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and 'class="storefront"' in page and "Shop A" in page
    assert "/shop/shop-a/account/password-reset/" in page

    assert shop_login(web, "shop-a", "ANN@example.com ").status_code == 429  # right password
    assert session_key(shop_a) not in web.session
    # The same e-mail at another shop is another account: not locked out.
    assert shop_login(web, "shop-b", "ann@example.com").status_code == 302
    assert AccessAttempt.objects.get().username == "customer:shop-a:ann@example.com"


def test_customer_lockout_expires(web, shops):
    CustomerFactory(vendor=shops[0], email="ann@example.com")
    fail(web, "/shop/shop-a/account/login/", {"email": "ann@example.com"}, limit())
    assert shop_login(web, "shop-a", "ann@example.com").status_code == 429
    expire_lockouts()
    assert shop_login(web, "shop-a", "ann@example.com").status_code == 302


def test_a_successful_customer_login_forgets_the_failures(web, shops):
    CustomerFactory(vendor=shops[0], email="ann@example.com")
    for _ in range(2):
        fail(web, "/shop/shop-a/account/login/", {"email": "ann@example.com"}, limit() - 1)
        assert shop_login(web, "shop-a", "ann@example.com").status_code == 302
    assert not AccessAttempt.objects.exists()


def test_unknown_customers_are_throttled_too(web, shops):
    response = fail(web, "/shop/shop-a/account/login/", {"email": "nobody@example.com"}, limit())
    assert response.status_code == 429


def test_a_password_reset_lifts_the_customer_lockout(web, shops):
    customer = CustomerFactory(vendor=shops[0], email="ann@example.com")
    fail(web, "/shop/shop-a/account/login/", {"email": "ann@example.com"}, limit())
    assert shop_login(web, "shop-a", "ann@example.com").status_code == 429
    with vendor_scope(shops[0]):
        services.set_password(customer, "a-much-better-Passw0rd")
    response = shop_login(web, "shop-a", "ann@example.com", "a-much-better-Passw0rd")
    assert response.status_code == 302


def test_customer_lockouts_are_keyed_apart_from_user_names():
    with scopes_disabled():
        vendor = VendorFactory(code="shop-a")
    key = throttle.axes_username(vendor, " Ann@Example.com ")
    assert key == "customer:shop-a:ann@example.com"
    # Django user names cannot contain ":", so no staff account shares a customer's counter.
    assert len(throttle.axes_username(vendor, "a" * 300 + "@example.com")) == 255


def test_logins_from_other_addresses_are_not_locked_out(shops):
    CustomerFactory(vendor=shops[0], email="ann@example.com")
    attacker = Client(HTTP_HOST=HOST, REMOTE_ADDR="203.0.113.9")
    fail(attacker, "/shop/shop-a/account/login/", {"email": "ann@example.com"}, limit())
    assert shop_login(attacker, "shop-a", "ann@example.com").status_code == 429
    owner = Client(HTTP_HOST=HOST, REMOTE_ADDR="198.51.100.7")
    assert shop_login(owner, "shop-a", "ann@example.com").status_code == 302
