"""Billing under concurrency, on PostgreSQL (SQLite ignores SELECT … FOR UPDATE): one vendor
subscribing from several tabs at once gets one subscription; two scheduled runs at once renew a
subscription once; invoice runs at once bill each period once with numbers 1…n, no gap;
invitations and products racing for the last places of a plan take exactly
those places."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.factories import SubscriptionFactory
from modules.billing.models import BillingPeriod, Subscription
from modules.billing.services import subscriptions
from modules.billing.services.errors import IllegalTransition
from modules.tenancy import services as team
from modules.tenancy.factories import MembershipFactory
from modules.tenancy.models import Invitation
from orion_core.contracts.entitlements import LimitReached
from orion_core.testing import override_module

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def race(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at once; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - collected, asserted on below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_subscribing_from_several_tabs_at_once_subscribes_once(shop, billing_on, tiers):
    results = race(6, lambda i: subscriptions.subscribe(shop, billing_on, tiers[i % 3]).pk)
    made = [r for r in results if isinstance(r, int)]
    assert len(made) == 1, results
    assert all(isinstance(r, IllegalTransition) for r in results if r not in made), results
    with scopes_disabled():
        assert Subscription.objects.filter(vendor=shop).count() == 1
        assert BillingPeriod.objects.filter(vendor=shop).count() == 1


def test_two_runs_at_once_renew_once(shop, billing_on, tiers):
    end = timezone.now() - datetime.timedelta(hours=1)
    sub = SubscriptionFactory(
        vendor=shop,
        tier=tiers[1],
        current_period_start=end - datetime.timedelta(days=30),
        current_period_end=end,
        anchor_at=end - datetime.timedelta(days=30),
    )
    results = race(4, lambda i: subscriptions.advance(billing_on).renewed)
    assert sorted(results) == [0, 0, 0, 1], results
    with scopes_disabled():
        assert BillingPeriod.objects.filter(subscription=sub).count() == 1


def test_invoice_runs_at_once_bill_each_period_once_numbered_without_gaps(billing_on, tiers):
    from modules.billing.factories import BillingPeriodFactory
    from modules.billing.models import Invoice
    from modules.billing.services import invoices
    from modules.tenancy.factories import VendorFactory

    start = timezone.now() - datetime.timedelta(hours=1)
    for index in range(6):
        vendor = VendorFactory(code=f"race-{index}", platforms=[billing_on])
        sub = SubscriptionFactory(vendor=vendor, tier=tiers[index % 3], current_period_start=start)
        BillingPeriodFactory(subscription=sub)
    results = race(3, lambda i: len(invoices.run(billing_on).issued))
    assert sum(results) == 6, results
    with scopes_disabled():
        found = Invoice.objects.filter(platform=billing_on)
        assert sorted(found.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
        assert found.values("period").distinct().count() == 6


def test_invitations_race_for_the_last_seats(shop, billing_on, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])  # Growth: 5 seats
    owner = MembershipFactory(vendor=shop, role="owner").user  # one taken

    def invite(index: int) -> str:
        team.invite(
            shop,
            email=f"n{index}@example.com",
            role="staff",
            invited_by=owner,
            platform=billing_on,
        )
        return "invited"

    results = race(8, invite)
    assert results.count("invited") == 4, results
    assert all(isinstance(r, LimitReached) for r in results if r != "invited"), results
    with scopes_disabled():
        assert Invitation.objects.filter(vendor=shop).count() == 4


@pytest.mark.skipif(not apps.is_installed("modules.catalog"), reason="needs the catalog")
def test_products_race_for_the_last_places(shop, billing_on, tiers):
    from modules.catalog.models import Product
    from modules.catalog.services import products

    with override_module(billing_on, "catalog"):
        SubscriptionFactory(vendor=shop, tier=tiers[0])  # Starter: 2 products

        def create(index: int) -> str:
            data = products.ProductInput(title=f"Mug {index}", sku=f"MUG-{index}", price="9.90")
            products.save_product(shop, data, platform=billing_on)
            return "created"

        results = race(6, create)
    assert results.count("created") == 2, results
    assert all(isinstance(r, LimitReached) for r in results if r != "created"), results
    with scopes_disabled():
        assert Product.objects.filter(vendor=shop).count() == 2
