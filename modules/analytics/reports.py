"""What the report pages show, asked of the sales contract (``orion_core.contracts.sales``):
analytics never reads another module's tables. The platform's time zone (this module's config,
``time_zone``) decides what a day is; the range is turned into aware datetimes there, and the
periods without sales are filled with zeros so a chart shows the gaps.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from orion_core import state
from orion_core.contracts.sales import (
    CartConversion,
    CustomerMix,
    Granularity,
    ProductSales,
    SalesPoint,
    SalesProvider,
)

TOP_PRODUCTS = 10
SERIES = ("sales", "products", "customers", "conversion")


def platform_time_zone(platform: Any) -> str:
    """The IANA name of the platform's time zone (analytics' config, else the project's)."""
    return state.module_config(platform, "analytics").get("time_zone") or settings.TIME_ZONE


def today_in(tz: str) -> datetime.date:
    return datetime.datetime.now(tz=ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Period:
    """Whole days ``first``..``last`` of the time zone ``tz``, grouped by ``granularity``."""

    first: datetime.date
    last: datetime.date
    tz: str
    granularity: Granularity = Granularity.DAY

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=ZoneInfo(self.tz))

    @property
    def end(self) -> datetime.datetime:
        """Midnight after the last day (exclusive), in the zone: a DST day is 23 or 25 hours."""
        after = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(after, datetime.time(), tzinfo=ZoneInfo(self.tz))

    def buckets(self) -> list[datetime.date]:
        """The first day of every period in the range, as the provider names them."""
        day = _bucket(self.first, self.granularity)
        found = []
        while day <= self.last:
            found.append(day)
            day = _next_bucket(day, self.granularity)
        return found


def _bucket(day: datetime.date, granularity: Granularity) -> datetime.date:
    if granularity == Granularity.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    return day


def _next_bucket(day: datetime.date, granularity: Granularity) -> datetime.date:
    if granularity == Granularity.WEEK:
        return day + datetime.timedelta(days=7)
    if granularity == Granularity.MONTH:
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day + datetime.timedelta(days=1)


@dataclass(frozen=True)
class Row:
    """One period of the sales series (zeros when nothing was sold), in one currency."""

    period: datetime.date
    orders: int
    revenue: Decimal
    vendors: int = 0


@dataclass(frozen=True)
class SalesReport:
    available: bool
    currency: str
    rows: list[Row]
    top: list[ProductSales]
    mix: CustomerMix
    conversion: CartConversion
    other_currencies: tuple[str, ...] = ()

    @property
    def orders(self) -> int:
        return sum(row.orders for row in self.rows)

    @property
    def revenue(self) -> Decimal:
        return sum((row.revenue for row in self.rows), Decimal("0.00"))

    @property
    def average_order(self) -> Decimal | None:
        return (self.revenue / self.orders).quantize(Decimal("0.01")) if self.orders else None


def filled(points: Iterable[SalesPoint], period: Period) -> tuple[str, list[Row], tuple[str, ...]]:
    """The series in its main currency (the one with the most revenue) with every period of
    the range, and the other currencies seen (shown as a note, never summed)."""
    points = list(points)
    revenue: dict[str, Decimal] = {}
    for point in points:
        revenue[point.currency] = revenue.get(point.currency, Decimal(0)) + point.revenue
    currency = max(revenue, key=lambda c: (revenue[c], c)) if revenue else ""
    by_period = {p.period: p for p in points if p.currency == currency}
    rows = []
    for day in period.buckets():
        point = by_period.get(day)
        rows.append(
            Row(day, point.orders, point.revenue, point.vendors)
            if point
            else Row(day, 0, Decimal("0.00"), 0)
        )
    return currency, rows, tuple(sorted(c for c in revenue if c != currency))


def sales_report(
    sales: SalesProvider,
    platform_id: int,
    vendor_id: int | None,
    period: Period,
    series: Collection[str] = SERIES,
) -> SalesReport:
    """The ``series`` of the report (all four by default): a question to the contract, one
    query, for each; a CSV export asks only the one it serves."""
    start, end = period.start, period.end
    currency, rows, others = "", [], ()
    if "sales" in series:
        currency, rows, others = filled(
            sales.sales_series(
                platform_id, vendor_id, start, end, tz=period.tz, granularity=period.granularity
            ),
            period,
        )
    return SalesReport(
        available=sales.available,
        currency=currency,
        rows=rows,
        top=sales.top_products(platform_id, vendor_id, start, end, limit=TOP_PRODUCTS)
        if "products" in series
        else [],
        mix=sales.customer_mix(platform_id, vendor_id, start, end)
        if "customers" in series
        else CustomerMix(0, 0),
        conversion=sales.cart_conversion(platform_id, vendor_id, start, end)
        if "conversion" in series
        else CartConversion(0, 0),
        other_currencies=others,
    )


# --- CSV ---------------------------------------------------------------------------------------


def csv_text(report: SalesReport, series: str) -> str:
    """One series of the report as CSV (a header row, then the data; codes stay English)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if series == "products":
        writer.writerow(["sku", "title", "units", "revenue", "currency"])
        writer.writerows([t.sku, t.title, t.units, t.revenue, t.currency] for t in report.top)
    elif series == "customers":
        writer.writerow(["new", "returning"])
        writer.writerow([report.mix.new, report.mix.returning])
    elif series == "conversion":
        rate = report.conversion.rate
        writer.writerow(["carts", "orders", "rate_percent"])
        writer.writerow(
            [report.conversion.carts, report.conversion.orders, "" if rate is None else rate]
        )
    else:
        writer.writerow(["period", "orders", "revenue", "currency", "vendors"])
        writer.writerows(
            [r.period.isoformat(), r.orders, r.revenue, report.currency, r.vendors]
            for r in report.rows
        )
    return out.getvalue()
