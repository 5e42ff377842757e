"""Entitlements from the vendor's subscription: the rules billing answers the contract with
(``orion_core.contracts.entitlements``; ``providers.entitlements_provider`` is this).

**Which plan a vendor is on** (on one platform):

1. its live subscription's tier (trialing, active, or past due: a late payment does not lock a
   vendor out; dunning, in the invoicing half, ends the subscription if it stays unpaid). A
   subscription cancelled at period end keeps its tier until then, to the second, even if the
   scheduled task that ends it runs late;
2. else the platform's **default tier**, if staff marked one (a free plan);
3. else **no plan**: what a plan sells needs a plan. Every feature some tier of the platform
   includes is refused (naming the tiers that include it), and every limit some tier sets is
   0 (naming the tiers that allow more): the vendor keeps what it has, and adds nothing a plan
   counts until it subscribes (its first subscription starts with a free trial).

**What is not sold is free**: a feature no tier of the platform includes, or a limit no tier
sets, is allowed and unlimited for everyone (switching billing on locks nobody out of what no
plan talks about). A limit a tier leaves out is unlimited on that tier.

**Cost.** One shared-cache entry per (platform, vendor) holds the platform's tiers and the
vendor's plan (with what the vendor's dashboard shows of its live subscription), under
``entitlement_scopes(platform_id, vendor_id)``: one round trip warm, two queries cold. Every
change of a tier bumps ``plans_scope(platform)`` and every change of a subscription
``entitlements_scope(vendor)`` once it commits (``modules.billing.receivers``), so the gate
(and the dashboard) follows a plan change on the next request, in every process.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.models import Subscription, Tier
from orion_core import shared_cache
from orion_core.contracts.entitlements import (
    Entitlement,
    Limit,
    PlanTier,
    entitlement_scopes,
)


@dataclass(frozen=True)
class TierTerms:
    """What a tier sells, as the cache keeps it."""

    code: str
    name: str
    features: frozenset[str]
    limits: tuple[tuple[str, int], ...]
    offered: bool

    @property
    def plan_tier(self) -> PlanTier:
        return PlanTier(self.code, self.name)

    def limit(self, name: str) -> int | None:
        return dict(self.limits).get(name)


@dataclass(frozen=True)
class Subscribed:
    """The vendor's live subscription as its dashboard's plan widget shows it."""

    tier: TierTerms
    status: str
    trial_ends_at: datetime.datetime | None
    current_period_end: datetime.datetime
    cancel_at_period_end: bool

    @property
    def status_label(self) -> str:
        return str(Subscription.Status(self.status).label)


@dataclass(frozen=True)
class Plan:
    """The platform's tiers (pricing order) and the vendor's place among them: ``subscribed``
    is the tier code of its live subscription (None: none), which ends at ``until`` (None:
    open-ended); ``default`` is the platform's default tier (None: none); ``subscription`` is
    that live subscription as the dashboard shows it (None: none)."""

    tiers: tuple[TierTerms, ...]
    subscribed: str | None = None
    until: datetime.datetime | None = None
    default: str | None = None
    subscription: Subscribed | None = None

    def current_tier(self, now: datetime.datetime | None = None) -> TierTerms | None:
        """The tier the vendor is on now: its subscription's, else the default (None: no plan)."""
        code = self.subscribed
        if code is None or (self.until is not None and (now or timezone.now()) >= self.until):
            code = self.default
        return next((tier for tier in self.tiers if tier.code == code), None)


def load_plan(platform_id: int, vendor_id: int) -> Plan:
    """The plan from the database (two queries)."""
    tiers = list(
        Tier.objects.filter(platform_id=platform_id)
        .order_by("position", "monthly_price", "pk")
        .values_list("code", "name", "features", "limits", "is_active", "is_default")
    )
    terms = tuple(
        TierTerms(
            code=code,
            name=name,
            features=frozenset(features if isinstance(features, list) else ()),
            limits=tuple(
                sorted(
                    (str(key), int(value))
                    for key, value in (limits if isinstance(limits, dict) else {}).items()
                    if isinstance(value, int) and not isinstance(value, bool)
                )
            ),
            offered=active,
        )
        for code, name, features, limits, active, _default in tiers
    )
    default = next((code for code, *_rest, is_default in tiers if is_default), None)
    with scopes_disabled():
        live = (
            Subscription.objects.filter(
                platform_id=platform_id, vendor_id=vendor_id, status__in=Subscription.LIVE
            )
            .values_list(
                "tier__code",
                "cancel_at_period_end",
                "current_period_end",
                "status",
                "trial_ends_at",
            )
            .first()
        )
    if live is None:
        return Plan(terms, default=default)
    code, cancelling, period_end, status, trial_end = live
    tier = next((tier for tier in terms if tier.code == code), None)  # None: another platform's
    shown = Subscribed(tier, status, trial_end, period_end, cancelling) if tier else None
    return Plan(terms, code, period_end if cancelling else None, default, shown)


def plan(platform_id: int, vendor_id: int) -> Plan:
    """The plan through the shared cache (see the module docstring)."""
    return shared_cache.get_or_load(  # v2: with ``subscription`` (never read an older shape)
        f"orion:billing:plan:v2:{platform_id}:{vendor_id}",
        lambda: load_plan(platform_id, vendor_id),
        scope=entitlement_scopes(platform_id, vendor_id),
    )


def entitlement(found: Plan, feature: str, now: datetime.datetime | None = None) -> Entitlement:
    """May the vendor on ``found`` use ``feature``? If not, the offered tiers that include it."""
    including = [tier for tier in found.tiers if feature in tier.features]
    if not including:
        return Entitlement(feature, allowed=True)
    current = found.current_tier(now)
    if current is not None and feature in current.features:
        return Entitlement(feature, allowed=True)
    tiers = tuple(
        tier.plan_tier
        for tier in including
        if tier.offered and (current is None or tier.code != current.code)
    )
    return Entitlement(feature, allowed=False, tiers=tiers)


def limit(found: Plan, name: str, now: datetime.datetime | None = None) -> Limit:
    """How many of ``name`` may the vendor on ``found`` have, and the tiers that allow more."""
    if not any(tier.limit(name) is not None for tier in found.tiers):
        return Limit(name, maximum=None)
    current = found.current_tier(now)
    maximum = 0 if current is None else current.limit(name)
    if maximum is None:
        return Limit(name, maximum=None)
    more = tuple(
        tier.plan_tier
        for tier in found.tiers
        if tier.offered
        and (current is None or tier.code != current.code)
        and (tier.limit(name) is None or tier.limit(name) > maximum)
    )
    return Limit(name, maximum=maximum, tiers=more)


class Entitlements:
    """The entitlements contract, answered from the vendor's subscription (never raises for
    an unknown vendor or feature: an unknown vendor has no subscription)."""

    def entitlement(self, platform_id: int, vendor_id: int, feature: str) -> Entitlement:
        return entitlement(plan(platform_id, vendor_id), feature)

    def limit(self, platform_id: int, vendor_id: int, name: str) -> Limit:
        return limit(plan(platform_id, vendor_id), name)
