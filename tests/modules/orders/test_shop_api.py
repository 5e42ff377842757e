"""The storefront API at /api/v1/shop/<code>/orders/: the shopper's cart and checkout over JSON,
on the shop's session. Every client here enforces CSRF as a browser would: a write carries the
token of the ``csrftoken`` cookie a cart answer set, or it is refused and changes nothing.

Covered: the cart (empty, adding, changing, removing, bad input refused with nothing left
behind, a customer's own cart), the checkout (an Idempotency-Key is required; a retry replays
the first answer and never orders or charges twice; a key reused with other details, bad input,
an empty cart, a changed total, a shortage and another customer's address order nothing), a
customer saving the new address at checkout, another shop's cart API, and query budgets."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.catalog.models import Product
from modules.customers.factories import CustomerFactory
from modules.customers.models import CustomerAddress
from modules.inventory import services as inventory
from modules.inventory.models import StockLevel
from modules.inventory.providers import InventoryStock
from modules.orders.factories import CartLineFactory
from modules.orders.models import (
    MAX_LINE_QUANTITY,
    Cart,
    CartLine,
    IdempotencyKey,
    Order,
    OrderCounter,
)
from modules.payments.models import Payment
from orion_core.contracts.stock import Availability
from orion_core.testing import override_module
from tests.modules.orders.conftest import HOST, make_variant
from tests.modules.orders.test_query_budgets import grow

pytestmark = pytest.mark.django_db
API = "/api/v1/shop/shop-a/orders/"
CART = f"{API}cart/"
LINES = f"{API}cart/lines/"
CHECKOUT = f"{API}checkout/"
OTHER_API = "/api/v1/shop/shop-b/orders/"
PASSWORD = "secret-pass-1"
BODY = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "line1": "12 Rue de la Paix",
    "line2": "Bâtiment B",
    "postal_code": "75002",
    "city": "Paris",
    "country": "fr",
    "shipping_method": "standard",
}


# --- helpers ---------------------------------------------------------------------------------


def browser(api: str = API) -> Client:
    """A new browser that looked at its cart once, so it holds the CSRF cookie (``.csrf``)."""
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = client.get(f"{api}cart/")
    assert response.status_code == 200, response.content
    client.csrf = client.cookies["csrftoken"].value
    return client


def write(client, method: str, url: str, body=None, *, csrf: bool = True, **headers):
    """A JSON write, with the CSRF token unless ``csrf=False`` (the cookie's current value:
    logging in changes it)."""
    if csrf:
        headers["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return getattr(client, method)(
        url, {} if body is None else body, content_type="application/json", **headers
    )


def add(client, variant, quantity=1, *, api: str = API):
    return write(client, "post", f"{api}cart/lines/", {"variant": variant.pk, "quantity": quantity})


def place(client, body=None, *, key: str | None = None, api: str = API, **more):
    """POST checkout/ with ``BODY`` (or ``body``) and a new key (or ``key``)."""
    return write(
        client,
        "post",
        f"{api}checkout/",
        {**(BODY if body is None else body), **more},
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
    )


def registered(shop, email: str = "grace@example.com"):
    customer = CustomerFactory(vendor=shop, email=email, first_name="Grace", last_name="Hopper")
    with scopes_disabled():
        customer.set_password(PASSWORD)
        customer.save()
    return customer


def log_in(client, customer) -> None:
    """Log in at the shop's page, as test_checkout.py does (with the CSRF form token)."""
    response = client.post(
        "/shop/shop-a/account/login/",
        {"email": customer.email, "password": PASSWORD, "csrfmiddlewaretoken": client.csrf},
    )
    assert response.status_code == 302, response.content.decode()[:500]


def cart_lines(**filters) -> list[tuple[str, int]]:
    with scopes_disabled():
        return list(
            CartLine.objects.filter(**filters)
            .order_by("pk")
            .values_list("variant__sku", "quantity")
        )


def guest_cart_in_session(client) -> bool:
    return "orion_cart_" in " ".join(client.session.keys())


def all_orders() -> list[Order]:
    with scopes_disabled():
        return list(Order.objects.order_by("pk"))


def payments() -> list[Payment]:
    with scopes_disabled():
        return list(Payment.objects.order_by("pk"))


def addresses(customer) -> list[tuple]:
    with scopes_disabled():
        return list(
            CustomerAddress.objects.filter(customer=customer)
            .order_by("pk")
            .values_list("line1", "line2", "city", "postal_code", "country", "is_default")
        )


def address_count() -> int:
    with scopes_disabled():
        return CustomerAddress.objects.count()


