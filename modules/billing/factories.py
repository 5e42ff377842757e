"""factory-boy factories of billing's models (tests, the isolation walk).

Rows are written directly, not through the services: a ``SubscriptionFactory`` subscription
is active in its first monthly period with no history behind it. Tests of subscribing and
changing plans go through ``modules.billing.services``; an ``InvoiceFactory`` invoice is open,
numbered from its own sequence (tests of issuing go through ``services.invoices.run``). Each
factory bumps the caches its row feeds at once (``post_save`` bumps them only on commit, and a
test's transaction never commits), so a test reads its own rows through the entitlements
provider.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from modules.billing.models import (
    BillingPeriod,
    Interval,
    Invoice,
    InvoiceLine,
    Subscription,
    SubscriptionEvent,
    Tier,
)
from modules.billing.services.queries import figures_scope
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory
from orion_core import shared_cache
from orion_core.contracts.entitlements import entitlements_scope, plans_scope
from orion_core.testing import PlatformFactory


class TierFactory(factory.django.DjangoModelFactory):
    """A paid tier: 29.00 a month, 290.00 a year, no features, no limits."""

    class Meta:
        model = Tier

    platform = factory.SubFactory(PlatformFactory)
    code = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.LazyAttribute(lambda t: t.code.replace("-", " ").title())
    monthly_price = Decimal("29.00")
    yearly_price = Decimal("290.00")
    currency = "EUR"
    features = factory.LazyFunction(list)
    limits = factory.LazyFunction(dict)
    position = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        tier = super()._create(model_class, *args, **kwargs)
        shared_cache.bump(plans_scope(tier.platform_id), figures_scope(tier.platform_id))
        return tier


def _now() -> datetime.datetime:
    return timezone.now()


class SubscriptionFactory(ScopeFreeFactory):
    """An active monthly subscription of a vendor to a tier, in its first period."""

    class Meta:
        model = Subscription

    vendor = factory.SubFactory(VendorFactory)
    tier = factory.SubFactory(TierFactory)
    platform = factory.SelfAttribute("tier.platform")
    interval = Interval.MONTH
    status = Subscription.Status.ACTIVE
    price = factory.LazyAttribute(lambda s: s.tier.price_for(s.interval))
    currency = factory.SelfAttribute("tier.currency")
    current_period_start = factory.LazyFunction(_now)
    current_period_end = factory.LazyAttribute(
        lambda s: s.current_period_start + datetime.timedelta(days=30)
    )
    anchor_at = factory.SelfAttribute("current_period_start")
    started_at = factory.SelfAttribute("current_period_start")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        subscription = super()._create(model_class, *args, **kwargs)
        shared_cache.bump(
            entitlements_scope(subscription.vendor_id), figures_scope(subscription.platform_id)
        )
        return subscription


class BillingPeriodFactory(ScopeFreeFactory):
    class Meta:
        model = BillingPeriod

    subscription = factory.SubFactory(SubscriptionFactory)
    vendor = factory.SelfAttribute("subscription.vendor")
    tier = factory.SelfAttribute("subscription.tier")
    interval = factory.SelfAttribute("subscription.interval")
    starts_at = factory.SelfAttribute("subscription.current_period_start")
    ends_at = factory.SelfAttribute("subscription.current_period_end")
    amount = factory.SelfAttribute("subscription.price")
    currency = factory.SelfAttribute("subscription.currency")


class SubscriptionEventFactory(ScopeFreeFactory):
    class Meta:
        model = SubscriptionEvent

    subscription = factory.SubFactory(SubscriptionFactory)
    vendor = factory.SelfAttribute("subscription.vendor")
    kind = SubscriptionEvent.Kind.SUBSCRIBED
    to_status = Subscription.Status.ACTIVE
    actor = SubscriptionEvent.Actor.VENDOR
    message = "Subscribed from the portal."


class InvoiceFactory(ScopeFreeFactory):
    """An open invoice of one plan line (9.00 + 20 % tax), due in 14 days."""

    class Meta:
        model = Invoice

    subscription = factory.SubFactory(SubscriptionFactory)
    vendor = factory.SelfAttribute("subscription.vendor")
    platform = factory.SelfAttribute("subscription.platform")
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda i: f"INV-{i.sequence:06d}")
    billed_to = factory.LazyAttribute(lambda i: i.vendor.name)
    currency = "EUR"
    subtotal = Decimal("9.00")
    tax_rate = Decimal("20.00")
    tax = Decimal("1.80")
    total = Decimal("10.80")
    issued_at = factory.LazyFunction(_now)
    due_at = factory.LazyAttribute(lambda i: i.issued_at + datetime.timedelta(days=14))


class InvoiceLineFactory(ScopeFreeFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    vendor = factory.SelfAttribute("invoice.vendor")
    position = factory.Sequence(lambda n: n + 1)
    kind = InvoiceLine.Kind.PLAN
    description = "Starter, billed monthly"
    amount = Decimal("9.00")
