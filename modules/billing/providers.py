"""What billing offers the rest of Orion (found by convention: ``<kind>_provider``).

- ``entitlements_provider``: answers ``orion_core.contracts.entitlements`` on platforms with
  billing on, from the vendor's subscription there (the rules, and what a vendor without one
  gets: ``services.entitlements``). Cached in the shared cache, stale on commit of any tier or
  subscription change.
- ``metrics_provider``: the staff dashboard's figures of a platform: monthly recurring revenue,
  active subscriptions, trials ending this week, past due (shared cache, per hour, stale on
  every change).
- ``widgets_provider``: on a vendor's dashboard, its plan (tier, status, trial end or renewal,
  usage of each limit) linking to its Billing page; on the staff dashboard, the trials ending
  this week and the past-due subscriptions.
- ``subscriptions_provider``: answers ``orion_core.contracts.subscriptions`` (the live
  subscriptions of each tier, for analytics' staff reports), one query.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.billing.services import entitlements, queries, tiers
from modules.billing.services.entitlements import Entitlements
from modules.tenancy.context import current
from orion_core.contracts.subscriptions import TierCount
from orion_core.providers import Metric, Widget

entitlements_provider = Entitlements()


class BillingSubscriptions:
    available = True

    def tier_counts(self, platform_id: int) -> list[TierCount]:
        return [
            TierCount(tier.code, tier.name, tier.live_count)
            for tier in queries.tiers_with_counts(platform_id)
        ]


subscriptions_provider = BillingSubscriptions()


class BillingMetrics:
    """Staff dashboard: the platform's subscriptions at a glance."""

    def get_metrics(self, platform: Any) -> list[Metric]:
        found = queries.cached_figures(platform)
        return [
            Metric("billing.mrr", _("Monthly recurring revenue"), found.mrr_text, module="billing"),
            Metric("billing.active", _("Active subscriptions"), found.active, module="billing"),
            Metric(
                "billing.trials_ending",
                _("Trials ending this week"),
                found.trials_ending,
                module="billing",
            ),
            Metric("billing.past_due", _("Past due"), found.past_due, module="billing"),
        ]


metrics_provider = BillingMetrics()


class BillingWidgets:
    """The vendor's plan on its dashboard; trials ending and payments overdue on staff's."""

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if ctx.vendor_id:
            return [self._vendor(platform, ctx.vendor_id, ctx.vendor_code)]
        if getattr(user, "is_staff", False):
            return [self._staff(platform)]
        return []

    def _vendor(self, platform: Any, vendor_id: int, vendor_code: str) -> Widget:
        """The plan and its usage from the shared cache, on every visit of the dashboard: the
        vendor's cached entitlements plan (tier, status, trial end or renewal) and each
        module's cached count; stale on commit of a plan, product or team change."""
        plan = entitlements.plan(getattr(platform, "pk", platform), vendor_id)
        link = reverse("billing:vendor-billing", kwargs={"vendor_code": vendor_code})
        return Widget(
            "billing.plan",
            _("Your plan"),
            "billing/widgets/plan.html",
            {
                "subscription": plan.subscription,
                "usage": tiers.usage(platform, vendor_id, plan),
                "link": link,
            },
            order=120,
            module="billing",
        )

    def _staff(self, platform: Any) -> Widget:
        trials, late = queries.cached_attention(platform)
        return Widget(
            "billing.attention",
            _("Subscriptions to watch"),
            "billing/widgets/attention.html",
            {"trials": trials, "late": late, "link": reverse("billing:staff-billing")},
            order=260,
            module="billing",
        )


widgets_provider = BillingWidgets()