def nothing_ordered() -> None:
    """No order, order number, payment or idempotency key was written."""
    assert all_orders() == []
    assert payments() == []
    with scopes_disabled():
        assert not OrderCounter.objects.filter(last_number__gt=0).exists()
        assert not IdempotencyKey.objects.exists()


@pytest.fixture
def api(shop):
    """A guest's browser at shop A."""
    return browser()


@pytest.fixture
def inventory_on(orders_on):
    with override_module(orders_on, "inventory"):
        yield orders_on


# --- the cart --------------------------------------------------------------------------------


def test_an_empty_cart_is_priced_and_sets_the_csrf_cookie(shop):
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = client.get(CART)
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value
    body = response.json()
    assert (body["lines"], body["count"], body["problems"]) == ([], 0, [])
    assert (body["subtotal"], body["shipping"], body["tax"], body["total"]) == (None,) * 4
    assert body["currency"] == "EUR"
    assert [m["code"] for m in body["shipping_methods"]] == ["standard", "pickup"]
    assert all(m["label"] for m in body["shipping_methods"])
    with scopes_disabled():
        assert not Cart.objects.exists()  # looking makes no cart


def test_adding_answers_201_with_the_cart_priced_now(api, tee, mug):
    response = add(api, tee, 2)
    assert response.status_code == 201, response.content
    assert response.cookies["csrftoken"].value  # every cart answer sets it
    body = response.json()
    (line,) = body["lines"]
    with scopes_disabled():
        stored = CartLine.objects.get()
    assert line == {
        "id": stored.pk,
        "variant": tee.pk,
        "sku": "TEE",
        "title": "T-shirt",
        "option_label": "",
        "quantity": 2,
        "unit_price": "10.00",
        "amount": "20.00",
        "available": None,  # stock not kept: no limit
        "problem": "",
    }
    # prices include 20 % tax; shipping 4.90 under the free-shipping threshold
    assert (body["count"], body["subtotal"], body["shipping"], body["tax"], body["total"]) == (
        2,
        "20.00",
        "4.90",
        "4.15",
        "24.90",
    )
    assert body["problems"] == []
    assert add(api, mug, 1).status_code == 201
    again = api.get(CART).json()
    assert [(row["sku"], row["quantity"], row["amount"]) for row in again["lines"]] == [
        ("TEE", 2, "20.00"),
        ("MUG", 1, "7.50"),
    ]
    assert (again["count"], again["subtotal"], again["total"]) == (3, "27.50", "32.40")


def test_adding_again_adds_up(api, tee):
    add(api, tee, 2)
    response = add(api, tee, 3)
    assert response.status_code == 201
    assert [(row["sku"], row["quantity"]) for row in response.json()["lines"]] == [("TEE", 5)]
    assert cart_lines() == [("TEE", 5)]
    with scopes_disabled():
        assert Cart.objects.count() == 1
    assert guest_cart_in_session(api)


def test_a_line_cannot_grow_past_the_limit(api, tee):
    add(api, tee, MAX_LINE_QUANTITY - 9)
    response = add(api, tee, 10)
    assert response.status_code == 400
    assert "quantity" in response.json()
    assert cart_lines() == [("TEE", MAX_LINE_QUANTITY - 9)]


def test_a_write_without_the_csrf_token_is_a_403_and_makes_no_cart(api, tee):
    response = write(api, "post", LINES, {"variant": tee.pk, "quantity": 1}, csrf=False)
    assert response.status_code == 403, response.content
    forged = write(
        api, "post", LINES, {"variant": tee.pk, "quantity": 1}, csrf=False,
        HTTP_X_CSRFTOKEN="x" * 32,
    )  # fmt: skip
    assert forged.status_code == 403
    with scopes_disabled():
        assert not Cart.objects.exists()
        assert not CartLine.objects.exists()
    assert not guest_cart_in_session(api)


@pytest.mark.parametrize("who", ["guest", "customer"])
@pytest.mark.parametrize("method", ["patch", "delete", "checkout"])
def test_other_writes_without_the_token_are_403_and_change_nothing(shop, tee, who, method):
    client = browser()
    if who == "customer":
        log_in(client, registered(shop))
    add(client, tee, 2)
    with scopes_disabled():
        line = CartLine.objects.get()
    if method == "checkout":
        response = write(client, "post", CHECKOUT, BODY, csrf=False, HTTP_IDEMPOTENCY_KEY="k-1")
    else:
        response = write(client, method, f"{LINES}{line.pk}/", {"quantity": 5}, csrf=False)
    assert response.status_code == 403
    assert cart_lines() == [("TEE", 2)]
    nothing_ordered()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": MAX_LINE_QUANTITY + 1}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"variant": None}, "variant"),
        ({"variant": "x"}, "variant"),
        ({"variant": 2**70}, "variant"),
        ({"variant": 999_999}, "variant"),
        ({"variant": "their_variant"}, "variant"),
        ({"variant": "draft_variant"}, "variant"),
    ],
)
def test_bad_input_is_a_400_per_field_and_leaves_no_cart(request, api, tee, body, field):
    data = {"variant": tee.pk, "quantity": 1, **body}
    if data["variant"] in ("their_variant", "draft_variant"):
        data["variant"] = request.getfixturevalue(data["variant"]).pk
    if data["variant"] is None:
        del data["variant"]  # missing
    response = write(api, "post", LINES, data)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field] and errors[field]
    with scopes_disabled():
        assert not Cart.objects.exists()
        assert not CartLine.objects.exists()
    assert not guest_cart_in_session(api)
    assert api.get(CART).json()["lines"] == []


