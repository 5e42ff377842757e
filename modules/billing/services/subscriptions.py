"""Subscriptions: subscribing, changing plan, cancelling at period end, and what time does.

**State machine** (``TRANSITIONS``)::

    trialing ──trial over──► active ──invoice overdue──► past_due ──paid──► active
       │  └─trial over, cancelled──► expired        │                    │
       └──────── cancelled now (staff) ──► cancelled ◄── period over, cancelled / staff ──┘

``cancelled`` and ``expired`` are final: a vendor who comes back subscribes again (a new
subscription; at most one per vendor and platform is live). Every change locks the
subscription's row, re-reads its status under the lock (two clicks change it once), writes a
``SubscriptionEvent`` (who, when, from, to, why) and commits whole or not at all; the caches
the change stales are bumped once it commits (``modules.billing.receivers``).

**Subscribing.** A vendor's first subscription to a paid tier on a platform starts with a free
trial of the platform's ``trial_days`` (module config, default 14): ``trialing`` until then, a
period of its own (amount 0). Any later one, a free tier, or ``trial_days`` 0 starts
``active`` with its first period at once. Periods run from the billing anchor in whole months
or years (``services.periods``); the price of a period is locked when the plan is chosen.

**Changing plan** (the proration rule):

- during a trial, any change takes effect at once (nothing has been paid; the trial keeps its
  end);
- a change that costs at least as much per period (an upgrade) takes effect at once, and the
  difference for the rest of the period is owed pro rata, by the second, rounded half up to
  the cent (``periods.prorate``; recorded on the change's event for the invoicing half to
  bill);
- a change that costs less (a downgrade) is scheduled for the end of the period: the vendor
  keeps what it paid for until then, and nothing is refunded. What the vendor already has
  beyond the smaller plan's limits stays; it can add nothing more until it is under them;
- switching between monthly and yearly billing is scheduled for the end of the period (the
  new cycle is anchored there); an upgrade asked with another interval upgrades the tier now
  and switches the interval at the period end;
- asking for the plan one is on withdraws a scheduled change. No change while ``past_due``
  (settle the overdue invoice first; cancelling is still possible).

**Cancelling** is at the period end (the end of the trial during one): the vendor keeps its
plan until then and may withdraw the cancellation (``resume``). At the end the subscription
becomes ``cancelled`` (``expired`` for a trial). Staff (and dunning, later) may end one at
once (``cancel_now``).

**Time** (``advance``, the scheduled task, idempotent): a trial that ended becomes ``active``
with its first paid period, or ``expired`` if it was cancelled; a period that ended starts the
next one (applying a scheduled change), or ends the subscription as ``cancelled`` if it was
cancelled. **Interim rule** until invoicing and charging land (the module's second half):
nothing is charged yet, so an ended trial becomes ``active`` whether or not the vendor has a
payment method; ``past_due`` is set by the invoicing half (``mark_past_due``) when an invoice
is not paid in time, and lifted by ``mark_recovered``. Periods missed while billing was off on
the platform (or the task was not running) are skipped, not billed: the subscription moves to
the period that contains now.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from modules.billing.models import BillingPeriod, Interval, Subscription, SubscriptionEvent, Tier
from modules.billing.services import periods
from modules.billing.services.errors import BillingError, IllegalTransition
from modules.billing.services.tiers import offered_tier
from modules.tenancy.models import Vendor
from orion_core import state

MODULE = "billing"
DEFAULT_TRIAL_DAYS = 14

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.TRIALING: frozenset({Status.ACTIVE, Status.EXPIRED, Status.CANCELLED}),
    Status.ACTIVE: frozenset({Status.PAST_DUE, Status.CANCELLED}),
    Status.PAST_DUE: frozenset({Status.ACTIVE, Status.CANCELLED}),
    Status.CANCELLED: frozenset(),
    Status.EXPIRED: frozenset(),
}


# --- helpers -------------------------------------------------------------------------------------


def _pk(value: Any) -> int:
    pk = getattr(value, "pk", value)
    if not isinstance(pk, int) or isinstance(pk, bool) or pk <= 0:
        raise ValueError("Billing needs a saved vendor and platform.")
    return pk


@contextlib.contextmanager
def _vendor_work(vendor: Any) -> Iterator[int]:
    """A transaction (or a savepoint of the caller's) inside ``vendor``'s scope."""
    vid = _pk(vendor)
    with transaction.atomic(), scope(vendor=vid):
        yield vid


def trial_days(platform: Any) -> int:
    """The platform's free trial in days (module config)."""
    found = state.module_config(_pk(platform), MODULE)
    return int(found.get("trial_days", DEFAULT_TRIAL_DAYS) or 0)


def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def live_subscription(vendor: Any, platform: Any) -> Subscription | None:
    """The vendor's trialing, active or past-due subscription on ``platform``."""
    with scopes_disabled():
        return (
            Subscription.objects.filter(
                vendor_id=_pk(vendor), platform_id=_pk(platform), status__in=Subscription.LIVE
            )
            .select_related("tier", "pending_tier")
            .first()
        )


def current_subscription(vendor: Any, platform: Any) -> Subscription | None:
    """The live subscription, else the latest one that ended (None: never subscribed)."""
    with scopes_disabled():
        return (
            Subscription.objects.filter(vendor_id=_pk(vendor), platform_id=_pk(platform))
            .select_related("tier", "pending_tier")
            .order_by("-started_at", "-pk")
            .first()
        )


def record(
    subscription: Subscription,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    from_tier: Tier | None = None,
    to_tier: Tier | None = None,
    amount: Decimal | None = None,
    period: BillingPeriod | None = None,
    message: str = "",
    user: Any = None,
    actor: str = "system",
) -> SubscriptionEvent:
    """Append an entry to the subscription's history."""
    return SubscriptionEvent.objects.create(
        vendor_id=subscription.vendor_id,
        subscription=subscription,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        from_tier=from_tier,
        to_tier=to_tier,
        amount=amount,
        period=period,
        message=message[:300],
        user=user if getattr(user, "is_authenticated", False) else None,
        actor=actor,
    )


def _open_period(
    subscription: Subscription,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    trial: bool = False,
) -> BillingPeriod:
    return BillingPeriod.objects.create(
        vendor_id=subscription.vendor_id,
        subscription=subscription,
        tier=subscription.tier,
        interval=subscription.interval,
        starts_at=start,
        ends_at=end,
        amount=periods.ZERO if trial else subscription.price,
        currency=subscription.currency,
        is_trial=trial,
    )


def current_period(subscription: Subscription) -> BillingPeriod | None:
    return (
        BillingPeriod.objects.filter(subscription=subscription)
        .order_by("-starts_at", "-pk")
        .first()
    )


def _check_interval(interval: str) -> str:
    if interval not in Interval.values:
        raise BillingError(_("Choose monthly or yearly billing."), field="interval")
    return interval


def _tier_for(platform_id: int, tier: Tier | str) -> Tier:
    """The offered tier ``tier`` (a Tier or its code) of the platform, or a field error."""
    if isinstance(tier, Tier):
        found = tier if tier.platform_id == platform_id and tier.is_active else None
    else:
        found = offered_tier(platform_id, tier)
    if found is None:
        raise BillingError(_("Choose one of the plans offered here."), field="tier")
    return found


def _date(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


# --- subscribing ---------------------------------------------------------------------------------


def had_subscription(vendor_id: int, platform_id: int) -> bool:
    with scopes_disabled():
        return Subscription.objects.filter(vendor_id=vendor_id, platform_id=platform_id).exists()


def subscribe(
    vendor: Any,
    platform: Any,
    tier: Tier | str,
    interval: str = Interval.MONTH,
    *,
    user: Any = None,
    actor: str = "vendor",
    now: datetime.datetime | None = None,
) -> Subscription:
    """Put the vendor on ``tier`` of ``platform``: a trial if this is its first subscription
    to a paid tier there (and the platform gives trials), else active at once. Refused while it
    has a live subscription (change the plan instead)."""
    _check_interval(interval)
    platform_id = _pk(platform)
    now = now or timezone.now()
    with _vendor_work(vendor) as vid:
        found = _tier_for(platform_id, tier)
        # Serialises two subscribing requests of one vendor (the unique constraint is the net).
        Vendor.objects.select_for_update().filter(pk=vid).values_list("pk", flat=True).get()
        if live_subscription(vid, platform_id) is not None:
            raise IllegalTransition(_("You have a plan already: change it instead."))
        price = found.price_for(interval)
        days = trial_days(platform_id)
        trial = days > 0 and price > 0 and not had_subscription(vid, platform_id)
        if trial:
            end = now + datetime.timedelta(days=days)
            status, anchor, trial_end = Status.TRIALING, end, end
        else:
            status, anchor, trial_end = Status.ACTIVE, now, None
            end = periods.add_intervals(now, interval, 1)
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    vendor_id=vid,
                    platform_id=platform_id,
                    tier=found,
                    interval=interval,
                    status=status,
                    price=price,
                    currency=found.currency,
                    trial_ends_at=trial_end,
                    current_period_start=now,
                    current_period_end=end,
                    anchor_at=anchor,
                    started_at=now,
                )
        except IntegrityError:  # subscribed at the same moment elsewhere
            raise IllegalTransition(_("You have a plan already: change it instead.")) from None
        period = _open_period(subscription, now, end, trial=trial)
        message = (
            _("Free trial until %(date)s.") % {"date": _date(end)}
            if trial
            else _("Billed %(interval)s.") % {"interval": Interval(interval).label}
        )
        record(
            subscription,
            Kind.SUBSCRIBED,
            to_status=status,
            to_tier=found,
            period=period,
            message=message,
            user=user,
            actor=actor,
        )
        return subscription


# --- the state machine ---------------------------------------------------------------------------


def _locked(subscription: Subscription) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("tier", "pending_tier")
        .get(pk=subscription.pk)
    )


