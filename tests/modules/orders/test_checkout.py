"""Checkout on the storefront: a guest and a customer buy with the manual gateway; the order,
its stock, its payment and the confirmation e-mail are right; a retry never orders twice; a
tampered total, a bad address or a sold-out product orders nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from modules.customers.factories import CustomerFactory
from modules.customers.models import CustomerAddress
from modules.inventory import services as inventory
from modules.inventory.models import StockLevel
from modules.orders.models import Cart, CartLine, IdempotencyKey, Order, OrderCounter
from modules.orders.services import orders, payment
from orion_core.contracts import providing_module
from orion_core.contracts.notifications import NOTIFICATIONS
from orion_core.contracts.payments import PaymentState
from orion_core.testing import override_module
from tests.modules.orders.conftest import SHOP

pytestmark = pytest.mark.django_db
ADD = f"{SHOP}cart/add/"
CHECKOUT = f"{SHOP}checkout/"
ADDRESS = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "line1": "12 Rue de la Paix",
    "postal_code": "75002",
    "city": "Paris",
    "country": "fr",
    "shipping_method": "standard",
}


def checkout_form(client) -> dict:
    """The checkout page's form as the browser would send it (token and shown total)."""
    page = client.get(CHECKOUT)
    assert page.status_code == 200, page.status_code
    form = page.context["form"]
    return {
        **ADDRESS,
        "token": form.initial["token"],
        "expected_total": str(form.initial["expected_total"]),
    }


def all_orders() -> list[Order]:
    with scopes_disabled():
        return list(Order.objects.order_by("pk"))


@pytest.fixture
def inventory_on(orders_on):
    with override_module(orders_on, "inventory"):
        yield orders_on


def test_a_guest_buys_with_the_manual_gateway(
    shopper, shop, inventory_on, tee, mug, django_capture_on_commit_callbacks
):
    inventory.receive(shop, tee, 5)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    shopper.post(ADD, {"variant": mug.pk, "quantity": 1})
    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.post(CHECKOUT, checkout_form(shopper))
    assert response.status_code == 302, response.content.decode()[:2000]
    (order,) = all_orders()
    assert response["Location"] == f"{SHOP}placed/{order.number}/"
    assert (order.status, order.total, order.email) == (
        "pending",
        Decimal("32.40"),
        ADDRESS["email"],
    )
    assert (order.ship_country, order.payment_reference) == ("FR", order.number)
    # payment started through the contract, with the manual gateway
    started = payment.status(order)
    assert (started.state, started.gateway, started.amount) == (
        PaymentState.PENDING,
        "manual",
        Decimal("32.40"),
    )
    # stock held, cart emptied, confirmation e-mailed (messaging absent: plain Django mail)
    with scopes_disabled():
        level = StockLevel.objects.get(variant=tee)
        assert not CartLine.objects.exists()
    assert (level.on_hand, level.reserved) == (5, 2)
    assert providing_module(NOTIFICATIONS, shopper.get(SHOP + "cart/").wsgi_request.modules) is None
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject and mail.outbox[0].to == [ADDRESS["email"]]
    assert "2 × T-shirt" in mail.outbox[0].body
    page = shopper.get(response["Location"])
    assert page.status_code == 200 and order.number in page.content.decode()
    # the vendor confirms the money arrived: paid, captured, stock sold
    orders.confirm_payment(order)
    order.refresh_from_db()
    assert order.status == "paid"
    assert payment.status(order).state == PaymentState.CAPTURED
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (3, 0)
    assert inventory.check_ledger() == []


def test_someone_else_cannot_see_the_confirmation(shopper, tee):
    from django.test import Client

    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    location = shopper.post(CHECKOUT, checkout_form(shopper))["Location"]
    assert Client(HTTP_HOST="acme.test").get(location).status_code == 404