def test_another_shops_and_unsold_variants_say_why(api, tee, their_variant, draft_variant):
    theirs = write(api, "post", LINES, {"variant": their_variant.pk})
    assert "No such product" in theirs.json()["variant"][0]
    draft = write(api, "post", LINES, {"variant": draft_variant.pk})
    assert "not on sale" in draft.json()["variant"][0]
    assert (theirs.status_code, draft.status_code) == (400, 400)


def test_a_refusal_leaves_the_existing_cart_as_it_was(api, tee, draft_variant):
    add(api, tee, 2)
    response = add(api, draft_variant, 1)
    assert response.status_code == 400
    assert cart_lines() == [("TEE", 2)]
    with scopes_disabled():
        assert Cart.objects.count() == 1
    assert [row["sku"] for row in api.get(CART).json()["lines"]] == ["TEE"]


def test_stock_is_checked_when_adding_and_shown_on_the_cart(shop, inventory_on, api, tee):
    inventory.receive(shop, tee, 3)
    refused = add(api, tee, 4)
    assert refused.status_code == 400
    assert "Only 3" in refused.json()["quantity"][0]
    with scopes_disabled():
        assert not Cart.objects.exists()
    assert add(api, tee, 3).json()["lines"][0]["available"] == 3
    inventory.adjust(shop, tee, -2, reason="damaged")
    body = api.get(CART).json()
    assert body["lines"][0]["available"] == 1
    assert body["lines"][0]["problem"] and body["problems"] == [
        "T-shirt: Only 1 of this product can be ordered."
    ]


def test_a_product_taken_off_sale_is_a_problem_of_the_cart(api, tee):
    add(api, tee, 1)
    with scopes_disabled():
        Product.objects.filter(pk=tee.product_id).update(status=Product.Status.DRAFT)
    body = api.get(CART).json()
    assert body["lines"][0]["problem"]
    assert len(body["problems"]) == 1 and "T-shirt" in body["problems"][0]
    response = place(api)
    assert response.status_code == 400 and "cart" in response.json()
    nothing_ordered()


def test_a_logged_in_customer_gets_their_customer_cart(shop, tee, mug):
    customer = registered(shop)
    client = browser()
    log_in(client, customer)
    assert add(client, tee, 2).status_code == 201
    with scopes_disabled():
        cart = Cart.objects.get()
    assert cart.customer_id == customer.pk
    assert not guest_cart_in_session(client)
    # the customer's cart follows them to another browser
    elsewhere = browser()
    log_in(elsewhere, customer)
    assert add(elsewhere, mug, 1).status_code == 201
    assert [(r["sku"], r["quantity"]) for r in client.get(CART).json()["lines"]] == [
        ("TEE", 2),
        ("MUG", 1),
    ]
    # and a guest's browser does not see it
    assert browser().get(CART).json()["lines"] == []


def test_the_guest_cart_becomes_the_customers_at_login(shop, api, tee):
    customer = registered(shop)
    add(api, tee, 2)
    log_in(api, customer)
    assert [(r["sku"], r["quantity"]) for r in api.get(CART).json()["lines"]] == [("TEE", 2)]
    with scopes_disabled():
        assert Cart.objects.get().customer_id == customer.pk


def test_a_refused_add_after_login_keeps_the_guest_cart(shop, api, tee, draft_variant):
    """The first look at the cart after login merges the guest cart into the customer's; a
    refused add must not lose it (its merge rolled back while the session forgot the cart)."""
    customer = registered(shop)
    add(api, tee, 2)
    log_in(api, customer)
    assert add(api, draft_variant, 1).status_code == 400
    assert [(r["sku"], r["quantity"]) for r in api.get(CART).json()["lines"]] == [("TEE", 2)]


# --- changing and removing lines -------------------------------------------------------------


