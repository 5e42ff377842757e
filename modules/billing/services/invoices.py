"""Invoices: what vendors owe for their plans, issued on a schedule that cannot double-bill.

**What is billed.** Plans are billed in advance: every non-trial ``BillingPeriod`` with an
amount above zero gets one invoice once it has started, and every upgrade's prorated amount
(``SubscriptionEvent.amount``, see ``services.subscriptions``) is billed once, on the
subscription's next invoice (with the earliest period not billed yet, or alone when no period
is due). Free plans and trials are never invoiced.

**Money.** Lines are tax-exclusive ``Decimal`` amounts; the tax is the platform's
``tax_rate_percent`` (module config) of their sum, rounded half up to the cent; the total is
their sum plus the tax. The rate, the terms and the vendor's name are copied onto the invoice
when it is issued: a later config change never rewrites an issued invoice.

**Numbers** are ``<invoice_prefix><sequence>``, the sequence counted per platform without gaps
(``InvoiceCounter``). The counter row is locked by the transaction that issues the invoice and
incremented in it, so:

- a crash half-way rolls back that invoice and its number together; the invoices already
  committed stay, and the next run issues only what is still due (no gap, no duplicate);
- two runs at once queue on the counter row, and each re-reads under the lock what is still
  unbilled (a period is billed once; the database refuses a second invoice for it anyway).

**Paying.** The vendor pays from the invoice's page through the payments contract
(``payer="vendor"``, reference ``billing/<number>``): a redirect to the provider or the
platform's instructions. ``payment_captured`` for that reference marks the invoice paid
(``receivers``); staff may also record a payment received another way, or void an invoice.

**Dunning.** An open invoice past its due date puts an active subscription ``past_due`` and
the vendor's owners and managers are reminded (through the notifications contract, kind
``billing.invoice_due``: messaging's template when it is on, plain mail otherwise) when it
falls due and every ``REMINDER_EVERY`` after; ``dunning_days`` after the due date the
subscription is cancelled. Paying the last overdue invoice makes it ``active`` again. Trials
are told ``TRIAL_NOTICE`` before they end (kind ``billing.trial_ending``), once.

``run`` does all of it for one platform: the scheduled task (``billing.run_invoices``) and
``manage.py billing run-invoices``. Idempotent; ``dry_run`` reports what would be issued and
writes nothing.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, QuerySet, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from modules.billing.models import (
    BillingPeriod,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Subscription,
    SubscriptionEvent,
)
from modules.billing.services import periods, subscriptions
from modules.billing.services.errors import BillingError
from modules.tenancy.models import Membership, Vendor
from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.notifications import NOTIFICATIONS, Notification
from orion_core.contracts.payments import PAYMENTS, VENDOR_PAYS, NextAction, PaymentError
from orion_core.models import Platform

logger = logging.getLogger(__name__)

MODULE = "billing"
DEFAULT_PREFIX = "INV-"
DEFAULT_TERMS_DAYS = 14
DEFAULT_TAX_RATE = Decimal("20.00")
DEFAULT_DUNNING_DAYS = 14
NUMBER_DIGITS = 6
REFERENCE_PREFIX = "billing/"
REMINDER_EVERY = datetime.timedelta(days=7)
TRIAL_NOTICE = datetime.timedelta(days=3)
BILLING_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)

Status = Invoice.Status


@dataclass(frozen=True)
class Terms:
    """A platform's invoicing settings (module config), as an invoice copies them."""

    prefix: str
    terms_days: int
    tax_rate: Decimal
    dunning_days: int


def terms_of(platform_id: int) -> Terms:
    found = state.module_config(platform_id, MODULE)
    return Terms(
        prefix=found.get("invoice_prefix") or DEFAULT_PREFIX,
        terms_days=int(found.get("payment_terms_days", DEFAULT_TERMS_DAYS)),
        tax_rate=Decimal(str(found.get("tax_rate_percent", DEFAULT_TAX_RATE))),
        dunning_days=int(found.get("dunning_days", DEFAULT_DUNNING_DAYS)),
    )


def number_for(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:0{NUMBER_DIGITS}d}"


def payment_reference(invoice: Invoice) -> str:
    """The invoice's reference in the payments module (never an order number: those have no
    ``/``)."""
    return f"{REFERENCE_PREFIX}{invoice.number}"


# --- what is due --------------------------------------------------------------------------------


def _billable_periods(platform_id: int, now: datetime.datetime) -> QuerySet[BillingPeriod]:
    return BillingPeriod.objects.filter(
        subscription__platform_id=platform_id,
        is_trial=False,
        amount__gt=0,
        starts_at__lte=now,
        invoice__isnull=True,
    )


