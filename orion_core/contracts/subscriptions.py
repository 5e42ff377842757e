"""Subscriptions: how many vendors a platform's plan tiers hold, for reports.

Asked by analytics (the staff's "subscriptions by tier"). Provided by the billing module
(``subscriptions_provider``); callers use ``provider_for(SUBSCRIPTIONS, modules)``.

Fallback, when no enabled module sells plans: **no plans**. ``tier_counts`` is empty and
``available`` is False, so a page can say so instead of showing an empty chart.

Rules a provider keeps: one query; every tier of the platform is listed (archived ones too,
so past subscribers are not lost), in the platform's order; ``subscribers`` counts the live
subscriptions (trialing, active, past due).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from orion_core.contracts import Contract


@dataclass(frozen=True)
class TierCount:
    code: str
    name: str
    subscribers: int


@runtime_checkable
class SubscriptionsProvider(Protocol):
    available: bool

    def tier_counts(self, platform_id: int) -> list[TierCount]:
        """The platform's tiers with their live subscriptions."""


class NoPlans:
    """The fallback: nothing sells plans here."""

    available = False

    def tier_counts(self, platform_id: int) -> list[TierCount]:
        return []


SUBSCRIPTIONS: Contract[SubscriptionsProvider] = Contract(
    name="subscriptions",
    protocol=SubscriptionsProvider,
    fallback=NoPlans(),
    description="A platform's plan tiers and how many vendors subscribe to each, for reports.",
)