def test_patch_changes_the_quantity_and_0_removes(api, tee, mug):
    add(api, tee, 1)
    add(api, mug, 1)
    with scopes_disabled():
        tee_line, mug_line = CartLine.objects.order_by("pk")
    response = write(api, "patch", f"{LINES}{tee_line.pk}/", {"quantity": 4})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["sku"], r["quantity"]) for r in body["lines"]] == [("TEE", 4), ("MUG", 1)]
    assert body["subtotal"] == "47.50"
    assert cart_lines() == [("TEE", 4), ("MUG", 1)]
    response = write(api, "patch", f"{LINES}{mug_line.pk}/", {"quantity": 0})
    assert response.status_code == 200
    assert [r["sku"] for r in response.json()["lines"]] == ["TEE"]
    assert cart_lines() == [("TEE", 4)]


def test_delete_removes_a_line(api, tee, mug):
    add(api, tee, 1)
    add(api, mug, 3)
    with scopes_disabled():
        mug_line = CartLine.objects.get(variant=mug)
    response = write(api, "delete", f"{LINES}{mug_line.pk}/")
    assert response.status_code == 200, response.content
    assert [r["sku"] for r in response.json()["lines"]] == ["TEE"]
    assert cart_lines() == [("TEE", 1)]
    again = write(api, "delete", f"{LINES}{mug_line.pk}/")
    assert again.status_code == 400 and "line" in again.json()


@pytest.mark.parametrize("body", [{"quantity": -1}, {"quantity": 1000}, {"quantity": "x"}, {}])
def test_a_bad_quantity_is_a_400_and_changes_nothing(api, tee, body):
    add(api, tee, 2)
    with scopes_disabled():
        line = CartLine.objects.get()
    response = write(api, "patch", f"{LINES}{line.pk}/", body)
    assert response.status_code == 400
    assert "quantity" in response.json()
    assert cart_lines() == [("TEE", 2)]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_another_carts_line_is_not_in_your_cart(shop, api, tee, method):
    other = browser()
    add(other, tee, 1)
    with scopes_disabled():
        theirs = CartLine.objects.get()
    url = f"{LINES}{theirs.pk}/"
    # with no cart of one's own, then with one
    for _ in range(2):
        response = write(api, method, url, {"quantity": 7})
        assert response.status_code == 400, response.content
        assert response.json()["line"] == ["This line is not in your cart."]
        add(api, tee, 2)
    with scopes_disabled():
        assert CartLine.objects.get(pk=theirs.pk).quantity == 1
    assert [r["quantity"] for r in other.get(CART).json()["lines"]] == [1]


# --- checkout --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   "])
def test_checkout_needs_an_idempotency_key(api, tee, key):
    add(api, tee, 2)
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = write(api, "post", CHECKOUT, BODY, **headers)
    assert response.status_code == 400
    assert list(response.json()) == ["idempotency_key"]
    nothing_ordered()
    assert cart_lines() == [("TEE", 2)]


@pytest.mark.parametrize("with_cart", [True, False])
def test_a_too_long_idempotency_key_is_refused(api, tee, with_cart):
    if with_cart:
        add(api, tee, 1)
    response = place(api, key="k" * 101)
    assert response.status_code == 400 and "idempotency_key" in response.json()
    nothing_ordered()


def test_a_guest_checks_out(api, tee, django_capture_on_commit_callbacks):
    add(api, tee, 2)
    shown = api.get(CART).json()["total"]
    with django_capture_on_commit_callbacks(execute=True):
        response = place(api, expected_total=shown)
    assert response.status_code == 201, response.content
    assert "Idempotent-Replayed" not in response.headers
    (order,) = all_orders()
    body = response.json()
    assert body["order"]["number"] == order.number and order.number
    assert body["order"]["status"] == order.status == "pending"
    assert (body["order"]["subtotal"], body["order"]["shipping"], body["order"]["total"]) == (
        "20.00",
        "4.90",
        "24.90",
    )
    assert order.total == Decimal(shown) == Decimal("24.90")
    assert [(li["sku"], li["quantity"]) for li in body["order"]["lines"]] == [("TEE", 2)]
    assert (order.email, order.ship_name, order.ship_line1, order.ship_line2) == (
        BODY["email"],
        BODY["name"],
        BODY["line1"],
        BODY["line2"],
    )
    assert (order.ship_country, order.customer_id, body["order"]["customer"]) == ("FR", None, None)
    assert body["next_action"]["kind"] == "instructions"  # the manual gateway: bank details
    assert body["confirmation_url"] == f"http://{HOST}/shop/shop-a/orders/placed/{order.number}/"
    # paid through the payments contract, once
    (paid,) = payments()
    assert (paid.reference, paid.amount, paid.gateway) == (order.number, order.total, "manual")
    # the cart is empty; this browser may see its confirmation page, another may not
    assert api.get(CART).json()["lines"] == []
    assert api.get(body["confirmation_url"]).status_code == 200
    assert Client(HTTP_HOST=HOST).get(body["confirmation_url"]).status_code == 404


