"""Billing answers the entitlements contract from the vendor's subscription: the rules of
``services.entitlements`` (what a vendor without a plan gets, what no tier sells), through the
real ``provider_for`` and the shared cache, and a plan change followed on the next request."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from modules.billing.factories import SubscriptionFactory, TierFactory
from modules.billing.models import Subscription
from modules.billing.providers import entitlements_provider
from modules.billing.services import entitlements as rules
from modules.billing.services import subscriptions
from orion_core import features, shared_cache
from orion_core.contracts.entitlements import (
    FeatureNotAvailable,
    LimitReached,
    PlanTier,
    Unlimited,
    plans_scope,
)
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
STARTER, GROWTH, PRO = (
    PlanTier("starter", "Starter"),
    PlanTier("growth", "Growth"),
    PlanTier("pro", "Pro"),
)


def ask(platform, vendor, feature):
    return entitlements_provider.entitlement(platform.pk, vendor.pk, feature)


def limit(platform, vendor, name):
    return entitlements_provider.limit(platform.pk, vendor.pk, name)


def test_billing_answers_the_contract_where_it_is_on(billing_on, shop, platform):
    assert features.provider(billing_on) is entitlements_provider
    with override_module(platform, "billing", enabled=False):
        assert isinstance(features.provider(platform), Unlimited)


def test_without_tiers_everything_is_allowed_and_unlimited(billing_on, shop):
    assert ask(billing_on, shop, "invoices").allowed
    assert limit(billing_on, shop, "max_products").unlimited


def test_a_subscriber_gets_its_tiers_features_and_limits(billing_on, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[1])  # Growth
    assert ask(billing_on, shop, "reports").allowed
    refused = ask(billing_on, shop, "invoices")
    assert not refused.allowed and refused.tiers == (PRO,)
    products = limit(billing_on, shop, "max_products")
    assert (products.maximum, products.tiers) == (10, (PRO,))  # never the current tier


def test_what_no_tier_sells_is_free(billing_on, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    assert ask(billing_on, shop, "themes").allowed
    assert limit(billing_on, shop, "max_orders_per_month").unlimited
    assert limit(billing_on, shop, "nonsense").unlimited


def test_a_tier_leaving_a_limit_out_is_unlimited(billing_on, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[2])  # Pro
    assert limit(billing_on, shop, "max_products").unlimited
    assert ask(billing_on, shop, "invoices").allowed


def test_no_plan_means_nothing_a_plan_sells(billing_on, shop, tiers):
    """No subscription and no default tier: features some tier includes are refused naming
    those tiers, limits some tier sets are 0 naming the tiers that allow more."""
    refused = ask(billing_on, shop, "reports")
    assert not refused.allowed and refused.tiers == (GROWTH, PRO)
    products = limit(billing_on, shop, "max_products")
    assert (products.maximum, products.tiers) == (0, (STARTER, GROWTH, PRO))
    with pytest.raises(LimitReached) as stopped:
        features.check_limit(billing_on, shop.pk, "max_products", 0, label="products")
    assert str(stopped.value) == (
        "Your plan allows 0 products. Upgrade to Starter, Growth or Pro for more."
    )


def test_no_subscription_gets_the_default_tier(billing_on, shop, tiers):
    free = TierFactory(
        platform=billing_on,
        code="free",
        name="Free",
        monthly_price=0,
        yearly_price=0,
        is_default=True,
        features=["products"],
        limits={"max_products": 1},
        position=0,
    )
    assert ask(billing_on, shop, "products").allowed
    products = limit(billing_on, shop, "max_products")
    assert (products.maximum, products.tiers[0]) == (1, STARTER)
    assert PlanTier(free.code, free.name) not in products.tiers


def test_an_ended_subscription_is_no_plan(billing_on, shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[2], status=Subscription.Status.CANCELLED)
    assert not ask(billing_on, shop, "invoices").allowed
    assert limit(billing_on, shop, "max_products").maximum == 0


def test_trialing_and_past_due_keep_the_plan(billing_on, shop, other_shop, tiers):
    SubscriptionFactory(vendor=shop, tier=tiers[2], status=Subscription.Status.TRIALING)
    SubscriptionFactory(vendor=other_shop, tier=tiers[2], status=Subscription.Status.PAST_DUE)
    assert ask(billing_on, shop, "invoices").allowed
    assert ask(billing_on, other_shop, "invoices").allowed


def test_a_cancelled_plan_lasts_to_the_second_of_its_period_end(billing_on, shop, tiers):
    end = timezone.now() + datetime.timedelta(hours=1)
    SubscriptionFactory(
        vendor=shop,
        tier=tiers[2],
        cancel_at_period_end=True,
        current_period_start=end - datetime.timedelta(days=30),
        current_period_end=end,
    )
    found = rules.plan(billing_on.pk, shop.pk)
    assert rules.entitlement(found, "invoices").allowed
    later = end + datetime.timedelta(seconds=1)
    assert not rules.entitlement(found, "invoices", now=later).allowed  # the task may be late
    assert rules.limit(found, "max_products", now=later).maximum == 0


def test_archived_tiers_are_never_offered(billing_on, shop, tiers):
    tiers[2].is_active = False
    tiers[2].save()
    shared_cache.bump(plans_scope(billing_on.pk))
    refused = ask(billing_on, shop, "invoices")
    assert not refused.allowed and refused.tiers == ()


def test_an_unknown_vendor_is_answered(billing_on, tiers):
    assert not entitlements_provider.entitlement(billing_on.pk, 987654, "reports").allowed
    assert entitlements_provider.limit(billing_on.pk, 987654, "max_products").maximum == 0


def test_the_answer_is_cached_and_follows_a_plan_change_on_commit(
    billing_on, shop, tiers, django_assert_num_queries, django_capture_on_commit_callbacks
):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    assert not ask(billing_on, shop, "reports").allowed  # loads: warms the cache
    with django_assert_num_queries(0):
        assert not ask(billing_on, shop, "reports").allowed
        assert limit(billing_on, shop, "max_products").maximum == 2
    live = subscriptions.live_subscription(shop, billing_on)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(live, "growth")
    assert ask(billing_on, shop, "reports").allowed  # the next "request" sees it
    assert limit(billing_on, shop, "max_products").maximum == 10


def test_a_tier_change_is_followed_on_commit(
    billing_on, shop, tiers, django_capture_on_commit_callbacks
):
    SubscriptionFactory(vendor=shop, tier=tiers[0])
    assert limit(billing_on, shop, "max_products").maximum == 2
    with django_capture_on_commit_callbacks(execute=True):
        tiers[0].limits = {"max_products": 50}
        tiers[0].save()
    assert limit(billing_on, shop, "max_products").maximum == 50


def test_the_gate_refuses_with_the_tiers(billing_on, shop, tiers):
    with pytest.raises(FeatureNotAvailable) as refused:
        features.require_feature(billing_on, shop.pk, "invoices")
    assert refused.value.as_dict()["tiers"] == [{"code": "pro", "name": "Pro"}]
