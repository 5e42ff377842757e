"""Warm query budgets of the two dashboards with every module that contributes to them on
(billing and payments, orders, analytics, messaging, catalog, inventory, content, customers), at
two data sizes.

The fixed part of a logged-in request costs no query (``test_fixed_cost``), and neither the
portal home nor the staff dashboard shows anything uncached on top of it; measured rendering,
with nothing kept whole. What every module's widget, metric and header badge shows comes from
the shared cache when warm, so the count is the same with one and with twenty of each row. A
provider that reads the database on every visit fails here with the statements it ran.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from modules.billing.factories import SubscriptionFactory, TierFactory
from modules.catalog.factories import ProductFactory
from modules.inventory.factories import StockLevelFactory
from modules.messaging.factories import NotificationFactory
from modules.orders.factories import OrderFactory
from modules.payments.factories import PaymentFactory
from modules.tenancy.factories import InvitationFactory, MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core import state
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

HOST = "acme.test"
MODULES = [
    "billing",
    "payments",
    "orders",
    "analytics",
    "messaging",
    "catalog",
    "inventory",
    "cms",
    "customers",
]
SIZES = {"one": 1, "twenty": 20}  # of each: subscriptions, payments, orders, products, …
FIXED = 0  # session and user from the shared cache (tests/query_budgets/test_fixed_cost.py)
PAGE_BUDGET = {"/vendor/alpha/": 0, "/dashboard/": 0}
# What each page shows of every module (so a budget met by a page showing nothing fails).
SHOWN = {
    "/vendor/alpha/": [
        "Your plan",  # billing: the plan and its usage
        "Team members",
        "Payments awaiting",  # payments
        "Orders today",  # orders
        "Revenue last month",  # analytics
        "Units on hand",  # inventory
        "Recently changed products",  # catalog
        "Notifications",  # messaging's bell
    ],
    "/dashboard/": [
        "Monthly recurring revenue",  # billing
        "Subscriptions to watch",
        "Payments awaiting",  # payments
        "Orders today",  # orders
        "GMV last month",  # analytics
        "Units on hand",  # inventory
        "Active products",  # catalog
        "Recently changed products",
        "Notifications",  # messaging's bell
    ],
}


def build(size: int) -> tuple:
    """The platform with every module on; the vendor ``alpha`` (its owner, a team, a plan with
    limits, and ``size`` payments, orders, products with stock, notifications), and ``size``
    other vendors with a subscription, a payment, an order and a product each."""
    platform = PlatformFactory(code="acme", domains=[HOST], modules=MODULES)
    growth = TierFactory(
        platform=platform, limits={"max_products": 50, "max_team_members": 5}, code="growth"
    )
    TierFactory(platform=platform, code="pro")
    alpha = VendorFactory(code="alpha", platforms=[platform])
    owner = UserFactory(username="owner")
    MembershipFactory(user=owner, vendor=alpha, role=Membership.Role.OWNER)
    SubscriptionFactory(vendor=alpha, tier=growth)
    for index in range(size):
        MembershipFactory(vendor=alpha)
        InvitationFactory(vendor=alpha)
        PaymentFactory(vendor=alpha, platform=platform, amount=Decimal("10.00") + index)
        OrderFactory(vendor=alpha, platform=platform)
        StockLevelFactory(vendor=alpha, variant__product__vendor=alpha, on_hand=index)
        NotificationFactory(vendor=alpha, recipient_user=owner)
        other = VendorFactory(platforms=[platform])
        SubscriptionFactory(vendor=other, tier=growth, status="trialing")
        PaymentFactory(vendor=other, platform=platform)
        OrderFactory(vendor=other, platform=platform)
        ProductFactory(vendor=other)
    state.invalidate()
    return platform, owner


@override_settings(ORION_PAGE_CACHE_TIMEOUT=0)  # what rendering costs, not a kept page
def warm_queries(client: Client, path: str) -> list[str]:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert [text for text in SHOWN[path] if text not in html] == []
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", list(PAGE_BUDGET))
def test_a_warm_dashboard_reads_every_module_figure_from_the_cache(size, path, redis_sessions):
    _platform, owner = build(SIZES[size])
    user = StaffUserFactory() if path == "/dashboard/" else owner
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    queries = warm_queries(client, path)
    assert len(queries) == FIXED + PAGE_BUDGET[path], "\n".join(queries)
