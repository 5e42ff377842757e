"""What the order pages, the API, dashboards and the check read (no changes here).

Vendor functions run inside the vendor's scope (the portal's, the API's); platform functions
work across vendors on purpose (staff pages, metrics) and filter by the platform the orders
were placed on.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.orders.models import Order, OrderLine
from orion_core import shared_cache
from orion_core.contracts.sales import sales_scopes

PAID_STATUSES = (Order.Status.PAID, Order.Status.FULFILLED, Order.Status.COMPLETED)


def _filtered(
    qs: QuerySet[Order],
    *,
    q: str = "",
    status: str = "",
    placed_from: datetime.date | None = None,
    placed_to: datetime.date | None = None,
) -> QuerySet[Order]:
    for term in (q or "").split()[:5]:
        qs = qs.filter(
            Q(number__icontains=term) | Q(email__icontains=term) | Q(ship_name__icontains=term)
        )
    if status:
        qs = qs.filter(status=status)
    if placed_from:
        qs = qs.filter(placed_at__date__gte=placed_from)
    if placed_to:
        qs = qs.filter(placed_at__date__lte=placed_to)
    return qs.order_by("-placed_at", "-pk")


def vendor_orders(**filters: Any) -> QuerySet[Order]:
    """The current vendor's orders, filtered (inside the vendor's scope)."""
    return _filtered(Order.objects.all(), **filters)


def platform_orders(platform: Any, **filters: Any) -> QuerySet[Order]:
    """Every vendor's orders placed on ``platform`` (staff: across vendors, no scope)."""
    with scopes_disabled():
        qs = Order.objects.with_scopes_disabled().filter(platform=platform).select_related("vendor")
        return _filtered(qs, **filters)


@dataclasses.dataclass(frozen=True)
class Figures:
    orders_today: int
    revenue_month: Decimal
    average_order: Decimal
    awaiting_payment: int
    to_fulfil: int


def figures_scopes(platform_id: int | None, vendor_id: int) -> tuple[str, ...]:
    """The shared-cache scopes an order change bumps (its platform's and its vendor's): the
    sales contract's, which callers of it may cache under."""
    return sales_scopes(platform_id, vendor_id)


def cached_figures(*, platform: Any = None, vendor_id: int | None = None) -> Figures:
    """``figures`` from the shared cache (dashboards ask on every visit), per day: any change
    of an order of that platform or vendor makes it stale on commit, so it is never wrong."""
    day = timezone.localdate().isoformat()
    if platform is not None:
        pk = getattr(platform, "pk", platform)
        key, scope = f"orion:orders:figures:platform:{pk}:{day}", f"orders:platform:{pk}"
    else:
        key, scope = f"orion:orders:figures:vendor:{vendor_id}:{day}", f"orders:vendor:{vendor_id}"
    return shared_cache.get_or_load(
        key, lambda: figures(platform=platform, vendor_id=vendor_id), scope=scope
    )


def figures(*, platform: Any = None, vendor_id: int | None = None) -> Figures:
    """Orders today, revenue this month (paid orders), the average paid order, and what waits
    for the vendor — of a platform's orders or one vendor's, in one query."""
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    paid = Q(status__in=PAID_STATUSES)
    with scopes_disabled():
        qs = Order.objects.with_scopes_disabled().all()
        if platform is not None:
            qs = qs.filter(platform=platform)
        if vendor_id is not None:
            qs = qs.filter(vendor_id=vendor_id)
        found = qs.aggregate(
            today=Count("pk", filter=Q(placed_at__gte=today)),
            revenue=Coalesce(Sum("total", filter=paid & Q(placed_at__gte=month)), Decimal("0")),
            average=Avg("total", filter=paid),
            awaiting=Count("pk", filter=Q(status=Order.Status.PENDING)),
            to_fulfil=Count("pk", filter=Q(status=Order.Status.PAID)),
        )
    average = found["average"] or Decimal("0")
    return Figures(
        orders_today=found["today"],
        revenue_month=found["revenue"],
        average_order=Decimal(average).quantize(Decimal("0.01")),
        awaiting_payment=found["awaiting"],
        to_fulfil=found["to_fulfil"],
    )


# --- the check ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Problem:
    order_id: int
    number: str
    problem: str

    def describe(self) -> str:
        return f"order {self.number} (id {self.order_id}): {self.problem}"


def check_orders(vendor_ids: list[int] | None = None) -> list[Problem]:
    """Prove that every order's totals agree with its lines (subtotal = sum of line totals, tax
    = lines' tax + shipping's, total = subtotal + shipping (+ tax when prices exclude it)).
    Across vendors; two queries. (Stock is inventory's to prove: ``manage.py inventory check``
    proves its ledger; the stock contract does not expose reservations.)"""
    problems: list[Problem] = []
    with scopes_disabled():
        orders = Order.objects.with_scopes_disabled().all()
        if vendor_ids is not None:
            orders = orders.filter(vendor_id__in=vendor_ids)
        sums = {
            row["order_id"]: row
            for row in OrderLine.objects.with_scopes_disabled()
            .filter(order__in=orders)
            .values("order_id")
            .annotate(lines_total=Sum("total"), lines_tax=Sum("tax"), n=Count("pk"))
            .order_by()
        }
        rows = orders.values_list(
            "pk", "number", "subtotal", "shipping", "tax", "total", "prices_include_tax"
        )
        for pk, number, subtotal, shipping, tax, total, inclusive in rows.iterator():
            line = sums.get(pk)
            if line is None:
                problems.append(Problem(pk, number, "has no lines"))
                continue
            if line["lines_total"] != subtotal:
                problems.append(
                    Problem(pk, number, f"lines sum to {line['lines_total']}, subtotal {subtotal}")
                )
            if line["lines_tax"] > tax:
                problems.append(
                    Problem(pk, number, f"lines' tax {line['lines_tax']} exceeds order tax {tax}")
                )
            expected = subtotal + shipping + (Decimal("0") if inclusive else tax)
            if expected != total:
                problems.append(Problem(pk, number, f"total is {total}, parts say {expected}"))
    return problems