def test_the_same_key_again_replays_the_first_answer(api, tee, mug):
    add(api, tee, 1)
    first = place(api, key="key-1")
    assert first.status_code == 201, first.content
    add(api, mug, 1)  # something new in the cart: the retry must not order it
    again = place(api, key="key-1")
    assert again.status_code == 200, again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["order"]["number"] == first.json()["order"]["number"]
    assert again.json()["order"] == first.json()["order"]
    assert len(all_orders()) == 1
    assert len(payments()) == 1
    assert cart_lines() == [("MUG", 1)]
    with scopes_disabled():
        assert IdempotencyKey.objects.get(key="key-1").order == all_orders()[0]


@pytest.mark.parametrize(
    "change",
    [
        {"email": "someone@example.com"},
        {"line1": "1 Other Street"},
        {"shipping_method": "pickup"},
        {"expected_total": "14.90"},
    ],
)
def test_the_same_key_with_other_details_is_a_422(api, tee, mug, change):
    add(api, tee, 1)
    assert place(api, key="key-1").status_code == 201
    add(api, mug, 1)
    response = place(api, key="key-1", **change)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "idempotency_conflict"
    assert len(all_orders()) == 1
    assert len(payments()) == 1
    assert cart_lines() == [("MUG", 1)]


def test_a_key_reused_with_other_details_from_a_browser_without_a_cart_is_a_422(api, tee):
    """A browser with no cart that repeats a key is a retry only with the same details;
    otherwise it must not be handed the first shopper's order (their e-mail and address)."""
    add(api, tee, 1)
    assert place(api, key="key-1").status_code == 201
    stranger = browser()
    response = place(stranger, key="key-1", email="mallory@example.com", line1="Elsewhere 1")
    assert response.status_code == 422, response.content
    assert BODY["email"] not in response.content.decode()
    assert len(all_orders()) == 1


def test_a_retry_from_a_browser_without_a_cart_gets_the_first_order(api, tee):
    """A headless client that lost its cookies retries with the same key and details."""
    add(api, tee, 1)
    first = place(api, key="key-1")
    again = place(browser(), key="key-1")
    assert again.status_code == 200, again.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["order"]["number"] == first.json()["order"]["number"]
    assert len(all_orders()) == 1 and len(payments()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"line1": ""}, "line1"),
        ({"city": ""}, "city"),
        ({"name": ""}, "name"),
        ({"country": "France"}, "country"),
        ({"country": "1"}, "country"),
        ({"country": "F1"}, "country"),
        ({"postal_code": "9" * 21}, "postal_code"),
        ({"shipping_method": "teleport"}, "shipping_method"),
        ({"expected_total": "abc"}, "expected_total"),
    ],
)
def test_bad_input_is_a_400_per_field_and_orders_nothing(api, tee, change, field):
    add(api, tee, 2)
    response = place(api, **change)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    nothing_ordered()
    assert cart_lines() == [("TEE", 2)]


@pytest.mark.parametrize("missing", ["email", "line1", "city", "country", "shipping_method"])
def test_a_missing_field_is_a_400_on_that_field(api, tee, missing):
    add(api, tee, 1)
    body = {k: v for k, v in BODY.items() if k != missing}
    response = place(api, body)
    assert response.status_code == 400
    assert missing in response.json()
    nothing_ordered()


def test_an_empty_cart_is_a_400_and_its_key_can_be_used_again(api, tee):
    response = place(api, key="key-1")  # no cart at all
    assert response.status_code == 400 and "cart" in response.json()
    add(api, tee, 1)
    with scopes_disabled():
        line = CartLine.objects.get()
    write(api, "delete", f"{LINES}{line.pk}/")
    response = place(api, key="key-1")  # a cart with nothing in it
    assert response.status_code == 400
    assert response.json()["cart"] == ["Your cart is empty."]
    nothing_ordered()
    # the failed attempts kept nothing: the key places the order once there is one
    add(api, tee, 1)
    assert place(api, key="key-1").status_code == 201
    assert len(all_orders()) == 1


