"""What analytics offers the dashboards (found by convention: ``<kind>_provider``).

- ``metrics_provider``: the staff dashboard's GMV of the platform this month and last month.
- ``widgets_provider``: on a vendor's portal dashboard, its revenue this month against last
  month and a bar per day of the last 30, linking to its reports; on the staff dashboard, the
  platform's GMV per day of the last 30.

All ask the sales contract (nothing when no module answers it) and keep the answer in the
shared cache under the contract's scopes (``sales_scopes``), which the provider bumps when a
sale changes: a warm dashboard reads them without a query, and they are never stale. Only the
figures are cached; the chart is drawn on each visit, in the visitor's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modules.analytics import charts, reports
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


TREND_DAYS = 30


@dataclass(frozen=True)
class Trend:
    """Revenue per day of the last ``TREND_DAYS`` days (the platform's calendar, today last),
    zeros included, in the main currency."""

    days: tuple[tuple[datetime.date, Decimal], ...]
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((revenue for _day, revenue in self.days), Decimal("0.00"))

    def chart(self, title: str) -> SafeString:
        money = "{} " + self.currency if self.currency else "{}"
        points = [(date_format(day, "SHORT_DATE_FORMAT"), revenue) for day, revenue in self.days]
        return charts.sparkline(title, points, value_format=money)


def daily_revenue(platform: Any, vendor_id: int | None) -> Trend | None:
    """``Trend`` of the vendor (None: the platform), cached like ``month_figures`` (one query
    when cold); None without sales data."""
    sales = provider_for(SALES, state.state_for_platform(platform).enabled)
    if not sales.available:
        return None
    tz = reports.platform_time_zone(platform)
    today = reports.today_in(tz)
    period = reports.Period(today - datetime.timedelta(days=TREND_DAYS - 1), today, tz)

    def load() -> Trend:
        currency, rows, _others = reports.filled(
            sales.sales_series(platform.pk, vendor_id, period.start, period.end, tz=tz), period
        )
        return Trend(tuple((row.period, row.revenue) for row in rows), currency)

    key = f"orion:analytics:daily:{platform.pk}:{vendor_id}:{today.isoformat()}"
    return shared_cache.get_or_load(key, load, scope=sales_scopes(platform.pk, vendor_id))


def trend_context(trend: Trend, title: str) -> dict[str, Any]:
    """What ``analytics/widgets/trend.html`` shows: the total as text, and the chart (titled
    ``title`` with the total filled in) when anything was sold."""
    total = f"{trend.total} {trend.currency}".strip()
    chart = trend.chart(title % {"total": total}) if trend.total else None
    return {"trend": trend, "trend_total": total, "chart": chart}


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
        if ctx.vendor_id:
            return self._vendor(platform, ctx.vendor_id, ctx.vendor_code)
        if getattr(user, "is_staff", False):
            return self._staff(platform)
        return []

    def _vendor(self, platform: Any, vendor_id: int, vendor_code: str) -> list[Widget]:
        found = month_figures(platform, vendor_id)
        trend = daily_revenue(platform, vendor_id)
        if found is None or trend is None:
            return []
        link = reverse("analytics:vendor-reports", kwargs={"vendor_code": vendor_code})
        title = gettext("Revenue over the last 30 days: %(total)s in total")
        return [
            Widget(
                "analytics.months",
                _("Sales trend"),
                "analytics/widgets/months.html",
                {"figures": found, "link": link, **trend_context(trend, title)},
                order=160,
                module="analytics",
            )
        ]

    def _staff(self, platform: Any) -> list[Widget]:
        trend = daily_revenue(platform, None)
        if trend is None:
            return []
        title = gettext("GMV over the last 30 days: %(total)s in total")
        return [
            Widget(
                "analytics.gmv_trend",
                _("GMV trend"),
                "analytics/widgets/trend.html",
                trend_context(trend, title),
                order=160,
                module="analytics",
            )
        ]


widgets_provider = AnalyticsWidgets()