def _move(
    locked: Subscription,
    to: str,
    *,
    user: Any,
    actor: str,
    message: str = "",
    period: BillingPeriod | None = None,
) -> None:
    """Change the locked subscription's status (or refuse) and write the history."""
    if to not in TRANSITIONS.get(locked.status, frozenset()):
        raise IllegalTransition(
            _("This subscription is %(status)s: it cannot become %(target)s.")
            % {"status": status_label(locked.status), "target": status_label(to)}
        )
    before = locked.status
    locked.status = to
    if to in (Status.CANCELLED, Status.EXPIRED) and locked.ended_at is None:
        locked.ended_at = timezone.now()
    locked.save()
    record(
        locked,
        Kind.STATUS,
        from_status=before,
        to_status=to,
        period=period,
        message=message,
        user=user,
        actor=actor,
    )


def _done(subscription: Subscription, locked: Subscription) -> Subscription:
    subscription.refresh_from_db()
    return locked


def change_plan(
    subscription: Subscription,
    tier: Tier | str,
    interval: str | None = None,
    *,
    user: Any = None,
    actor: str = "vendor",
    now: datetime.datetime | None = None,
) -> tuple[Subscription, str]:
    """Move the subscription to ``tier`` (billed per ``interval``, default: as now) by the
    proration rule of the module docstring. Returns the subscription and what happened:
    ``"changed"`` (at once), ``"scheduled"`` (at the period end) or ``"unscheduled"`` (a
    scheduled change withdrawn)."""
    now = now or timezone.now()
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        interval = _check_interval(interval or locked.interval)
        found = _tier_for(locked.platform_id, tier)
        if locked.status == Status.PAST_DUE:
            raise IllegalTransition(
                _("Your payment is overdue: settle it before changing your plan.")
            )
        if not locked.is_live:
            raise IllegalTransition(
                _("This subscription has ended: choose a plan to subscribe again.")
            )
        if found.currency != locked.currency:
            raise BillingError(
                _("This plan is billed in another currency: cancel and subscribe to it."),
                field="tier",
            )
        same_tier, same_interval = found.pk == locked.tier_id, interval == locked.interval
        if same_tier and same_interval:
            if not (locked.pending_tier_id or locked.pending_interval):
                raise BillingError(_("You are on this plan already."), field="tier")
            locked.pending_tier, locked.pending_interval = None, ""
            locked.save()
            record(locked, Kind.UNSCHEDULED, to_tier=found, user=user, actor=actor)
            return _done(subscription, locked), "unscheduled"
        if locked.status == Status.TRIALING:
            return _done(subscription, _change_now(locked, found, interval, user, actor)), "changed"
        new_price = found.price_for(locked.interval)
        if not same_tier and new_price >= locked.price:
            amount = periods.prorate(
                locked.price, new_price, locked.current_period_start, locked.current_period_end, now
            )
            before = locked.tier
            locked.tier, locked.price = found, new_price
            locked.pending_tier = None
            locked.pending_interval = "" if same_interval else interval
            locked.save()
            record(
                locked,
                Kind.PLAN,
                from_tier=before,
                to_tier=found,
                amount=amount,
                period=current_period(locked),
                message=_("Prorated until %(date)s.") % {"date": _date(locked.current_period_end)},
                user=user,
                actor=actor,
            )
            return _done(subscription, locked), "changed"
        locked.pending_tier = None if same_tier else found
        locked.pending_interval = "" if same_interval else interval
        locked.save()
        record(
            locked,
            Kind.SCHEDULED,
            from_tier=locked.tier,
            to_tier=found,
            message=_("From %(date)s, billed %(interval)s.")
            % {"date": _date(locked.current_period_end), "interval": Interval(interval).label},
            user=user,
            actor=actor,
        )
        return _done(subscription, locked), "scheduled"


