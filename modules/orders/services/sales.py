"""Orders' answer to the sales contract (``orion_core.contracts.sales``): aggregated series of
a vendor's or a platform's orders, one query each, grouped in the database.

Across vendors on purpose (reports, staff): every query filters by the platform the orders were
placed on, and by the vendor when one is named, outside the scopes.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Func, IntegerField, Max, Min, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower, TruncDay, TruncMonth, TruncWeek
from django_scopes import scopes_disabled

from modules.orders.models import Cart, Order, OrderLine
from modules.orders.services.queries import PAID_STATUSES
from orion_core.contracts.sales import (
    CartConversion,
    CustomerMix,
    Granularity,
    ProductSales,
    SalesPoint,
)
from orion_core.models import Platform

_TRUNC = {Granularity.DAY: TruncDay, Granularity.WEEK: TruncWeek, Granularity.MONTH: TruncMonth}


def _orders(platform_id: int, vendor_id: int | None) -> QuerySet[Order]:
    qs = Order.objects.with_scopes_disabled().filter(platform_id=platform_id)
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    return qs


def _in_range(start: datetime.datetime, end: datetime.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}placed_at__gte": start, f"{prefix}placed_at__lt": end})


class OrdersSales:
    """``sales_provider``: the contract answered from orders' tables."""

    available = True

    def sales_series(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
        *,
        tz: str,
        granularity: Granularity = Granularity.DAY,
    ) -> list[SalesPoint]:
        zone = ZoneInfo(tz)
        trunc = _TRUNC[Granularity(granularity)]
        with scopes_disabled():
            rows = (
                _orders(platform_id, vendor_id)
                .filter(_in_range(start, end), status__in=PAID_STATUSES)
                .annotate(period=trunc("placed_at", tzinfo=zone))
                .values("period", "currency")
                .annotate(
                    n=Count("pk"), revenue=Sum("total"), vendors=Count("vendor", distinct=True)
                )
                .order_by("period", "currency")
            )
            return [
                SalesPoint(
                    period=row["period"].astimezone(zone).date(),
                    orders=row["n"],
                    revenue=row["revenue"],
                    currency=row["currency"],
                    vendors=row["vendors"],
                )
                for row in rows
            ]

    def top_products(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
        *,
        limit: int = 10,
    ) -> list[ProductSales]:
        lines = OrderLine.objects.with_scopes_disabled().filter(
            _in_range(start, end, "order__"),
            order__platform_id=platform_id,
            order__status__in=PAID_STATUSES,
        )
        if vendor_id is not None:
            lines = lines.filter(vendor_id=vendor_id)
        with scopes_disabled():
            rows = (
                lines.values("sku", "order__currency")
                .annotate(title=Max("title"), units=Sum("quantity"), revenue=Sum("total"))
                .order_by("-revenue", "sku")[:limit]
            )
            return [
                ProductSales(
                    sku=row["sku"],
                    title=row["title"],
                    units=row["units"],
                    revenue=row["revenue"],
                    currency=row["order__currency"],
                )
                for row in rows
            ]

    def customer_mix(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
    ) -> CustomerMix:
        """Buyers by e-mail (guests included): grouped per buyer over every sale before
        ``end``, keeping those who bought in the range, then counted by their first sale."""
        with scopes_disabled():
            found = (
                _orders(platform_id, vendor_id)
                .filter(placed_at__lt=end, status__in=PAID_STATUSES)
                .values(buyer=Lower("email"))
                .annotate(
                    first=Min("placed_at"), in_range=Count("pk", filter=_in_range(start, end))
                )
                .filter(in_range__gt=0)
                .aggregate(
                    new=Count("buyer", filter=Q(first__gte=start)),
                    returning=Count("buyer", filter=Q(first__lt=start)),
                )
            )
        return CustomerMix(new=found["new"] or 0, returning=found["returning"] or 0)

    def cart_conversion(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
    ) -> CartConversion:
        """Carts have no platform: a vendor's carts, or those of the platform's vendors."""
        carts = Cart.objects.with_scopes_disabled().filter(
            created_at__gte=start, created_at__lt=end
        )
        if vendor_id is not None:
            carts = carts.filter(vendor_id=vendor_id)
        else:
            carts = carts.filter(vendor__platforms__platform_id=platform_id)
        placed = _orders(platform_id, vendor_id).filter(_in_range(start, end))
        with scopes_disabled():
            found = (
                Platform.objects.filter(pk=platform_id)
                .annotate(carts=_count(carts), orders=_count(placed))
                .values("carts", "orders")
                .first()
            )
        found = found or {"carts": 0, "orders": 0}
        return CartConversion(carts=found["carts"], orders=found["orders"])


def _count(qs: QuerySet) -> Subquery:
    """``COUNT(DISTINCT pk)`` of ``qs`` as a scalar subquery (no GROUP BY: one row), so that
    several counts come back in one query."""
    counted = qs.order_by().annotate(
        n=Func("pk", function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    )
    return Subquery(counted.values("n")[:1], output_field=IntegerField())
