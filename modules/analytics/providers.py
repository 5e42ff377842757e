"""What analytics offers the dashboards (found by convention: ``<kind>_provider``).

- ``metrics_provider``: the staff dashboard's GMV of the platform this month and last month.
- ``widgets_provider``: on a vendor's portal dashboard, its revenue this month against last
  month, linking to its reports.

Both ask the sales contract (nothing when no module answers it) and keep the answer in the
shared cache under the contract's scopes (``sales_scopes``), which the provider bumps when a
sale changes: a warm dashboard reads them without a query, and they are never stale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.analytics import reports
from modules.tenancy.context import current
from orion_core import shared_cache, state
from orion_core.contracts import provider_for
from orion_core.contracts.sales import SALES, Granularity, sales_scopes
from orion_core.providers import Metric, Widget


@dataclass(frozen=True)
class Months:
    """Revenue of this calendar month and the last (the platform's calendar), main currency."""

    this_month: Decimal
    last_month: Decimal
    currency: str

    @property
    def change(self) -> Decimal | None:
        """This month against the last, in percent (None when last month sold nothing)."""
        if not self.last_month:
            return None
        return ((self.this_month - self.last_month) * 100 / self.last_month).quantize(
            Decimal("0.1")
        )


def month_figures(platform: Any, vendor_id: int | None) -> Months | None:
    """``Months`` of the vendor (None: the platform), cached; None without sales data."""
    sales = provider_for(SALES, state.state_for_platform(platform).enabled)
    if not sales.available:
        return None
    tz = reports.platform_time_zone(platform)
    today = reports.today_in(tz)
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    period = reports.Period(first, today, tz, Granularity.MONTH)

    def load() -> Months:
        currency, rows, _others = reports.filled(
            sales.sales_series(
                platform.pk,
                vendor_id,
                period.start,
                period.end,
                tz=tz,
                granularity=period.granularity,
            ),
            period,
        )
        return Months(rows[-1].revenue, rows[0].revenue, currency)

    key = f"orion:analytics:months:{platform.pk}:{vendor_id}:{today.isoformat()}"
    return shared_cache.get_or_load(key, load, scope=sales_scopes(platform.pk, vendor_id))


class AnalyticsMetrics:
    def get_metrics(self, platform: Any) -> list[Metric]:
        found = month_figures(platform, None)
        if found is None:
            return []
        return [
            Metric(
                "analytics.gmv_month",
                _("GMV this month"),
                f"{found.this_month} {found.currency}".strip(),
                module="analytics",
            ),
            Metric(
                "analytics.gmv_last_month",
                _("GMV last month"),
                f"{found.last_month} {found.currency}".strip(),
                module="analytics",
            ),
        ]


metrics_provider = AnalyticsMetrics()


class AnalyticsWidgets:
    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if not ctx.vendor_id:
            return []
        found = month_figures(platform, ctx.vendor_id)
        if found is None:
            return []
        link = reverse("analytics:vendor-reports", kwargs={"vendor_code": ctx.vendor_code})
        return [
            Widget(
                "analytics.months",
                _("Sales trend"),
                "analytics/widgets/months.html",
                {"figures": found, "link": link},
                order=160,
                module="analytics",
            )
        ]


widgets_provider = AnalyticsWidgets()