def test_a_changed_total_is_a_400_on_expected_total(api, tee):
    add(api, tee, 2)
    shown = api.get(CART).json()["total"]
    with scopes_disabled():
        Product.objects.filter(pk=tee.product_id).update(price=Decimal("12.00"))
    response = place(api, key="key-1", expected_total=shown)
    assert response.status_code == 400
    assert list(response.json()) == ["expected_total"]
    assert "28.90" in response.json()["expected_total"][0]  # the new total
    nothing_ordered()
    assert cart_lines() == [("TEE", 2)]
    # looking again and agreeing to the new total orders, at the catalog's price
    shown = api.get(CART).json()["total"]
    assert shown == "28.90"
    assert place(api, key="key-1", expected_total=shown).status_code == 201
    assert all_orders()[0].total == Decimal("28.90")


def test_a_tampered_total_orders_nothing(api, tee):
    add(api, tee, 1)
    response = place(api, expected_total="0.01", total="0.01", unit_price="0.01")
    assert response.status_code == 400 and "expected_total" in response.json()
    nothing_ordered()
    # price fields in the body are ignored: the order is at the catalog's price
    assert place(api, total="0.01", unit_price="0.01").status_code == 201
    assert all_orders()[0].total == Decimal("14.90")


def test_a_shortage_seen_before_checkout_is_a_400_on_the_cart(shop, inventory_on, api, tee):
    inventory.receive(shop, tee, 2)
    add(api, tee, 2)
    inventory.adjust(shop, tee, -1, reason="damaged")
    response = place(api)
    assert response.status_code == 400
    assert "Only 1" in response.json()["cart"][0]
    nothing_ordered()
    with scopes_disabled():
        level = StockLevel.objects.get(variant=tee)
    assert (level.on_hand, level.reserved) == (1, 0)


def stale_availability(monkeypatch) -> None:
    """The stock looked sufficient when the cart was priced, and is gone when reserving (as
    when another checkout takes the last units in between)."""
    monkeypatch.setattr(
        InventoryStock,
        "availability",
        lambda self, vendor_id, ids: {
            pk: Availability(pk, tracked=True, available=99) for pk in ids
        },
    )


def test_a_product_sold_out_at_checkout_is_a_409(shop, inventory_on, api, tee, mug, monkeypatch):
    inventory.receive(shop, tee, 1)
    inventory.receive(shop, mug, 5)
    add(api, mug, 1)
    add(api, tee, 1)
    with scopes_disabled():
        CartLine.objects.filter(variant=tee).update(quantity=3)
    stale_availability(monkeypatch)
    response = place(api)
    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["code"], body["skus"]) == ("sold_out", ["TEE"])
    assert "T-shirt" in body["detail"] and "Nothing was ordered" in body["detail"]
    nothing_ordered()
    with scopes_disabled():
        levels = {lv.variant_id: (lv.on_hand, lv.reserved) for lv in StockLevel.objects.all()}
    assert levels == {tee.pk: (1, 0), mug.pk: (5, 0)}  # not even the mug is held
    assert cart_lines() == [("MUG", 1), ("TEE", 3)]
    assert inventory.check_ledger() == []


def test_a_customer_checks_out_with_their_saved_address(shop, tee):
    customer = registered(shop)
    with scopes_disabled():
        saved = CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="1 Navy Way", city="Arlington", country="US",
            is_default=True,
        )  # fmt: skip
    client = browser()
    log_in(client, customer)
    add(client, tee, 1)
    response = place(
        client,
        {"email": customer.email, "saved_address": saved.pk, "shipping_method": "pickup"},
    )
    assert response.status_code == 201, response.content
    (order,) = all_orders()
    assert (order.customer_id, order.ship_name, order.ship_line1, order.ship_country) == (
        customer.pk,
        "Grace Hopper",
        "1 Navy Way",
        "US",
    )
    assert order.shipping == Decimal("0.00")
    assert response.json()["order"]["customer"] == customer.pk


def test_the_checkout_options_show_the_cart_payment_and_own_addresses(shop, tee):
    customer = registered(shop)
    other = registered(shop, "other@example.com")
    with scopes_disabled():
        mine = CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="1 Navy Way", city="Arlington", country="US"
        )
        CustomerAddress.objects.create(
            vendor=shop, customer=other, line1="Elsewhere", city="Rome", country="IT"
        )
    guest = browser()
    add(guest, tee, 2)
    options = guest.get(f"{API}checkout/").json()
    assert options["saved_addresses"] == []
    assert options["cart"]["total"] == "24.90" and options["cart"]["count"] == 2
    assert options["payment_method"]["gateway"] == "manual"

    client = browser()
    log_in(client, customer)
    options = client.get(f"{API}checkout/").json()
    assert [a["id"] for a in options["saved_addresses"]] == [mine.pk]
    assert options["saved_addresses"][0]["city"] == "Arlington"
    assert options["cart"]["lines"] == []