def test_a_second_submit_of_the_same_form_returns_the_first_order(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = checkout_form(shopper)
    first = shopper.post(CHECKOUT, form)
    again = shopper.post(CHECKOUT, form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert len(all_orders()) == 1


def test_the_idempotency_key_header_returns_the_first_result(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = checkout_form(shopper)
    first = shopper.post(CHECKOUT, form, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 302
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})  # something new in the cart
    again = shopper.post(CHECKOUT, {**form, "token": "other"}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert len(all_orders()) == 1
    with scopes_disabled():
        assert IdempotencyKey.objects.get(key="abc-123").order == all_orders()[0]


def test_a_key_reused_with_other_details_is_a_422(shopper, shop, orders_on, tee):
    from modules.orders.services import carts, checkout
    from modules.orders.services.checkout import IdempotencyConflict
    from orion_core.contracts.stock import STOCK

    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    with scopes_disabled():
        cart = Cart.objects.get()
    data = checkout.CheckoutData(
        email="a@example.com",
        address=orders.Address(name="A", line1="1 St", city="Paris", country="FR"),
    )
    stock = STOCK.fallback
    placed = checkout.place(cart, data, platform=orders_on, stock=stock, idempotency=("api", "k1"))
    again = checkout.place(cart, data, platform=orders_on, stock=stock, idempotency=("api", "k1"))
    assert again.replayed and again.order == placed.order
    other = checkout.CheckoutData(email="b@example.com", address=data.address)
    with pytest.raises(IdempotencyConflict):
        checkout.place(cart, other, platform=orders_on, stock=stock, idempotency=("api", "k1"))
    assert len(all_orders()) == 1
    assert carts  # imported for the service's use


def test_a_tampered_total_orders_nothing(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = checkout_form(shopper)
    response = shopper.post(CHECKOUT, {**form, "expected_total": "0.01", "price": "0.01"})
    assert response.status_code == 400
    assert "The total changed" in response.content.decode()
    assert all_orders() == []
    with scopes_disabled():
        assert CartLine.objects.count() == 1
        assert not IdempotencyKey.objects.exists()
    # a price field in the form is ignored: the order is at the catalog's price
    assert shopper.post(CHECKOUT, {**form, "price": "0.01"}).status_code == 302
    assert all_orders()[0].total == Decimal("14.90")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"line1": ""}, "line1"),
        ({"country": "France"}, "country"),
        ({"country": "1"}, "country"),
        ({"shipping_method": "teleport"}, "shipping_method"),
        ({"token": ""}, "token"),
        ({"expected_total": "abc"}, "expected_total"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_orders_nothing(shopper, tee, change, field):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    response = shopper.post(CHECKOUT, {**checkout_form(shopper), **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert all_orders() == []
    with scopes_disabled():
        assert not OrderCounter.objects.filter(last_number__gt=0).exists()


def test_a_sold_out_product_orders_nothing(shopper, shop, inventory_on, tee):
    inventory.receive(shop, tee, 2)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    form = checkout_form(shopper)
    inventory.adjust(shop, tee, -1, reason="damaged")
    response = shopper.post(CHECKOUT, form)
    assert response.status_code == 400
    assert "Only 1" in response.content.decode()
    assert all_orders() == []
    with scopes_disabled():
        assert StockLevel.objects.get(variant=tee).reserved == 0


def test_an_empty_cart_has_nothing_to_check_out(shopper, tee):
    response = shopper.get(CHECKOUT)
    assert response.status_code == 200 and "Your cart is empty." in response.content.decode()
    token = {**ADDRESS, "token": "t-1"}
    assert shopper.post(CHECKOUT, token).status_code == 400
    assert all_orders() == []


def test_a_customer_checks_out_with_a_saved_address(shop, shopper, tee):
    customer = CustomerFactory(vendor=shop, email="grace@example.com", first_name="Grace")
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
        address = CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="1 Navy Way", city="Arlington", country="US",
            is_default=True,
        )  # fmt: skip
    shopper.post(
        "/shop/shop-a/account/login/", {"email": customer.email, "password": "secret-pass-1"}
    )
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    page = shopper.get(CHECKOUT)
    form = page.context["form"]
    assert form.initial["saved_address"] == address.pk
    body = {
        "email": customer.email,
        "saved_address": address.pk,
        "shipping_method": "pickup",
        "token": form.initial["token"],
    }
    response = shopper.post(CHECKOUT, body)
    assert response.status_code == 302, response.context["form"].errors
    (order,) = all_orders()
    assert (order.customer_id, order.ship_line1, order.ship_country, order.shipping) == (
        customer.pk,
        "1 Navy Way",
        "US",
        Decimal("0.00"),
    )
    history = shopper.get(f"{SHOP}my-orders/")
    assert order.number in history.content.decode()
    assert shopper.get(f"{SHOP}my-orders/{order.number}/").status_code == 200


def test_another_customers_address_cannot_be_used(shop, shopper, tee):
    customer = CustomerFactory(vendor=shop)
    other = CustomerFactory(vendor=shop)
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
        theirs = CustomerAddress.objects.create(
            vendor=shop, customer=other, line1="Elsewhere", city="Rome", country="IT"
        )
        CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="Mine", city="Oslo", country="NO"
        )
    shopper.post(
        "/shop/shop-a/account/login/", {"email": customer.email, "password": "secret-pass-1"}
    )
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = checkout_form(shopper)
    response = shopper.post(CHECKOUT, {**form, "saved_address": theirs.pk})
    assert response.status_code == 400
    assert "saved_address" in response.context["form"].errors
    assert all_orders() == []


def test_a_captured_payment_marks_the_order_paid(
    shopper, tee, orders_on, django_capture_on_commit_callbacks
):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    shopper.post(CHECKOUT, checkout_form(shopper))
    (order,) = all_orders()
    with django_capture_on_commit_callbacks(execute=True):
        payment.payments_for(orders_on).capture(order.vendor_id, order.number)
    order.refresh_from_db()
    assert order.status == "paid"


def test_cancelling_gives_up_the_payment(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    shopper.post(CHECKOUT, checkout_form(shopper))
    (order,) = all_orders()
    orders.cancel(order, reason="changed my mind")
    assert payment.status(order).state == PaymentState.FAILED


def test_refunding_gives_the_money_back(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    shopper.post(CHECKOUT, checkout_form(shopper))
    (order,) = all_orders()
    orders.confirm_payment(order)
    orders.refund(order, reason="damaged in transit")
    status = payment.status(order)
    assert (status.state, status.refunded) == (PaymentState.REFUNDED, order.total)
    order.refresh_from_db()
    assert order.status == "refunded"


def test_the_confirmation_mail_is_in_the_shoppers_language(
    shopper, tee, django_capture_on_commit_callbacks
):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = checkout_form(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(CHECKOUT, form, HTTP_ACCEPT_LANGUAGE="fr")
    assert mail.outbox and re.search(r"commande", mail.outbox[0].subject, re.IGNORECASE)


# --- a customer saves a new address at checkout ----------------------------------------------

SAVED_ADDRESS = ("12 Rue de la Paix", "", "Paris", "75002", "FR")


def logged_in_customer(shop, client, email: str = "grace@example.com"):
    customer = CustomerFactory(vendor=shop, email=email)
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
    response = client.post(
        "/shop/shop-a/account/login/", {"email": customer.email, "password": "secret-pass-1"}
    )
    assert response.status_code == 302
    return customer


def address_book(customer) -> list[tuple]:
    with scopes_disabled():
        return list(
            CustomerAddress.objects.filter(customer=customer)
            .order_by("pk")
            .values_list("line1", "line2", "city", "postal_code", "country", "is_default")
        )


def test_a_customer_saves_a_new_address_at_checkout(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    page = shopper.get(CHECKOUT)
    assert "save_address" in page.context["form"].fields
    assert 'name="save_address"' in page.content.decode()
    response = shopper.post(CHECKOUT, {**checkout_form(shopper), "save_address": "on"})
    assert response.status_code == 302, response.context["form"].errors
    (order,) = all_orders()
    assert order.customer_id == customer.pk
    assert address_book(customer) == [(*SAVED_ADDRESS, True)]  # their first: the default
    with scopes_disabled():
        assert CustomerAddress.objects.get().vendor_id == shop.pk
    # next time, the checkout offers it
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = shopper.get(CHECKOUT).context["form"]
    with scopes_disabled():
        assert form.initial["saved_address"] == CustomerAddress.objects.get(customer=customer).pk


def test_a_customers_new_address_is_saved_once(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    for _ in range(2):
        shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
        response = shopper.post(CHECKOUT, {**checkout_form(shopper), "save_address": "on"})
        assert response.status_code == 302
    assert len(all_orders()) == 2
    assert address_book(customer) == [(*SAVED_ADDRESS, True)]


def test_a_further_new_address_does_not_become_the_default(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    with scopes_disabled():
        CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="1 Navy Way", city="Arlington", country="US",
            is_default=True,
        )  # fmt: skip
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    body = {**checkout_form(shopper), "saved_address": "", "save_address": "on"}
    assert shopper.post(CHECKOUT, body).status_code == 302
    assert all_orders()[0].ship_line1 == ADDRESS["line1"]
    assert address_book(customer) == [
        ("1 Navy Way", "", "Arlington", "", "US", True),
        (*SAVED_ADDRESS, False),
    ]


def test_choosing_a_saved_address_saves_it_not_again(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    with scopes_disabled():
        saved = CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="1 Navy Way", city="Arlington", country="US",
            is_default=True,
        )  # fmt: skip
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    body = {**checkout_form(shopper), "saved_address": saved.pk, "save_address": "on"}
    assert shopper.post(CHECKOUT, body).status_code == 302
    assert all_orders()[0].ship_line1 == "1 Navy Way"
    assert address_book(customer) == [("1 Navy Way", "", "Arlington", "", "US", True)]


def test_a_customer_who_does_not_ask_saves_no_address(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    assert shopper.post(CHECKOUT, checkout_form(shopper)).status_code == 302
    assert all_orders()[0].customer_id == customer.pk
    assert address_book(customer) == []


def test_a_guest_is_not_offered_to_save_the_address_and_saves_none(shop, shopper, tee):
    customer = CustomerFactory(vendor=shop, email=ADDRESS["email"])  # the guest's e-mail
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    page = shopper.get(CHECKOUT)
    assert "save_address" not in page.context["form"].fields
    assert 'name="save_address"' not in page.content.decode()
    response = shopper.post(CHECKOUT, {**checkout_form(shopper), "save_address": "on"})
    assert response.status_code == 302
    assert all_orders()[0].customer_id is None
    assert address_book(customer) == []
    with scopes_disabled():
        assert not CustomerAddress.objects.exists()


def test_a_refused_checkout_saves_no_address(shop, shopper, tee):
    customer = logged_in_customer(shop, shopper)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 1})
    form = {**checkout_form(shopper), "save_address": "on"}
    assert shopper.post(CHECKOUT, {**form, "expected_total": "0.01"}).status_code == 400
    assert shopper.post(CHECKOUT, {**form, "country": "France"}).status_code == 400
    assert all_orders() == []
    assert address_book(customer) == []


def test_a_sold_out_checkout_saves_no_address(shop, shopper, inventory_on, tee, monkeypatch):
    from modules.inventory.providers import InventoryStock
    from orion_core.contracts.stock import Availability

    customer = logged_in_customer(shop, shopper)
    inventory.receive(shop, tee, 2)
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    form = {**checkout_form(shopper), "save_address": "on"}
    inventory.adjust(shop, tee, -1, reason="damaged")
    assert shopper.post(CHECKOUT, form).status_code == 400  # seen on the cart: a problem
    # stock that looked sufficient when priced and is gone when reserved: sold out, a 409
    monkeypatch.setattr(
        InventoryStock,
        "availability",
        lambda self, vendor_id, ids: {
            pk: Availability(pk, tracked=True, available=9) for pk in ids
        },
    )
    response = shopper.post(CHECKOUT, form)
    assert response.status_code == 409
    assert "sold out" in response.content.decode()
    assert all_orders() == []
    assert address_book(customer) == []
    with scopes_disabled():
        level = StockLevel.objects.get(variant=tee)
    assert (level.on_hand, level.reserved) == (1, 0)
