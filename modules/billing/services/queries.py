"""What billing's pages, API and dashboards read (no changes here).

Platform functions work across vendors on purpose (staff pages, metrics) and filter by the
platform the subscriptions are on; vendor functions filter by vendor and platform explicitly.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.models import Interval, Invoice, Subscription, SubscriptionEvent, Tier
from modules.billing.services import periods
from orion_core import shared_cache

Status = Subscription.Status
PAYING = (Status.ACTIVE, Status.PAST_DUE)
SOON = datetime.timedelta(days=7)


def figures_scope(platform_id: int) -> str:
    """The shared-cache scope every subscription or tier change of the platform bumps."""
    return f"billing:platform:{platform_id}"


def _pk(value: Any) -> int:
    return getattr(value, "pk", value)


# --- staff lists -----------------------------------------------------------------------------


def platform_subscriptions(
    platform: Any, *, q: str = "", status: str = "", tier: Tier | None = None
) -> QuerySet[Subscription]:
    """Every vendor's subscriptions on ``platform`` (staff: across vendors), newest first."""
    with scopes_disabled():
        qs = (
            Subscription.objects.with_scopes_disabled()
            .filter(platform_id=_pk(platform))
            .select_related("vendor", "tier", "pending_tier")
        )
        for term in (q or "").split()[:5]:
            qs = qs.filter(Q(vendor__name__icontains=term) | Q(vendor__code__icontains=term))
        if status:
            qs = qs.filter(status=status)
        if tier is not None:
            qs = qs.filter(tier=tier)
        return qs.order_by("-started_at", "-pk")


def tiers_with_counts(platform: Any) -> list[Tier]:
    """The platform's tiers, archived ones too, each with ``live_count`` (its trialing, active
    and past-due subscriptions): one query."""
    with scopes_disabled():
        return list(
            Tier.objects.filter(platform_id=_pk(platform))
            .annotate(
                live_count=Count(
                    "subscriptions", filter=Q(subscriptions__status__in=Subscription.LIVE)
                )
            )
            .order_by("position", "monthly_price", "pk")
        )


# --- the vendor's page ---------------------------------------------------------------------


def vendor_events(vendor_id: int, platform_id: int) -> QuerySet[SubscriptionEvent]:
    """The history of the vendor's subscriptions on the platform, newest first."""
    with scopes_disabled():
        return (
            SubscriptionEvent.objects.with_scopes_disabled()
            .filter(vendor_id=vendor_id, subscription__platform_id=platform_id)
            .select_related("subscription", "from_tier", "to_tier", "user")
            .order_by("-created_at", "-pk")
        )


# --- dashboards ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Figures:
    """A platform's subscriptions at a glance. ``mrr``: monthly recurring revenue by currency
    (active and past-due subscriptions; a yearly price counts a twelfth), rounded to the cent."""

    mrr: tuple[tuple[str, Decimal], ...]
    active: int
    trialing: int
    trials_ending: int
    past_due: int
    cancelling: int

    @property
    def mrr_text(self) -> str:
        return " + ".join(f"{amount} {currency}" for currency, amount in self.mrr) or "0.00"


def figures(platform: Any, *, now: datetime.datetime | None = None) -> Figures:
    """The platform's figures, in two queries."""
    now = now or timezone.now()
    with scopes_disabled():
        qs = Subscription.objects.with_scopes_disabled().filter(platform_id=_pk(platform))
        found = qs.aggregate(
            active=Count("pk", filter=Q(status=Status.ACTIVE)),
            trialing=Count("pk", filter=Q(status=Status.TRIALING)),
            trials_ending=Count(
                "pk",
                filter=Q(
                    status=Status.TRIALING, trial_ends_at__gte=now, trial_ends_at__lt=now + SOON
                ),
            ),
            past_due=Count("pk", filter=Q(status=Status.PAST_DUE)),
            cancelling=Count(
                "pk", filter=Q(status__in=Subscription.LIVE, cancel_at_period_end=True)
            ),
        )
        monthly = Case(
            When(interval=Interval.YEAR, then=F("price") / Value(Decimal("12"))),
            default=F("price"),
            output_field=DecimalField(max_digits=20, decimal_places=6),
        )
        mrr = (
            qs.filter(status__in=PAYING)
            .values("currency")
            .annotate(total=Coalesce(Sum(monthly), Value(Decimal("0"))))
            .order_by("currency")
        )
        by_currency = tuple((row["currency"], periods.money(row["total"])) for row in mrr)
    return Figures(mrr=by_currency, **found)


def cached_figures(platform: Any) -> Figures:
    """``figures`` from the shared cache (dashboards ask on every visit), per hour: any change
    of a subscription or tier of the platform makes it stale on commit."""
    pk = _pk(platform)
    hour = timezone.now().strftime("%Y%m%d%H")
    return shared_cache.get_or_load(
        f"orion:billing:figures:{pk}:{hour}", lambda: figures(pk), scope=figures_scope(pk)
    )


@dataclasses.dataclass(frozen=True)
class Attention:
    """A subscription staff may want to look at (a trial ending soon, a payment overdue)."""

    vendor_code: str
    vendor_name: str
    tier_name: str
    status: str
    when: datetime.datetime | None


def needs_attention(platform: Any, *, limit: int = 5) -> tuple[list[Attention], list[Attention]]:
    """Trials ending within a week (soonest first) and past-due subscriptions (oldest period
    first), ``limit`` of each: two queries."""
    now = timezone.now()
    with scopes_disabled():
        base = Subscription.objects.with_scopes_disabled().filter(platform_id=_pk(platform))
        fields = ("vendor__code", "vendor__name", "tier__name", "status")
        ending = base.filter(
            status=Status.TRIALING, trial_ends_at__gte=now, trial_ends_at__lt=now + SOON
        ).order_by("trial_ends_at", "pk")
        overdue = base.filter(status=Status.PAST_DUE).order_by("current_period_start", "pk")
        trials = [Attention(*row) for row in ending.values_list(*fields, "trial_ends_at")[:limit]]
        late = [
            Attention(*row) for row in overdue.values_list(*fields, "current_period_start")[:limit]
        ]
    return trials, late


def cached_attention(platform: Any) -> tuple[list[Attention], list[Attention]]:
    pk = _pk(platform)
    hour = timezone.now().strftime("%Y%m%d%H")
    return shared_cache.get_or_load(
        f"orion:billing:attention:{pk}:{hour}",
        lambda: needs_attention(pk),
        scope=figures_scope(pk),
    )


def vendor_invoices(platform_id: int) -> QuerySet[Invoice]:
    """The current vendor's invoices on ``platform_id`` (inside the vendor's scope), newest
    first."""
    return Invoice.objects.filter(platform_id=platform_id).order_by("-issued_at", "-sequence")


def platform_invoices(
    platform: Any, *, status: str = "", overdue: bool = False, q: str = ""
) -> QuerySet[Invoice]:
    """A platform's invoices across vendors (staff; call inside ``scopes_disabled``)."""
    found = Invoice.objects.filter(platform_id=_pk(platform)).select_related("vendor")
    if status:
        found = found.filter(status=status)
    if overdue:
        found = found.filter(status=Invoice.Status.OPEN, due_at__lte=timezone.now())
    for term in q.split()[:5]:
        found = found.filter(
            Q(number__icontains=term) | Q(vendor__name__icontains=term) | Q(vendor__code=term)
        )
    return found.order_by("-issued_at", "-sequence")