def test_another_customers_saved_address_is_a_400(shop, tee):
    customer = registered(shop)
    other = registered(shop, "other@example.com")
    with scopes_disabled():
        theirs = CustomerAddress.objects.create(
            vendor=shop, customer=other, line1="Elsewhere", city="Rome", country="IT"
        )
        CustomerAddress.objects.create(
            vendor=shop, customer=customer, line1="Mine", city="Oslo", country="NO"
        )
    client = browser()
    log_in(client, customer)
    add(client, tee, 1)
    response = place(client, {"email": customer.email, "saved_address": theirs.pk,
                              "shipping_method": "standard"})  # fmt: skip
    assert response.status_code == 400
    assert "saved_address" in response.json()
    nothing_ordered()
    assert "Elsewhere" not in response.content.decode()


def test_a_guest_cannot_use_a_customers_saved_address(shop, api, tee):
    owner = registered(shop)
    with scopes_disabled():
        theirs = CustomerAddress.objects.create(
            vendor=shop, customer=owner, line1="Elsewhere", city="Rome", country="IT"
        )
    add(api, tee, 1)
    response = place(api, {"email": "g@example.com", "saved_address": theirs.pk,
                           "shipping_method": "standard"})  # fmt: skip
    assert response.status_code == 400
    nothing_ordered()


# --- saving the address at checkout ----------------------------------------------------------


@pytest.fixture
def customer_api(shop):
    customer = registered(shop)
    client = browser()
    log_in(client, customer)
    client.customer = customer
    return client


SAVED = ("12 Rue de la Paix", "Bâtiment B", "Paris", "75002", "FR")


def test_a_customer_saves_the_new_address_at_checkout(customer_api, tee):
    add(customer_api, tee, 1)
    response = place(customer_api, save_address=True)
    assert response.status_code == 201, response.content
    assert addresses(customer_api.customer) == [(*SAVED, True)]  # their first: the default
    with scopes_disabled():
        saved = CustomerAddress.objects.get()
    assert saved.vendor_id == customer_api.customer.vendor_id
    assert all_orders()[0].customer_id == customer_api.customer.pk


def test_a_further_new_address_is_saved_without_becoming_the_default(shop, customer_api, tee):
    with scopes_disabled():
        CustomerAddress.objects.create(
            vendor=shop, customer=customer_api.customer, line1="1 Navy Way", city="Arlington",
            country="US", is_default=True,
        )  # fmt: skip
    add(customer_api, tee, 1)
    assert place(customer_api, save_address=True).status_code == 201
    assert addresses(customer_api.customer) == [
        ("1 Navy Way", "", "Arlington", "", "US", True),
        (*SAVED, False),
    ]


def test_the_same_address_is_not_saved_twice(customer_api, tee):
    add(customer_api, tee, 1)
    assert place(customer_api, key="key-1", save_address=True).status_code == 201
    assert place(customer_api, key="key-1", save_address=True).status_code == 200  # a retry
    add(customer_api, tee, 1)
    assert place(customer_api, key="key-2", save_address=True, country="FR").status_code == 201
    assert len(all_orders()) == 2
    assert addresses(customer_api.customer) == [(*SAVED, True)]


def test_choosing_a_saved_address_saves_nothing_new(shop, customer_api, tee):
    with scopes_disabled():
        saved = CustomerAddress.objects.create(
            vendor=shop, customer=customer_api.customer, line1="1 Navy Way", city="Arlington",
            country="US", is_default=True,
        )  # fmt: skip
    add(customer_api, tee, 1)
    response = place(customer_api, saved_address=saved.pk, save_address=True)
    assert response.status_code == 201
    assert all_orders()[0].ship_line1 == "1 Navy Way"
    assert address_count() == 1


@pytest.mark.parametrize("flag", [{"save_address": False}, {}])
def test_without_save_address_nothing_is_saved(customer_api, tee, flag):
    add(customer_api, tee, 1)
    assert place(customer_api, **flag).status_code == 201
    assert address_count() == 0


def test_a_guests_save_address_is_ignored(shop, api, tee):
    customer = registered(shop, BODY["email"])  # even with a customer's e-mail
    add(api, tee, 1)
    response = place(api, save_address=True)
    assert response.status_code == 201, response.content
    assert all_orders()[0].customer_id is None
    assert addresses(customer) == []
    assert address_count() == 0


def test_a_refused_checkout_saves_no_address(customer_api, tee):
    add(customer_api, tee, 1)
    tampered = place(customer_api, save_address=True, expected_total="0.01")
    assert tampered.status_code == 400
    with scopes_disabled():
        CartLine.objects.all().delete()
    empty = place(customer_api, save_address=True)
    assert empty.status_code == 400
    nothing_ordered()
    assert address_count() == 0