def _change_now(
    locked: Subscription, found: Tier, interval: str, user: Any, actor: str
) -> Subscription:
    """A change during the trial: at once, no proration, the trial keeps its end."""
    before = locked.tier
    locked.tier, locked.interval = found, interval
    locked.price, locked.currency = found.price_for(interval), found.currency
    locked.pending_tier, locked.pending_interval = None, ""
    locked.save()
    record(
        locked,
        Kind.PLAN,
        from_tier=before,
        to_tier=found,
        message=_("During the free trial."),
        user=user,
        actor=actor,
    )
    return locked


def cancel(subscription: Subscription, *, user: Any = None, actor: str = "vendor") -> Subscription:
    """Cancel at the end of the period (of the trial, during one): the plan stays until then.
    A scheduled change is dropped."""
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        if not locked.is_live:
            raise IllegalTransition(_("This subscription has ended already."))
        if locked.cancel_at_period_end:
            raise IllegalTransition(_("This subscription is cancelled already."))
        locked.cancel_at_period_end, locked.cancel_requested_at = True, timezone.now()
        locked.pending_tier, locked.pending_interval = None, ""
        locked.save()
        record(
            locked,
            Kind.CANCELLING,
            message=_("Ends on %(date)s.") % {"date": _date(locked.current_period_end)},
            user=user,
            actor=actor,
        )
        return _done(subscription, locked)