def _unbilled_prorations(platform_id: int) -> QuerySet[SubscriptionEvent]:
    return SubscriptionEvent.objects.filter(
        subscription__platform_id=platform_id,
        kind=SubscriptionEvent.Kind.PLAN,
        amount__gt=0,
        invoice__isnull=True,
    )


@dataclass
class Draft:
    """An invoice to issue: the period it bills (if any), the prorations it takes, its lines
    as (kind, description, start, end, amount), and its money."""

    subscription: Subscription
    period: BillingPeriod | None
    prorations: list[SubscriptionEvent]
    lines: list[tuple[str, str, Any, Any, Decimal]]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def _day(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def _plan_line(period: BillingPeriod) -> tuple[str, str, Any, Any, Decimal]:
    text = _("%(tier)s, billed %(interval)s: %(start)s – %(end)s") % {
        "tier": period.tier.name,
        "interval": period.get_interval_display(),
        "start": _day(period.starts_at),
        "end": _day(period.ends_at),
    }
    return InvoiceLine.Kind.PLAN, text, period.starts_at, period.ends_at, period.amount


def _proration_line(event: SubscriptionEvent) -> tuple[str, str, Any, Any, Decimal]:
    text = _("Upgrade from %(old)s to %(new)s on %(date)s, prorated") % {
        "old": event.from_tier.name if event.from_tier else "—",
        "new": event.to_tier.name if event.to_tier else "—",
        "date": _day(event.created_at),
    }
    return InvoiceLine.Kind.PRORATION, text, event.created_at, None, event.amount


def drafts(subscription: Subscription, now: datetime.datetime, terms: Terms) -> list[Draft]:
    """Everything ``subscription`` owes at ``now`` that no invoice billed yet, as the invoices
    to issue, oldest period first (prorations go with the first)."""
    due = list(
        _billable_periods(subscription.platform_id, now)
        .filter(subscription=subscription)
        .select_related("tier")
        .order_by("starts_at", "pk")
    )
    upgrades = list(
        _unbilled_prorations(subscription.platform_id)
        .filter(subscription=subscription)
        .select_related("from_tier", "to_tier")
        .order_by("created_at", "pk")
    )
    groups: list[tuple[BillingPeriod | None, list[SubscriptionEvent]]] = [
        (period, upgrades if i == 0 else []) for i, period in enumerate(due)
    ]
    if not groups and upgrades:
        groups = [(None, upgrades)]
    found = []
    for period, events in groups:
        lines = ([_plan_line(period)] if period else []) + [_proration_line(e) for e in events]
        subtotal = sum((line[4] for line in lines), periods.ZERO)
        tax = periods.money(subtotal * terms.tax_rate / 100)
        found.append(Draft(subscription, period, events, lines, subtotal, tax, subtotal + tax))
    return found


def _subscriptions_owing(platform_id: int, now: datetime.datetime) -> list[tuple[int, int]]:
    """(subscription, vendor) of every subscription with something to bill, oldest first."""
    with scopes_disabled():
        owing = Subscription.objects.filter(platform_id=platform_id).filter(
            Exists(_billable_periods(platform_id, now).filter(subscription=OuterRef("pk")))
            | Exists(_unbilled_prorations(platform_id).filter(subscription=OuterRef("pk")))
        )
        return list(owing.order_by("started_at", "pk").values_list("pk", "vendor_id"))


# --- issuing -----------------------------------------------------------------------------------


def _counter(platform_id: int) -> None:
    """Make sure the platform's counter row exists (before any transaction locks it)."""
    InvoiceCounter.objects.get_or_create(platform_id=platform_id)


def issue_next(
    subscription_id: int, vendor_id: int, now: datetime.datetime, terms: Terms
) -> Invoice | None:
    """Issue the subscription's oldest invoice still due, in one transaction under the
    platform's counter lock; None when nothing is due any more (another run billed it)."""
    with transaction.atomic(), scope(vendor=vendor_id):
        subscription = Subscription.objects.get(pk=subscription_id)
        counter = InvoiceCounter.objects.select_for_update().get(
            platform_id=subscription.platform_id
        )
        found = drafts(subscription, now, terms)  # re-read under the lock
        if not found:
            return None
        draft = found[0]
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        vendor = Vendor.objects.get(pk=vendor_id)
        contacts = billing_contacts(vendor_id)
        invoice = Invoice.objects.create(
            vendor_id=vendor_id,
            platform_id=subscription.platform_id,
            subscription=subscription,
            period=draft.period,
            sequence=counter.last_number,
            number=number_for(terms.prefix, counter.last_number),
            billed_to=vendor.name,
            billed_email=contacts[0] if contacts else vendor.owner_email,
            currency=draft.period.currency if draft.period else subscription.currency,
            subtotal=draft.subtotal,
            tax_rate=terms.tax_rate,
            tax=draft.tax,
            total=draft.total,
            issued_at=now,
            due_at=now + datetime.timedelta(days=terms.terms_days),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                vendor_id=vendor_id,
                invoice=invoice,
                position=position,
                kind=kind,
                description=text[:200],
                period_start=start,
                period_end=end,
                amount=amount,
            )
            for position, (kind, text, start, end, amount) in enumerate(draft.lines, start=1)
        )
        SubscriptionEvent.objects.filter(pk__in=[e.pk for e in draft.prorations]).update(
            invoice=invoice
        )
        transaction.on_commit(lambda: tell(invoice, now=now))
    return invoice


