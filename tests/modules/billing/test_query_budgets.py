"""Query budgets of billing's pages at two data sizes: the count must not grow with the rows
and stays within the page's budget. Each measured request follows a warm-up request, so the
shared cache (platform, modules, vendor, the plan) is warm.

- the vendor's Billing page at 5 and at 60 history entries (and 3 and 12 tiers);
- the vendor's dashboard (its plan widget) at the same sizes: the fixed part of the request
  (the user) and nothing more, the plan and its usage come from the shared cache;
- the staff overview at 10 and at 120 subscriptions (and 3 and 12 tiers);
- the pricing page at 3 and at 12 tiers;
- the vendor's invoice list and one invoice, and the staff invoice list, at 2 invoices of one
  line and at 30 of eight lines: the user, a count (lists) and the rows (with their lines).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.billing.factories import SubscriptionEventFactory, SubscriptionFactory, TierFactory
from modules.billing.models import Subscription, SubscriptionEvent, Tier
from modules.tenancy.factories import VendorFactory
from tests.modules.billing.conftest import PORTAL

pytestmark = pytest.mark.django_db
BUDGETS = {"vendor billing page": 8, "vendor dashboard": 1, "staff overview": 6, "pricing page": 2}


def measure(client, url: str) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def reset(platform) -> None:
    with scopes_disabled():
        SubscriptionEvent.objects.all().delete()
        Subscription.objects.all().delete()
    Tier.objects.filter(platform=platform).delete()


def tiers_of(platform, count: int) -> list[Tier]:
    return [
        TierFactory(platform=platform, limits={"max_team_members": 5 + n}, features=["products"])
        for n in range(count)
    ]


def test_the_vendor_page_costs_the_same_at_5_and_60_entries(manager, shop, billing_on):
    counts = []
    for tiers, entries in ((3, 5), (12, 60)):
        reset(billing_on)
        made = tiers_of(billing_on, tiers)
        sub = SubscriptionFactory(vendor=shop, tier=made[0], pending_tier=made[-1])
        for _ in range(entries):
            SubscriptionEventFactory(subscription=sub, vendor=shop, to_tier=made[1])
        counts.append(measure(manager, PORTAL))
    assert counts[0] == counts[1], f"vendor page: {counts} queries"
    assert counts[1] <= BUDGETS["vendor billing page"], counts


def test_the_vendor_dashboard_costs_the_same_at_5_and_60_entries(manager, shop, billing_on):
    counts = []
    for tiers, entries in ((3, 5), (12, 60)):
        reset(billing_on)
        made = tiers_of(billing_on, tiers)
        sub = SubscriptionFactory(vendor=shop, tier=made[0], pending_tier=made[-1])
        for _ in range(entries):
            SubscriptionEventFactory(subscription=sub, vendor=shop, to_tier=made[1])
        counts.append(measure(manager, "/vendor/shop-a/"))
    assert counts[0] == counts[1], f"vendor dashboard: {counts} queries"
    assert counts[1] <= BUDGETS["vendor dashboard"], counts


def test_the_staff_overview_costs_the_same_at_10_and_120_subscriptions(staff, billing_on):
    vendors = [VendorFactory(platforms=[billing_on]) for _ in range(120)]
    counts = []
    for tiers, size in ((3, 10), (12, 120)):
        reset(billing_on)
        made = tiers_of(billing_on, tiers)
        for index, vendor in enumerate(vendors[:size]):
            SubscriptionFactory(vendor=vendor, tier=made[index % tiers], pending_tier=made[0])
        counts.append(measure(staff, "/dashboard/billing/"))
    assert counts[0] == counts[1], f"staff overview: {counts} queries"
    assert counts[1] <= BUDGETS["staff overview"], counts


def test_the_pricing_page_costs_the_same_at_3_and_12_tiers(client, billing_on):
    counts = []
    for tiers in (3, 12):
        reset(billing_on)
        tiers_of(billing_on, tiers)
        client.defaults["HTTP_HOST"] = "acme.test"
        counts.append(measure(client, "/pricing/"))
    assert counts[0] == counts[1], f"pricing: {counts} queries"
    assert counts[1] <= BUDGETS["pricing page"], counts


INVOICE_BUDGETS = {"vendor invoices": 3, "vendor invoice": 3, "staff invoices": 3}


def invoices_of(shop, tier, count: int, lines: int = 1) -> list:
    from modules.billing.factories import InvoiceFactory, InvoiceLineFactory

    sub = SubscriptionFactory(vendor=shop, tier=tier)
    made = []
    for _ in range(count):
        invoice = InvoiceFactory(subscription=sub)
        for _ in range(lines):
            InvoiceLineFactory(invoice=invoice)
        made.append(invoice)
    return made


def test_invoice_pages_cost_the_same_at_2_and_30_invoices(manager, staff, shop, billing_on):
    counts: dict[str, list[int]] = {name: [] for name in INVOICE_BUDGETS}
    for count, lines in ((2, 1), (30, 8)):
        reset(billing_on)
        made = invoices_of(shop, tiers_of(billing_on, 1)[0], count, lines)
        counts["vendor invoices"].append(measure(manager, f"{PORTAL}invoices/"))
        counts["vendor invoice"].append(measure(manager, f"{PORTAL}invoices/{made[-1].pk}/"))
        counts["staff invoices"].append(measure(staff, "/dashboard/billing/invoices/"))
    for name, found in counts.items():
        assert found[0] == found[1], f"{name}: {found} queries"
        assert found[1] <= INVOICE_BUDGETS[name], (name, found)
