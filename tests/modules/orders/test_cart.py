"""The storefront cart: adding from the product page, changing and removing lines, the guest
cart merged at login, availability and prices checked now, and bad input refused with a 400
and nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from modules.customers.factories import CustomerFactory
from modules.inventory import services as inventory
from modules.orders.models import Cart, CartLine
from orion_core.testing import override_module
from tests.modules.orders.conftest import SHOP, make_sized

pytestmark = pytest.mark.django_db
CART = f"{SHOP}cart/"
ADD = f"{SHOP}cart/add/"


def lines(**filters) -> list[tuple[str, int]]:
    with scopes_disabled():
        return list(
            CartLine.objects.filter(**filters)
            .order_by("pk")
            .values_list("variant__sku", "quantity")
        )


def login(client, customer) -> None:
    response = client.post(
        "/shop/shop-a/account/login/", {"email": customer.email, "password": "secret-pass-1"}
    )
    assert response.status_code == 302, response.content


def test_the_product_page_offers_the_add_to_cart_form(shopper, tee):
    page = shopper.get("/shop/shop-a/p/t-shirt/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{ADD}"' in html and f'name="variant" value="{tee.pk}"' in html


def test_without_orders_the_product_page_has_no_cart(platform, tee, shopper):
    with override_module(platform, "orders", enabled=False):
        html = shopper.get("/shop/shop-a/p/t-shirt/").content.decode()
        assert shopper.get(CART).status_code == 404
    assert ADD not in html


def test_a_guest_adds_changes_and_removes(shopper, tee, mug):
    assert shopper.post(ADD, {"variant": tee.pk, "quantity": 2}).status_code == 302
    assert shopper.post(ADD, {"variant": tee.pk, "quantity": 1}).status_code == 302
    shopper.post(ADD, {"variant": mug.pk, "quantity": 1})
    assert lines() == [("TEE", 3), ("MUG", 1)]
    page = shopper.get(CART)
    assert page.status_code == 200
    assert page.context["cart"].totals.subtotal == Decimal("37.50")
    with scopes_disabled():
        tee_line, mug_line = CartLine.objects.order_by("pk")
    assert shopper.post(f"{CART}lines/{tee_line.pk}/", {"quantity": 5}).status_code == 302
    assert shopper.post(f"{CART}lines/{mug_line.pk}/remove/").status_code == 302
    assert lines() == [("TEE", 5)]
    assert shopper.post(f"{CART}lines/{tee_line.pk}/", {"quantity": 0}).status_code == 302
    assert lines() == []


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": -1},
        {"quantity": 0},
        {"quantity": 1000},
        {"quantity": 10**12},
        {"quantity": "two"},
        {"variant": 2**70},
        {"variant": "x"},
        {"variant": ""},
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(shopper, tee, body):
    response = shopper.post(ADD, {"variant": tee.pk, "quantity": 1, **body})
    assert response.status_code == 400
    assert response.context["error_form"].errors
    with scopes_disabled():
        assert not Cart.objects.exists()
    assert "orion_cart_" not in "".join(shopper.session.keys())


def test_another_shops_or_an_unknown_or_unsold_variant_is_refused(
    shopper, tee, their_variant, draft_variant
):
    for variant, message in (
        (their_variant.pk, "No such product"),
        (999_999, "No such product"),
        (draft_variant.pk, "not on sale"),
    ):
        response = shopper.post(ADD, {"variant": variant, "quantity": 1})
        assert response.status_code == 400
        assert message in response.content.decode()
    with scopes_disabled():
        assert not Cart.objects.exists()


def test_a_line_cannot_grow_past_the_limit(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 990})
    response = shopper.post(ADD, {"variant": tee.pk, "quantity": 10})
    assert response.status_code == 400
    assert lines() == [("TEE", 990)]


def test_another_carts_line_cannot_be_changed(shopper, client, tee):
    from django.test import Client

    other = Client(HTTP_HOST="acme.test")
    other.post(ADD, {"variant": tee.pk, "quantity": 1})
    with scopes_disabled():
        theirs = CartLine.objects.get()
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    response = shopper.post(f"{CART}lines/{theirs.pk}/", {"quantity": 7})
    assert response.status_code == 400
    assert shopper.post(f"{CART}lines/{theirs.pk}/remove/").status_code == 400
    with scopes_disabled():
        assert CartLine.objects.get(pk=theirs.pk).quantity == 1


def test_stock_is_checked_when_adding_and_shown_on_the_cart(platform, shop, shopper, tee):
    with override_module(platform, "inventory"):
        inventory.receive(shop, tee, 3)
        response = shopper.post(ADD, {"variant": tee.pk, "quantity": 4})
        assert response.status_code == 400
        assert "Only 3" in response.content.decode()
        assert shopper.post(ADD, {"variant": tee.pk, "quantity": 3}).status_code == 302
        inventory.adjust(shop, tee, -2, reason="damaged")
        page = shopper.get(CART)
        assert page.context["cart"].problems == ["T-shirt: Only 1 of this product can be ordered."]


def test_prices_are_the_catalogs_current_ones(shopper, tee):
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    with scopes_disabled():
        tee.product.price = Decimal("12.00")
        tee.product.save()
    assert shopper.get(CART).context["cart"].totals.subtotal == Decimal("24.00")


def test_a_variant_of_a_product_with_options(shop, shopper):
    small, large = make_sized(shop, "HOODIE")
    shopper.post(ADD, {"variant": large.pk, "quantity": 1})
    row = shopper.get(CART).context["cart"].rows[0]
    assert (row.option_label, row.unit_price) == ("L", Decimal("35.00"))


def test_the_guest_cart_is_merged_into_the_customers_at_login(shop, shopper, tee, mug):
    customer = CustomerFactory(vendor=shop, email="ada@example.com")
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
    # the customer left a cart behind on another device
    other = type(shopper)(HTTP_HOST="acme.test")
    login(other, customer)
    other.post(ADD, {"variant": tee.pk, "quantity": 1})
    # now as a guest here, then logging in
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    shopper.post(ADD, {"variant": mug.pk, "quantity": 1})
    login(shopper, customer)
    cart = shopper.get(CART).context["cart"]
    assert [(row.variant.sku, row.quantity) for row in cart.rows] == [("TEE", 3), ("MUG", 1)]
    with scopes_disabled():
        assert Cart.objects.count() == 1
        assert Cart.objects.get().customer == customer


def test_a_guest_cart_becomes_the_customers_when_they_had_none(shop, shopper, tee):
    customer = CustomerFactory(vendor=shop)
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
    shopper.post(ADD, {"variant": tee.pk, "quantity": 2})
    login(shopper, customer)
    assert shopper.get(CART).context["cart"].count == 2
    with scopes_disabled():
        assert Cart.objects.get().customer == customer


def test_a_forged_cart_token_in_the_session_is_ignored(shopper, shop, tee):
    session = shopper.session
    session[f"orion_cart_{shop.pk}"] = "not-a-uuid"
    session.save()
    assert shopper.get(CART).status_code == 200
    assert shopper.post(ADD, {"variant": tee.pk, "quantity": 1}).status_code == 302