def resume(subscription: Subscription, *, user: Any = None, actor: str = "vendor") -> Subscription:
    """Withdraw a cancellation before it takes effect."""
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        if not (locked.is_live and locked.cancel_at_period_end):
            raise IllegalTransition(_("This subscription is not being cancelled."))
        locked.cancel_at_period_end, locked.cancel_requested_at = False, None
        locked.save()
        record(locked, Kind.RESUMED, user=user, actor=actor)
        return _done(subscription, locked)


def cancel_now(
    subscription: Subscription, *, reason: str = "", user: Any = None, actor: str = "staff"
) -> Subscription:
    """End the subscription at once (staff; dunning when an invoice stays unpaid)."""
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        _move(locked, Status.CANCELLED, user=user, actor=actor, message=reason)
        return _done(subscription, locked)


def mark_past_due(
    subscription: Subscription, *, reason: str = "", user: Any = None, actor: str = "system"
) -> Subscription:
    """An invoice of the subscription was not paid in time: ``active → past_due`` (the
    invoicing half calls this). The vendor keeps its plan meanwhile."""
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        _move(locked, Status.PAST_DUE, user=user, actor=actor, message=reason)
        return _done(subscription, locked)


def mark_recovered(
    subscription: Subscription, *, reason: str = "", user: Any = None, actor: str = "system"
) -> Subscription:
    """The overdue invoice was paid: ``past_due → active``."""
    with _vendor_work(subscription.vendor_id):
        locked = _locked(subscription)
        if locked.status != Status.PAST_DUE:
            raise IllegalTransition(_("This subscription is not past due."))
        _move(locked, Status.ACTIVE, user=user, actor=actor, message=reason)
        return _done(subscription, locked)


