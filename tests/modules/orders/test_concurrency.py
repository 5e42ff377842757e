"""Checkout under concurrency, on PostgreSQL (SQLite ignores SELECT … FOR UPDATE): 20
customers check out the last 5 units at once. Exactly 5 orders are placed, the others are told
the product is sold out, stock never goes negative and the order numbers have no gap."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.inventory import services as inventory
from modules.inventory.models import StockLevel
from modules.orders.factories import CartFactory, CartLineFactory
from modules.orders.models import IdempotencyKey, Order, OrderCounter
from modules.orders.services import checkout, orders
from modules.orders.services.errors import SoldOut
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK
from orion_core.testing import override_module
from tests.modules.inventory.test_concurrency import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]
ADDRESS = orders.Address(name="Buyer", line1="1 Main St", city="Paris", country="FR")


@pytest.fixture
def inventory_on(orders_on):
    with override_module(orders_on, "inventory"):
        yield orders_on


def test_twenty_customers_race_for_the_last_five_units(shop, inventory_on, tee):
    inventory.receive(shop, tee, 5)
    cart_list = [CartFactory(vendor=shop) for _ in range(20)]
    for cart in cart_list:
        CartLineFactory(cart=cart, variant=tee, quantity=1)
    stock = provider_for(STOCK, orders.enabled_modules(inventory_on))

    def buy(index: int) -> str:
        data = checkout.CheckoutData(email=f"buyer{index}@example.com", address=ADDRESS)
        try:
            checkout.place(cart_list[index], data, platform=inventory_on, stock=stock)
        except SoldOut as exc:
            return f"sold out: {exc.message}"
        return "ordered"

    results = race(20, buy)
    assert results.count("ordered") == 5, results
    refused = [r for r in results if r != "ordered"]
    assert len(refused) == 15 and all(r.startswith("sold out: ") for r in refused), refused
    assert all("T-shirt" in r for r in refused)
    with scopes_disabled():
        placed = sorted(Order.objects.filter(vendor=shop).values_list("sequence", flat=True))
        level = StockLevel.objects.get(variant=tee)
        assert OrderCounter.objects.get(vendor=shop).last_number == 5
    assert placed == [1, 2, 3, 4, 5]
    assert (level.on_hand, level.reserved) == (5, 5)
    assert inventory.check_ledger() == []


def test_the_same_checkout_sent_twice_at_once_orders_once(shop, inventory_on, tee):
    inventory.receive(shop, tee, 10)
    cart = CartFactory(vendor=shop)
    CartLineFactory(cart=cart, variant=tee, quantity=2)
    stock = provider_for(STOCK, orders.enabled_modules(inventory_on))
    data = checkout.CheckoutData(email="twice@example.com", address=ADDRESS)

    def submit(index: int) -> int:
        placed = checkout.place(
            cart, data, platform=inventory_on, stock=stock, idempotency=("form", "one-token")
        )
        return placed.order.pk

    results = race(6, submit)
    assert len(set(results)) == 1, results
    with scopes_disabled():
        assert Order.objects.count() == 1
        assert IdempotencyKey.objects.count() == 1
        assert StockLevel.objects.get(variant=tee).reserved == 2