# --- who is told ---------------------------------------------------------------------------------


def billing_contacts(vendor_id: int) -> list[str]:
    """The e-mail addresses of the vendor's active owners and managers (owners first)."""
    with scopes_disabled():
        members = (
            Membership.objects.filter(
                vendor_id=vendor_id,
                status=Membership.Status.ACTIVE,
                role__in=BILLING_ROLES,
                user__is_active=True,
            )
            .exclude(user__email="")
            .order_by(Case(When(role=Membership.Role.OWNER, then=0), default=1), "pk")
            .values_list("user__email", flat=True)
        )
        return list(dict.fromkeys(members))


def _notify(kind: str, platform_id: int, vendor_id: int, context: dict[str, Any]) -> bool:
    to = tuple(billing_contacts(vendor_id))
    if not to:
        return False
    context = {**context, "language": settings.LANGUAGE_CODE}  # the language of our own text
    with translation.override(None):
        subject, body = _plain_text(kind, context)
    notifier = provider_for(NOTIFICATIONS, state.state_for_platform(platform_id).enabled)
    return notifier.notify(
        Notification(
            kind=kind,
            to=to,
            subject=subject,
            body=body,
            vendor_id=vendor_id,
            platform_id=platform_id,
            context=context,
        )
    )


def _plain_text(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """The sender's own wording, used as it is by the plain-mail fallback."""
    if kind == "billing.trial_ending":
        return (
            _("Your trial of %(tier)s ends on %(date)s") % {"tier": context["tier"],
                                                           "date": context["trial_end"]},
            _("Your free trial of %(tier)s ends on %(date)s. Then it costs %(price)s "
              "%(currency)s, billed %(interval)s. Change or cancel your plan: %(url)s")
            % {"tier": context["tier"], "date": context["trial_end"], "price": context["price"],
               "currency": context["currency"], "interval": context["interval"],
               "url": context["url"]},
        )  # fmt: skip
    values = {**context}
    if context["overdue"]:
        subject = _("Overdue: invoice %(number)s") % values
        body = (
            _(
                "Invoice %(number)s of %(total)s %(currency)s was due on %(due_date)s and is not "
                "paid yet."
            )
            % values
        )
        if context["cancel_date"]:
            body += " " + _("Unless it is paid, your plan ends on %(cancel_date)s.") % values
    else:
        subject = _("Invoice %(number)s") % values
        body = _("Invoice %(number)s of %(total)s %(currency)s is due on %(due_date)s.") % values
    return subject, f"{body}\n\n{context['url']}"


def _vendor_url(platform_id: int, name: str, vendor_id: int, **kwargs: Any) -> str:
    """A vendor portal page's whole address on the platform's domain (for an e-mail)."""
    code = Vendor.objects.values_list("code", flat=True).get(pk=vendor_id)
    platform = Platform.objects.get(pk=platform_id)
    return platform.absolute_url(reverse(name, kwargs={"vendor_code": code, **kwargs}))


def tell(
    invoice: Invoice,
    *,
    now: datetime.datetime | None = None,
    cancel_date: datetime.datetime | None = None,
) -> bool:
    """Tell the vendor's billing contacts of ``invoice``: issued, or overdue at ``now`` (a
    reminder, with the date the plan ends unless paid)."""
    now = now or timezone.now()
    overdue = invoice.due_at <= now
    context = {
        "number": invoice.number,
        "total": str(invoice.total),
        "currency": invoice.currency,
        "due_date": _day(invoice.due_at),
        "overdue": overdue,
        "days_overdue": max((now - invoice.due_at).days, 0) if overdue else 0,
        "cancel_date": _day(cancel_date) if cancel_date else "",
        "invoice_id": invoice.pk,
        "url": _vendor_url(
            invoice.platform_id, "billing:vendor-invoice", invoice.vendor_id, pk=invoice.pk
        ),
    }
    return _notify("billing.invoice_due", invoice.platform_id, invoice.vendor_id, context)


# --- paying ------------------------------------------------------------------------------------


def pay(invoice: Invoice, *, return_url: str) -> NextAction:
    """Start the payment of an open invoice through the platform's payments (the vendor pays
    the platform). Raises ``BillingError`` when it cannot be paid, ``PaymentError`` (with a
    readable message) when payments refuse."""
    if invoice.status != Status.OPEN:
        raise BillingError(_("Only an open invoice can be paid."))
    payments = provider_for(PAYMENTS, state.state_for_platform(invoice.platform_id).enabled)
    reference = payment_reference(invoice)
    action = payments.start_payment(
        invoice.platform_id,
        invoice.vendor_id,
        reference,
        invoice.total,
        invoice.currency,
        customer_email=invoice.billed_email,
        return_url=return_url,
        payer=VENDOR_PAYS,
    )
    if invoice.payment_reference != reference:
        with scopes_disabled():
            Invoice.objects.filter(pk=invoice.pk).update(payment_reference=reference)
        invoice.payment_reference = reference
    return action


def record_payment(invoice: Invoice, *, user: Any = None, note: str = "") -> Invoice:
    """Staff recorded that the money arrived (a bank transfer): the invoice's started payment
    is captured through the payments contract (which then marks the invoice paid), or, with
    none started, the invoice is marked paid directly."""
    if invoice.status != Status.OPEN:
        raise BillingError(_("Only an open invoice can be marked paid."))
    payments = provider_for(PAYMENTS, state.state_for_platform(invoice.platform_id).enabled)
    if invoice.payment_reference:
        found = payments.status(invoice.vendor_id, invoice.payment_reference)
        if found is not None and not found.is_paid:
            try:
                payments.capture(invoice.vendor_id, invoice.payment_reference, user=user)
            except PaymentError as exc:
                raise BillingError(str(exc)) from exc
    return mark_paid(invoice, note=note or _("Payment recorded by staff."))


def mark_paid(invoice: Invoice, *, note: str = "", now: datetime.datetime | None = None) -> Invoice:
    """The invoice's money arrived: open → paid (a second call changes nothing). A past-due
    subscription without another overdue invoice becomes active again."""
    now = now or timezone.now()
    with transaction.atomic(), scope(vendor=invoice.vendor_id):
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status == Status.PAID:
            return locked
        if locked.status != Status.OPEN:
            raise BillingError(_("A void invoice cannot be paid."))
        locked.status, locked.paid_at = Status.PAID, now
        locked.note = (note or locked.note)[:300]
        locked.save(update_fields=["status", "paid_at", "note"])
        _recover(locked.subscription_id, now)
    return locked


def void(invoice: Invoice, *, reason: str, user: Any = None) -> Invoice:
    """Staff cancel an open invoice (billed by mistake); it keeps its number (no gap)."""
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(_("Say why the invoice is void."))
    with transaction.atomic(), scope(vendor=invoice.vendor_id):
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Status.OPEN:
            raise BillingError(_("Only an open invoice can be made void."))
        locked.status, locked.voided_at, locked.note = Status.VOID, timezone.now(), reason[:300]
        locked.save(update_fields=["status", "voided_at", "note"])
        _recover(locked.subscription_id, timezone.now())
    return locked


def _recover(subscription_id: int, now: datetime.datetime) -> None:
    subscription = Subscription.objects.get(pk=subscription_id)
    still_late = Invoice.objects.filter(
        subscription_id=subscription_id, status=Status.OPEN, due_at__lte=now
    ).exists()
    if subscription.status == Subscription.Status.PAST_DUE and not still_late:
        subscriptions.mark_recovered(subscription, reason=_("Overdue invoices settled."))


def invoice_for_payment(vendor_id: int, reference: str) -> Invoice | None:
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    with scopes_disabled():
        return Invoice.objects.filter(vendor_id=vendor_id, payment_reference=reference).first()


# --- dunning and trial notices -------------------------------------------------------------------


def dun(platform_id: int, now: datetime.datetime, terms: Terms, done: Run) -> None:
    """Remind and, past the grace, cancel: every open invoice of the platform past its due
    date, each under its row lock (skipping rows another run holds)."""
    with scopes_disabled():
        late = list(
            Invoice.objects.filter(platform_id=platform_id, status=Status.OPEN, due_at__lte=now)
            .order_by("due_at", "pk")
            .values_list("pk", "vendor_id")
        )
    for pk, vid in late:
        with transaction.atomic(), scope(vendor=vid):
            invoice = (
                Invoice.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("subscription")
                .filter(pk=pk, status=Status.OPEN)
                .first()
            )
            if invoice is not None:
                _dun_one(invoice, now, terms, done)


def _dun_one(invoice: Invoice, now: datetime.datetime, terms: Terms, done: Run) -> None:
    subscription = invoice.subscription
    cancel_at = invoice.due_at + datetime.timedelta(days=terms.dunning_days)
    if subscription.status == Subscription.Status.ACTIVE:
        subscriptions.mark_past_due(
            subscription, reason=_("Invoice %(number)s is overdue.") % {"number": invoice.number}
        )
        done.past_due += 1
    if now >= cancel_at and subscription.status in Subscription.LIVE:
        subscriptions.cancel_now(
            subscription,
            reason=_("Invoice %(number)s unpaid.") % {"number": invoice.number},
            actor="system",
        )
        done.cancelled += 1
        return
    last = invoice.last_reminder_at
    if last is None or now - last >= REMINDER_EVERY:
        invoice.reminders_sent += 1
        invoice.last_reminder_at = now
        invoice.save(update_fields=["reminders_sent", "last_reminder_at"])
        due_invoice = invoice
        live = subscription.status in Subscription.LIVE
        transaction.on_commit(
            lambda: tell(due_invoice, now=now, cancel_date=cancel_at if live else None)
        )
        done.reminded += 1


def notify_trials_ending(platform_id: int, now: datetime.datetime, done: Run) -> None:
    """Tell each trial ending within ``TRIAL_NOTICE`` (once; never a trial that cancels)."""
    with scopes_disabled():
        ending = list(
            Subscription.objects.filter(
                platform_id=platform_id,
                status=Subscription.Status.TRIALING,
                cancel_at_period_end=False,
                trial_reminded_at__isnull=True,
                trial_ends_at__lte=now + TRIAL_NOTICE,
                trial_ends_at__gt=now,
            ).values_list("pk", "vendor_id")
        )
    for pk, vid in ending:
        with transaction.atomic(), scope(vendor=vid):
            found = Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            locked = (
                found.select_related("tier").filter(pk=pk, trial_reminded_at__isnull=True).first()
            )
            if locked is None:
                continue
            locked.trial_reminded_at = now
            locked.save(update_fields=["trial_reminded_at"])
            context = {
                "tier": locked.tier.name,
                "trial_end": _day(locked.trial_ends_at),
                "price": str(locked.price),
                "currency": locked.currency,
                "interval": str(locked.get_interval_display()),
                "url": _vendor_url(platform_id, "billing:vendor-billing", vid),
            }
            transaction.on_commit(
                lambda vid=vid, context=context: _notify(
                    "billing.trial_ending", platform_id, vid, context
                )
            )
            done.trials_told += 1


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one ``run`` did (or, dry, would issue)."""

    issued: list[str] = field(default_factory=list)
    would_issue: list[Draft] = field(default_factory=list)
    reminded: int = 0
    past_due: int = 0
    cancelled: int = 0
    trials_told: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "issued": len(self.issued),
            "reminded": self.reminded,
            "past_due": self.past_due,
            "cancelled": self.cancelled,
            "trials_told": self.trials_told,
        }


def run(platform: Any, *, now: datetime.datetime | None = None, dry_run: bool = False) -> Run:
    """Issue every invoice due on ``platform``, then dun and tell trials (see the module
    docstring). ``dry_run``: only list the invoices that would be issued."""
    platform_id = getattr(platform, "pk", platform)
    now = now or timezone.now()
    terms = terms_of(platform_id)
    done = Run()
    owing = _subscriptions_owing(platform_id, now)
    if dry_run:
        for subscription_id, vendor_id in owing:
            with scope(vendor=vendor_id):
                subscription = Subscription.objects.get(pk=subscription_id)
                done.would_issue.extend(drafts(subscription, now, terms))
        return done
    if owing:
        _counter(platform_id)
    for subscription_id, vendor_id in owing:
        while (invoice := issue_next(subscription_id, vendor_id, now, terms)) is not None:
            done.issued.append(invoice.number)
    dun(platform_id, now, terms, done)
    notify_trials_ending(platform_id, now, done)
    return done