def purge(platform: Any) -> None:
    """Delete the platform's subscriptions (periods and history with them), then its tiers:
    ``module purge``, only ever while billing is off there. One transaction."""
    platform_id = _pk(platform)
    with transaction.atomic(), scopes_disabled():
        Subscription.objects.filter(platform_id=platform_id).delete()
        Tier.objects.filter(platform_id=platform_id).delete()


# --- time --------------------------------------------------------------------------------------


@dataclass
class Advanced:
    """What one ``advance`` run did, by outcome."""

    activated: int = 0
    renewed: int = 0
    cancelled: int = 0
    expired: int = 0
    skipped_periods: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.activated + self.renewed + self.cancelled + self.expired

    def as_dict(self) -> dict[str, int]:
        return {
            "activated": self.activated,
            "renewed": self.renewed,
            "cancelled": self.cancelled,
            "expired": self.expired,
        }


def advance(platform: Any, *, now: datetime.datetime | None = None, batch: int = 200) -> Advanced:
    """Move every live subscription of ``platform`` whose trial or period ended (see the module
    docstring). Each in its own transaction under its row lock, skipping rows another run
    holds; idempotent and safe to run twice at once."""
    platform_id = _pk(platform)
    now = now or timezone.now()
    done = Advanced()
    seen: set[int] = set()
    while True:
        with scopes_disabled():
            due = list(
                Subscription.objects.filter(
                    platform_id=platform_id,
                    status__in=Subscription.LIVE,
                    current_period_end__lte=now,
                )
                .exclude(pk__in=seen)
                .order_by("current_period_end", "pk")
                .values_list("pk", "vendor_id")[:batch]
            )
        if not due:
            return done
        for pk, vid in due:
            seen.add(pk)
            with _vendor_work(vid):
                locked = (
                    Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("tier", "pending_tier")
                    .filter(pk=pk, status__in=Subscription.LIVE, current_period_end__lte=now)
                    .first()
                )
                if locked is not None:
                    _advance_one(locked, now, done)


def _advance_one(locked: Subscription, now: datetime.datetime, done: Advanced) -> None:
    end = locked.current_period_end
    if locked.cancel_at_period_end:
        locked.ended_at = end
        if locked.status == Status.TRIALING:
            _move(locked, Status.EXPIRED, user=None, actor="system", message=_("Trial over."))
            done.expired += 1
        else:
            _move(locked, Status.CANCELLED, user=None, actor="system", message=_("Period over."))
            done.cancelled += 1
        return
    if locked.status == Status.TRIALING:
        begin, stop = periods.next_period(locked.anchor_at, locked.interval, end)
        if stop <= now:
            begin, stop = periods.period_containing(locked.anchor_at, locked.interval, now)
        period = _start_period(locked, begin, stop)
        _move(
            locked,
            Status.ACTIVE,
            user=None,
            actor="system",
            message=_("Trial over."),
            period=period,
        )
        done.activated += 1
        return
    before_tier = locked.tier
    changed = bool(locked.pending_tier_id or locked.pending_interval)
    if locked.pending_interval:
        locked.interval, locked.anchor_at = locked.pending_interval, end
    if locked.pending_tier_id:
        locked.tier = locked.pending_tier
    if changed:
        locked.price, locked.currency = locked.tier.price_for(locked.interval), locked.tier.currency
    locked.pending_tier, locked.pending_interval = None, ""
    begin, stop = periods.next_period(locked.anchor_at, locked.interval, end)
    message = ""
    if stop <= now:  # periods went by unseen (billing off, the task down): skipped, not billed
        begin, stop = periods.period_containing(locked.anchor_at, locked.interval, now)
        message = _("Periods from %(date)s skipped.") % {"date": _date(end)}
        done.skipped_periods.append(locked.pk)
    period = _start_period(locked, begin, stop)
    record(
        locked,
        Kind.RENEWED,
        from_tier=before_tier if changed else None,
        to_tier=locked.tier if changed else None,
        period=period,
        message=message,
        actor="system",
    )
    done.renewed += 1


def _start_period(
    locked: Subscription, begin: datetime.datetime, stop: datetime.datetime
) -> BillingPeriod:
    locked.current_period_start, locked.current_period_end = begin, stop
    locked.save()
    return _open_period(locked, begin, stop)
