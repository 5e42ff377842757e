"""Query budgets of orders' pages at 10 and at 200 orders (and carts of 3 and 30 lines): the
count must not grow with the rows and stays within the page's budget. Each measured request
follows a warm-up request, so the shared cache (platform, modules, vendor) is warm."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.customers.factories import CustomerFactory
from modules.orders.factories import CartFactory, CartLineFactory, OrderFactory, OrderLineFactory
from modules.orders.models import Cart, Order
from tests.modules.orders.conftest import PORTAL, SHOP, make_variant

pytestmark = pytest.mark.django_db
BUDGETS = {
    "cart": (f"{SHOP}cart/", 14),
    "checkout": (f"{SHOP}checkout/", 16),
    "customer history": (f"{SHOP}my-orders/", 12),
    "vendor order list": (PORTAL, 14),
}


def measure(client, url: str) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def grow(shop, customer, orders_on, count: int, lines: int) -> None:
    for _ in range(count):
        order = OrderFactory(vendor=shop, customer=customer, platform=orders_on)
        OrderLineFactory(order=order)
    cart = CartFactory(vendor=shop, customer=customer)
    for index in range(lines):
        CartLineFactory(cart=cart, variant=make_variant(shop, f"B-{count}-{index}"))


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_pages_cost_the_same_at_10_and_200_orders(page, shop, orders_on, manager, shopper):
    customer = CustomerFactory(vendor=shop)
    with scopes_disabled():
        customer.set_password("secret-pass-1")
        customer.save()
    login = {"email": customer.email, "password": "secret-pass-1"}
    assert shopper.post(f"{SHOP[:-7]}account/login/", login).status_code == 302
    client = manager if page.startswith("vendor") else shopper
    url, budget = BUDGETS[page]
    counts = []
    for size, lines in ((10, 3), (200, 30)):
        with scopes_disabled():
            Order.objects.all().delete()
            Cart.objects.all().delete()
        grow(shop, customer, orders_on, size, lines)
        counts.append(measure(client, url))
    assert counts[0] == counts[1], f"{page}: {counts} queries at 10 and 200 orders"
    assert counts[1] <= budget, f"{page}: {counts[1]} queries, budget {budget}"
