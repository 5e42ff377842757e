"""A guest's orders join the account made (or logged in to) afterwards in the same browser
with the order's e-mail: "My orders" lists them. The e-mail alone is not enough (accounts'
e-mails are not verified): another browser, or another e-mail, claims nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from modules.customers.factories import CustomerFactory
from modules.orders.models import Order
from tests.modules.orders.conftest import HOST, SHOP
from tests.modules.orders.test_checkout import ADD, ADDRESS, CHECKOUT, checkout_form

pytestmark = pytest.mark.django_db
ACCOUNT = "/shop/shop-a/account/"
PASSWORD = "Analytical-engine-1843"


def place_as_guest(client: Client, variant) -> Order:
    client.post(ADD, {"variant": variant.pk, "quantity": 1})
    response = client.post(CHECKOUT, checkout_form(client))
    assert response.status_code == 302, response.status_code
    with scopes_disabled():
        return Order.objects.get(number=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def sign_up(client: Client, email: str) -> None:
    form = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(f"{ACCOUNT}signup/", form)
    assert response.status_code == 302, response.context["form"].errors


def customer_of(order: Order):
    with scopes_disabled():
        order.refresh_from_db()
        return order.customer


def test_a_guest_who_signs_up_with_the_orders_email_finds_it(shopper, tee):
    order = place_as_guest(shopper, tee)
    assert customer_of(order) is None
    sign_up(shopper, ADDRESS["email"].upper())  # e-mails match whatever their case

    history = shopper.get(f"{SHOP}my-orders/")
    assert [o.number for o in history.context["orders"]] == [order.number]
    assert customer_of(order).email == ADDRESS["email"]
    assert shopper.get(f"{SHOP}my-orders/{order.number}/").status_code == 200
    # It is theirs now, in any browser.
    elsewhere = Client(HTTP_HOST=HOST)
    login = {"email": ADDRESS["email"], "password": PASSWORD}
    assert elsewhere.post(f"{ACCOUNT}login/", login).status_code == 302
    assert elsewhere.get(f"{SHOP}my-orders/{order.number}/").status_code == 200


def test_logging_in_to_an_existing_account_claims_it_too(shop, shopper, tee):
    customer = CustomerFactory(vendor=shop, email=ADDRESS["email"])
    with scopes_disabled():
        customer.set_password(PASSWORD)
        customer.save()
    order = place_as_guest(shopper, tee)  # a customer may check out without logging in
    login = {"email": ADDRESS["email"], "password": PASSWORD}
    assert shopper.post(f"{ACCOUNT}login/", login).status_code == 302
    assert shopper.get(f"{SHOP}my-orders/{order.number}/").status_code == 200
    assert customer_of(order) == customer


def test_the_email_alone_claims_nothing(shopper, tee):
    order = place_as_guest(shopper, tee)
    stranger = Client(HTTP_HOST=HOST)
    sign_up(stranger, ADDRESS["email"])  # the e-mail of someone else's order
    assert list(stranger.get(f"{SHOP}my-orders/").context["orders"]) == []
    assert stranger.get(f"{SHOP}my-orders/{order.number}/").status_code == 404
    assert customer_of(order) is None


def test_another_email_in_the_same_browser_claims_nothing(shopper, tee):
    order = place_as_guest(shopper, tee)
    sign_up(shopper, "someone.else@example.com")
    assert list(shopper.get(f"{SHOP}my-orders/").context["orders"]) == []
    assert shopper.get(f"{SHOP}my-orders/{order.number}/").status_code == 404
    assert customer_of(order) is None


def test_another_customers_order_stays_theirs(shop, shopper, tee):
    """An order placed by a logged-in customer is never re-assigned, even to the same e-mail
    (one account an e-mail per shop, so only a changed e-mail could match)."""
    first = CustomerFactory(vendor=shop, email="first@example.com")
    with scopes_disabled():
        first.set_password(PASSWORD)
        first.save()
    login = {"email": first.email, "password": PASSWORD}
    assert shopper.post(f"{ACCOUNT}login/", login).status_code == 302
    order = place_as_guest(shopper, tee)  # logged in: the order is the customer's
    assert customer_of(order) == first
    shopper.post(f"{ACCOUNT}logout/")
    sign_up(shopper, ADDRESS["email"])  # the address typed at checkout
    assert list(shopper.get(f"{SHOP}my-orders/").context["orders"]) == []
    assert customer_of(order) == first