def test_a_sold_out_checkout_saves_no_address(shop, inventory_on, customer_api, tee, monkeypatch):
    inventory.receive(shop, tee, 1)
    add(customer_api, tee, 1)
    with scopes_disabled():
        CartLine.objects.update(quantity=2)
    stale_availability(monkeypatch)
    assert place(customer_api, save_address=True).status_code == 409
    nothing_ordered()
    assert address_count() == 0


def test_a_conflicting_key_saves_no_address(customer_api, tee):
    add(customer_api, tee, 1)
    assert place(customer_api, key="key-1").status_code == 201
    add(customer_api, tee, 1)
    assert place(customer_api, key="key-1", save_address=True).status_code == 422
    assert address_count() == 0


# --- another shop ----------------------------------------------------------------------------


def test_another_shops_cart_api_does_not_see_this_shops_cart(shop, other_shop, api, tee):
    add(api, tee, 2)
    with scopes_disabled():
        line = CartLine.objects.get()
    there = api.get(f"{OTHER_API}cart/")
    assert there.status_code == 200
    assert (there.json()["lines"], there.json()["count"]) == ([], 0)
    # shop A's line and variant are unknown at shop B; its checkout has nothing to order
    changed = write(api, "patch", f"{OTHER_API}cart/lines/{line.pk}/", {"quantity": 9})
    assert changed.status_code == 400
    assert write(api, "delete", f"{OTHER_API}cart/lines/{line.pk}/").status_code == 400
    assert add(api, tee, 1, api=OTHER_API).status_code == 400
    assert place(api, key="key-1", api=OTHER_API).status_code == 400
    nothing_ordered()
    assert cart_lines() == [("TEE", 2)]
    with scopes_disabled():
        assert list(Cart.objects.values_list("vendor_id", flat=True)) == [shop.pk]


def test_a_key_used_at_one_shop_is_free_at_another(shop, other_shop, api, tee, their_variant):
    add(api, tee, 1)
    add(api, their_variant, 1, api=OTHER_API)
    assert place(api, key="key-1").status_code == 201
    response = place(api, key="key-1", api=OTHER_API)
    assert response.status_code == 201, response.content
    with scopes_disabled():
        assert sorted(Order.objects.values_list("vendor_id", flat=True)) == sorted(
            [shop.pk, other_shop.pk]
        )
    assert [li["sku"] for li in response.json()["order"]["lines"]] == ["THEIRS"]


def test_a_customer_of_one_shop_is_a_guest_at_another(
    shop, other_shop, customer_api, their_variant
):
    add(customer_api, their_variant, 1, api=OTHER_API)
    response = place(customer_api, api=OTHER_API, save_address=True)
    assert response.status_code == 201, response.content
    assert response.json()["order"]["customer"] is None
    assert address_count() == 0


# --- query budgets ---------------------------------------------------------------------------

CART_BUDGET = 8  # 4 measured
CHECKOUT_BUDGET = 45  # 40 measured


def test_the_cart_api_costs_the_same_at_10_and_200_orders(shop, orders_on):
    customer = registered(shop)
    client = browser()
    log_in(client, customer)
    counts = []
    for size, lines in ((10, 3), (200, 30)):
        with scopes_disabled():
            Order.objects.all().delete()
            Cart.objects.all().delete()
        grow(shop, customer, orders_on, size, lines)
        client.get(CART)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CART)
        assert response.status_code == 200
        assert len(response.json()["lines"]) == lines
        counts.append(len(queries))
    assert counts[0] == counts[1], f"cart API: {counts} queries at 10 and 200 orders"
    assert counts[1] <= CART_BUDGET, f"cart API: {counts[1]} queries, budget {CART_BUDGET}"


def test_the_checkout_api_costs_the_same_at_10_and_200_orders(shop, orders_on):
    customer = registered(shop)
    client = browser()
    log_in(client, customer)
    counts = []
    for size in (10, 200):
        with scopes_disabled():
            Order.objects.all().delete()
            Cart.objects.all().delete()
        grow(shop, customer, orders_on, size, 3)
        assert place(client).status_code == 201  # warm-up
        with scopes_disabled():
            cart = Cart.objects.get(customer=customer)
        for index in range(3):
            CartLineFactory(cart=cart, variant=make_variant(shop, f"C-{size}-{index}"))
        with CaptureQueriesContext(connection) as queries:
            response = place(client)
        assert response.status_code == 201, response.content
        assert len(response.json()["order"]["lines"]) == 3
        counts.append(len(queries))
    assert counts[0] == counts[1], f"checkout API: {counts} queries at 10 and 200 orders"
    assert counts[1] <= CHECKOUT_BUDGET, f"checkout API: {counts[1]} queries"
