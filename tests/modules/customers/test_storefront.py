"""The storefront: home, sign-up, per-shop sessions, account, addresses, reset.

Login throttling (django-axes) is tested in tests/security/test_login_throttling.py; the shop's
theme stylesheet (cms) in tests/modules/cms/test_theme.py."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from modules.customers import services
from modules.customers.auth import session_key
from modules.customers.factories import (
    CUSTOMER_PASSWORD,
    CustomerAddressFactory,
    CustomerFactory,
)
from modules.customers.models import Customer, CustomerAddress
from modules.tenancy.models import Vendor
from modules.tenancy.scoping import scopes_disabled, vendor_scope
from tests.modules.customers.conftest import HOST

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-better-Passw0rd"


def signup(client, code, email, **extra):
    data = {
        "email": email,
        "first_name": "Zoe",
        "last_name": "Zed",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return client.post(f"/shop/{code}/account/signup/", data)


def login(client, code, email, password=CUSTOMER_PASSWORD):
    return client.post(f"/shop/{code}/account/login/", {"email": email, "password": password})


def test_home_shows_the_shop_in_its_theme(client, shop):
    response = client.get("/shop/shop-a/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Welcome to Shop A" in body
    assert "/shop/shop-a/account/login/" in body
    assert "<script" not in body and "style=" not in body
    assert re.search(r'<link rel="stylesheet" href="/shop/shop-a/theme\.css\?v=\w+">', body)


def test_inactive_or_foreign_shops_are_404(client, shop, other_platform):
    pending = Vendor.objects.create(code="pending", name="P", company=shop.company)
    assert client.get(f"/shop/{pending.code}/").status_code == 404
    assert client.get("/shop/nope/").status_code == 404
    assert Client(HTTP_HOST="globex.test").get("/shop/shop-a/").status_code == 404


def test_signup_creates_a_customer_and_logs_in(client, shop):
    response = signup(client, "shop-a", "New@Example.com", marketing_consent="on")
    assert response.status_code == 302
    assert response["Location"] == "/shop/shop-a/account/"
    with vendor_scope(shop):
        customer = Customer.objects.get()
    assert customer.email == "new@example.com"
    assert customer.marketing_consent and customer.marketing_consent_at
    assert customer.check_password(NEW_PASSWORD)
    assert client.session[session_key(shop)] == customer.pk
    assert "new@example.com" in client.get("/shop/shop-a/account/").content.decode()


def test_signup_validates(client, shop, customer):
    response = signup(client, "shop-a", "ANN@example.com", password2="different")
    form = response.context["form"]
    assert "already exists" in form.errors["email"][0]
    assert form.errors["password2"] == ["The two passwords do not match."]
    response = signup(client, "shop-a", "x@example.com", password1="123", password2="123")
    assert response.context["form"].errors["password1"]  # Django's validators ran


def test_same_email_registers_independently_at_two_shops(client, shop, other_shop):
    assert signup(client, "shop-a", "twin@example.com").status_code == 302
    other = Client(HTTP_HOST=HOST)
    assert (
        signup(
            other,
            "shop-b",
            "twin@example.com",
            password1="Other-pass-987",
            password2="Other-pass-987",
        ).status_code
        == 302
    )
    with scopes_disabled():
        twins = Customer.objects.filter(email="twin@example.com").order_by("vendor__code")
        assert [c.vendor.code for c in twins] == ["shop-a", "shop-b"]
        assert twins[0].check_password(NEW_PASSWORD)
        assert twins[1].check_password("Other-pass-987")


def test_customer_of_one_shop_cannot_log_in_at_another(client, shop, other_shop, customer):
    response = login(client, "shop-b", customer.email)
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.content.decode()
    assert session_key(other_shop) not in client.session


def test_login_is_per_shop(client, shop, other_shop, customer):
    response = login(client, "shop-a", customer.email)
    assert response.status_code == 302 and response["Location"] == "/shop/shop-a/account/"
    assert client.get("/shop/shop-a/account/").status_code == 200
    # Logged in at A does not mean logged in at B.
    response = client.get("/shop/shop-b/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/shop/shop-b/account/login/")
    customer.refresh_from_db()
    assert customer.last_login is not None


def test_login_cycles_the_session_key(client, shop, customer):
    client.get("/shop/shop-a/account/login/")
    client.session.save()
    before = client.session.session_key
    login(client, "shop-a", customer.email)
    assert client.session.session_key != before


def test_login_rotates_the_csrf_token(client, shop, customer):
    """A token an attacker planted or saw before login is worthless after it."""
    client.get("/shop/shop-a/account/login/")
    before = client.cookies["csrftoken"].value
    login(client, "shop-a", customer.email)
    assert client.cookies["csrftoken"].value != before


def test_login_redirects_only_inside_the_shop(client, shop, customer):
    data = {"email": customer.email, "password": CUSTOMER_PASSWORD}
    ok = client.post("/shop/shop-a/account/login/?next=/shop/shop-a/account/addresses/", data)
    assert ok["Location"] == "/shop/shop-a/account/addresses/"
    evil = Client(HTTP_HOST=HOST).post(
        "/shop/shop-a/account/login/?next=https://evil.example/", data
    )
    assert evil["Location"] == "/shop/shop-a/account/"


def test_inactive_customers_cannot_log_in(client, shop):
    CustomerFactory(vendor=shop, email="gone@example.com", is_active=False)
    assert login(client, "shop-a", "gone@example.com").status_code == 200


def test_logout_is_post_only_and_per_shop(client, shop, other_shop, customer):
    twin = CustomerFactory(vendor=other_shop, email=customer.email)
    login(client, "shop-a", customer.email)
    login(client, "shop-b", twin.email)
    assert client.get("/shop/shop-a/account/logout/").status_code == 200  # a confirmation
    assert client.get("/shop/shop-a/account/").status_code == 200  # GET did not log out
    response = client.post("/shop/shop-a/account/logout/")
    assert response.status_code == 302
    assert client.get("/shop/shop-a/account/").status_code == 302
    assert client.get("/shop/shop-b/account/").status_code == 200


def test_failures_under_the_limit_are_forgotten_after_success(client, shop):
    email = f"{uuid.uuid4().hex}@example.com"
    CustomerFactory(vendor=shop, email=email)
    for _ in range(4):
        login(client, "shop-a", email, password="wrong")
    assert login(client, "shop-a", email).status_code == 302
    for _ in range(4):
        login(client, "shop-a", email, password="wrong")
    assert login(client, "shop-a", email).status_code == 302


def test_account_page_edits_profile_and_consent(client, shop, customer):
    login(client, "shop-a", customer.email)
    response = client.post(
        "/shop/shop-a/account/",
        {"first_name": "Annie", "last_name": "Smith", "phone": "+33 1", "marketing_consent": "on"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone) == ("Annie", "+33 1")
    assert customer.marketing_consent and customer.marketing_consent_at


def test_account_pages_need_a_login(client, shop):
    for path in ("account/", "account/addresses/", "account/addresses/add/"):
        response = client.get(f"/shop/shop-a/{path}")
        assert response.status_code == 302
        assert response["Location"].startswith("/shop/shop-a/account/login/?next=")


def test_addresses_crud_with_one_default(client, shop, customer):
    login(client, "shop-a", customer.email)
    address = {"label": "Home", "line1": "1 Rue", "city": "Paris", "country": "fr"}
    assert client.post("/shop/shop-a/account/addresses/add/", address).status_code == 302
    assert (
        client.post(
            "/shop/shop-a/account/addresses/add/",
            {**address, "label": "Work", "is_default": "on"},
        ).status_code
        == 302
    )
    with vendor_scope(shop):
        home, work = CustomerAddress.objects.order_by("pk")
    assert home.country == "FR"
    assert (home.is_default, work.is_default) == (False, True)
    body = client.get("/shop/shop-a/account/addresses/").content.decode()
    assert "Home" in body and "Work" in body
    # Make "Home" the default again, edit it, then delete it.
    client.post(f"/shop/shop-a/account/addresses/{home.pk}/default/")
    with vendor_scope(shop):
        assert CustomerAddress.objects.get(is_default=True).pk == home.pk
    response = client.post(
        f"/shop/shop-a/account/addresses/{home.pk}/",
        {**address, "city": "Nice", "is_default": "on"},
    )
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.city == "Nice"
    assert client.get(f"/shop/shop-a/account/addresses/{home.pk}/delete/").status_code == 200
    client.post(f"/shop/shop-a/account/addresses/{home.pk}/delete/")
    with vendor_scope(shop):
        assert list(CustomerAddress.objects.values_list("pk", "is_default")) == [(work.pk, True)]


def test_bad_country_is_a_field_error(client, shop, customer):
    login(client, "shop-a", customer.email)
    response = client.post(
        "/shop/shop-a/account/addresses/add/", {"line1": "1 Rue", "city": "Paris", "country": "F1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["country"]


def test_addresses_of_others_are_404(client, shop, customer):
    stranger = CustomerAddressFactory(customer__vendor=shop)
    with scopes_disabled():
        before = CustomerAddress.objects.filter(pk=stranger.pk).values().get()
    login(client, "shop-a", customer.email)
    url = f"/shop/shop-a/account/addresses/{stranger.pk}/"
    assert client.get(url).status_code == 404
    edit = {"line1": "1 Rue", "city": "Paris", "country": "FR", "label": "Mine now"}
    assert client.post(url, edit).status_code == 404
    assert client.post(f"{url}default/").status_code == 404
    assert client.post(f"{url}delete/").status_code == 404
    with scopes_disabled():
        assert CustomerAddress.objects.filter(pk=stranger.pk).values().get() == before


# --- password reset ---------------------------------------------------------------------------


def reset_link(message):
    return re.search(r"https?://[^/]+(/shop/\S+)", message.body).group(1)


def test_password_reset_end_to_end(client, shop, customer):
    response = client.post("/shop/shop-a/account/password-reset/", {"email": "ANN@example.com"})
    assert response["Location"] == "/shop/shop-a/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert "Shop A" in message.subject
    link = reset_link(message)
    # The token moves into the session; the page itself shows no token.
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    form_url = response["Location"]
    assert client.get(form_url).context["form"] is not None
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == "/shop/shop-a/account/password-reset/complete/"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    # The link is single-use: the password hash changed.
    body = Client(HTTP_HOST=HOST).get(link).content.decode()
    assert "invalid or has expired" in body
    assert login(Client(HTTP_HOST=HOST), "shop-a", customer.email, NEW_PASSWORD).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing(client, shop, other_shop):
    CustomerFactory(vendor=other_shop, email="elsewhere@example.com")
    response = client.post(
        "/shop/shop-a/account/password-reset/", {"email": "elsewhere@example.com"}
    )
    assert response.status_code == 302  # same answer as for a known address
    assert mail.outbox == []


def test_expired_and_invalid_reset_tokens(client, shop, customer):
    generator = services.password_reset_tokens
    old = generator._make_token_with_timestamp(
        customer, generator._num_seconds(generator._now()) - 4 * 24 * 3600, generator.secret
    )
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    for token in (old, "bad-token", "set-password"):
        response = client.get(f"/shop/shop-a/account/password-reset/{uid}/{token}/")
        assert response.status_code == 200
        assert "invalid or has expired" in response.content.decode()
    response = client.get("/shop/shop-a/account/password-reset/zzz/bad-token/")
    assert "invalid or has expired" in response.content.decode()


def test_reset_token_of_one_shop_is_useless_at_another(client, shop, other_shop, customer):
    token = services.password_reset_tokens.make_token(customer)
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    response = client.get(f"/shop/shop-b/account/password-reset/{uid}/{token}/")
    assert "invalid or has expired" in response.content.decode()


def test_changed_password_ends_other_sessions(client, shop, customer):
    login(client, "shop-a", customer.email)
    with vendor_scope(shop):
        services.set_password(customer, NEW_PASSWORD)
    assert client.get("/shop/shop-a/account/").status_code == 302


# --- query budget ------------------------------------------------------------------------------

HOME_QUERIES = 4  # vendor, vendor on platform, session, customer


@pytest.mark.parametrize("size", [5, 120])
def test_home_query_budget(client, shop, size, django_assert_max_num_queries):
    CustomerFactory.create_batch(size, vendor=shop)
    me = CustomerFactory(vendor=shop)
    login(client, "shop-a", me.email)
    client.get("/shop/shop-a/")  # warm the platform state cache
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/shop/shop-a/")
    assert response.status_code == 200
    assert me.email in response.content.decode() or "Hello" in response.content.decode()
