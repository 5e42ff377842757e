"""Invoices: what a run issues (and never twice), their money, numbering without gaps after a
crash, prorations, dunning, paying through payments, and the operator command."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.models import Invoice, InvoiceCounter, InvoiceLine, Subscription
from modules.billing.services import invoices, subscriptions
from modules.billing.services.errors import BillingError
from modules.tenancy.factories import MembershipFactory
from orion_core.contracts.payments import PaymentState
from orion_core.testing import UserFactory, override_module

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.UTC)
LATER = T0 + datetime.timedelta(minutes=5)


@pytest.fixture
def no_trial(billing_on):
    with override_module(billing_on, "billing", config={"trial_days": 0}):
        yield billing_on


@pytest.fixture
def owner(shop):
    user = UserFactory(email="owner@shop-a.test")
    MembershipFactory(user=user, vendor=shop, role="owner")
    return user


def subscribe(vendor, platform, tier, interval="month", at=T0):
    with _at(at):
        return subscriptions.subscribe(vendor, platform, tier, interval)


class _at:
    """Freeze ``timezone.now`` for the services (they also take ``now`` where it matters)."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        self.patch = pytest.MonkeyPatch()
        self.patch.setattr(timezone, "now", lambda: self.moment)

    def __exit__(self, *exc):
        self.patch.undo()


def all_invoices(platform):
    with scopes_disabled():
        return list(Invoice.objects.filter(platform=platform).order_by("sequence"))


def test_a_run_bills_each_started_paid_period_once_with_tax_in_decimal(
    shop, other_shop, no_trial, starter, growth, owner
):
    subscribe(shop, no_trial, starter)
    subscribe(other_shop, no_trial, growth, "year")

    done = invoices.run(no_trial, now=LATER)

    assert done.issued == ["INV-000001", "INV-000002"]
    first, second = all_invoices(no_trial)
    assert (first.vendor, first.subtotal, first.tax, first.total) == (
        shop, Decimal("9.00"), Decimal("1.80"), Decimal("10.80")
    )  # fmt: skip
    assert (second.vendor, second.total) == (other_shop, Decimal("360.00"))
    assert first.tax_rate == Decimal("20.00") and first.currency == "EUR"
    assert first.due_at == LATER + datetime.timedelta(days=14)
    assert (first.billed_to, first.billed_email) == ("Shop A", "owner@shop-a.test")
    with scopes_disabled():
        (line,) = InvoiceLine.objects.filter(invoice=first)
    assert line.kind == "plan" and line.amount == Decimal("9.00")
    assert "Starter" in line.description
    assert first.period.subscription.vendor == shop

    again = invoices.run(no_trial, now=LATER)
    assert again.issued == []
    assert len(all_invoices(no_trial)) == 2


def test_trials_and_free_plans_are_never_invoiced(shop, other_shop, billing_on, starter):
    from modules.billing.factories import TierFactory

    free = TierFactory(platform=billing_on, code="free", monthly_price=0, yearly_price=0)
    subscribe(shop, billing_on, starter)  # a 14-day trial
    subscribe(other_shop, billing_on, free)
    assert invoices.run(billing_on, now=LATER).issued == []
    # the trial ends: its first paid period is billed
    subscriptions.advance(billing_on, now=T0 + datetime.timedelta(days=15))
    done = invoices.run(billing_on, now=T0 + datetime.timedelta(days=15))
    assert len(done.issued) == 1
    assert all_invoices(billing_on)[0].vendor == shop


def test_renewals_are_billed_in_order_and_numbers_follow_the_config_prefix(shop, no_trial, starter):
    subscribe(shop, no_trial, starter)
    invoices.run(no_trial, now=LATER)
    with override_module(no_trial, "billing", config={"trial_days": 0, "invoice_prefix": "ACME-"}):
        renewal = datetime.datetime(2026, 2, 28, 9, 1, tzinfo=datetime.UTC)
        subscriptions.advance(no_trial, now=renewal)
        invoices.run(no_trial, now=renewal)
    numbers = [i.number for i in all_invoices(no_trial)]
    assert numbers == ["INV-000001", "ACME-000002"]  # one sequence per platform
    with scopes_disabled():
        line = InvoiceLine.objects.get(invoice__number="ACME-000002")
    assert line.period_start == datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.UTC)


def test_a_crash_half_way_leaves_no_gap_and_the_rerun_no_duplicate(
    shop, other_shop, no_trial, starter, growth, pro, monkeypatch
):
    from modules.tenancy.factories import VendorFactory

    third = VendorFactory(code="shop-c", platforms=[no_trial])
    for vendor, tier in ((shop, starter), (other_shop, growth), (third, pro)):
        subscribe(vendor, no_trial, tier)
    real = InvoiceLine.objects.bulk_create
    calls = {"n": 0}

    def crash_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(InvoiceLine.objects, "bulk_create", crash_on_second)
    with pytest.raises(RuntimeError):
        invoices.run(no_trial, now=LATER)
    assert [i.number for i in all_invoices(no_trial)] == ["INV-000001"]
    assert InvoiceCounter.objects.get(platform=no_trial).last_number == 1
    monkeypatch.setattr(InvoiceLine.objects, "bulk_create", real)

    invoices.run(no_trial, now=LATER)
    found = all_invoices(no_trial)
    assert [i.sequence for i in found] == [1, 2, 3]
    assert sorted(i.vendor.code for i in found) == ["shop-a", "shop-b", "shop-c"]
    with scopes_disabled():
        assert all(i.lines.count() == 1 for i in found)


def test_an_upgrade_is_billed_prorated_once_on_the_next_invoice(shop, no_trial, starter, growth):
    subscription = subscribe(shop, no_trial, starter)
    invoices.run(no_trial, now=LATER)
    midway = datetime.datetime(2026, 2, 14, 9, 0, tzinfo=datetime.UTC)
    with _at(midway):
        subscriptions.change_plan(subscription, growth, "month")
    done = invoices.run(no_trial, now=midway + datetime.timedelta(minutes=1))
    assert len(done.issued) == 1
    with scopes_disabled():
        invoice = Invoice.objects.get(number=done.issued[0])
        (line,) = invoice.lines.all()
    assert line.kind == "proration" and invoice.period is None
    # (30 − 9) × 14 of 28 days left = 10.50
    assert line.amount == Decimal("10.50") and invoice.total == Decimal("12.60")
    assert invoices.run(no_trial, now=midway + datetime.timedelta(minutes=2)).issued == []


def test_a_proration_joins_the_invoice_of_a_period_in_the_same_run(shop, no_trial, starter, growth):
    subscription = subscribe(shop, no_trial, starter)
    with _at(T0 + datetime.timedelta(days=1)):
        subscriptions.change_plan(subscription, growth, "month")
    done = invoices.run(no_trial, now=T0 + datetime.timedelta(days=1, minutes=1))
    (invoice,) = all_invoices(no_trial)
    assert done.issued == [invoice.number]
    with scopes_disabled():
        lines = list(invoice.lines.all())
    assert [line.kind for line in lines] == ["plan", "proration"]
    assert invoice.subtotal == sum(line.amount for line in lines)


def test_dry_run_lists_and_writes_nothing(shop, no_trial, starter):
    subscribe(shop, no_trial, starter)
    done = invoices.run(no_trial, now=LATER, dry_run=True)
    assert [d.total for d in done.would_issue] == [Decimal("10.80")]
    assert all_invoices(no_trial) == []
    assert not InvoiceCounter.objects.filter(platform=no_trial).exists()


# --- dunning ---------------------------------------------------------------------------------


def test_an_overdue_invoice_reminds_weekly_puts_the_plan_past_due_then_cancels_it(
    shop, no_trial, starter, owner, django_capture_on_commit_callbacks
):
    subscription = subscribe(shop, no_trial, starter)
    with django_capture_on_commit_callbacks(execute=True):
        invoices.run(no_trial, now=LATER)
    assert [m.subject for m in mail.outbox] == ["Invoice INV-000001"]
    assert mail.outbox[0].to == ["owner@shop-a.test"]
    assert "://acme.test/vendor/shop-a/billing/invoices/" in mail.outbox[0].body
    (invoice,) = all_invoices(no_trial)
    mail.outbox.clear()

    overdue = invoice.due_at + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        done = invoices.run(no_trial, now=overdue)
    assert (done.past_due, done.reminded, done.cancelled) == (1, 1, 0)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE
    assert [m.subject for m in mail.outbox] == ["Overdue: invoice INV-000001"]
    assert "your plan ends on" in mail.outbox[0].body

    # the same day again: nothing new; a week later: a second reminder
    assert invoices.run(no_trial, now=overdue + datetime.timedelta(hours=1)).reminded == 0
    assert invoices.run(no_trial, now=overdue + datetime.timedelta(days=7)).reminded == 1

    done = invoices.run(no_trial, now=invoice.due_at + datetime.timedelta(days=14))
    assert done.cancelled == 1
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN  # still owed
    assert invoice.reminders_sent == 2


def test_paying_the_overdue_invoice_makes_the_plan_active_again(shop, no_trial, starter):
    subscription = subscribe(shop, no_trial, starter)
    invoices.run(no_trial, now=LATER)
    (invoice,) = all_invoices(no_trial)
    invoices.run(no_trial, now=invoice.due_at + datetime.timedelta(days=1))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE

    paid = invoices.mark_paid(invoice, now=invoice.due_at + datetime.timedelta(days=2))
    assert paid.status == Invoice.Status.PAID
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert invoices.mark_paid(invoice).paid_at == paid.paid_at  # twice: no change


def test_a_void_invoice_cannot_be_paid_and_needs_a_reason(shop, no_trial, starter):
    subscribe(shop, no_trial, starter)
    invoices.run(no_trial, now=LATER)
    (invoice,) = all_invoices(no_trial)
    with pytest.raises(BillingError, match="why"):
        invoices.void(invoice, reason="  ")
    invoices.void(invoice, reason="Billed twice by mistake.")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID and invoice.number == "INV-000001"
    with pytest.raises(BillingError, match="void"):
        invoices.mark_paid(invoice)


def test_a_trial_ending_soon_is_told_once(
    shop, billing_on, starter, owner, django_capture_on_commit_callbacks
):
    subscribe(shop, billing_on, starter)  # trial until T0 + 14 days
    with django_capture_on_commit_callbacks(execute=True):
        assert invoices.run(billing_on, now=T0 + datetime.timedelta(days=5)).trials_told == 0
        assert invoices.run(billing_on, now=T0 + datetime.timedelta(days=12)).trials_told == 1
        assert invoices.run(billing_on, now=T0 + datetime.timedelta(days=13)).trials_told == 0
    (message,) = mail.outbox
    assert message.subject.startswith("Your trial of Starter ends on")
    assert "€9.00" not in message.body and "9.00 EUR" in message.body


# --- paying through payments -------------------------------------------------------------------


def test_staff_recording_a_payment_captures_it_and_the_event_marks_the_invoice_paid(
    shop, no_trial, starter, django_capture_on_commit_callbacks
):
    from modules.payments.models import Payer, Payment

    subscribe(shop, no_trial, starter)
    invoices.run(no_trial, now=LATER)
    (invoice,) = all_invoices(no_trial)
    action = invoices.pay(invoice, return_url="https://acme.test/vendor/shop-a/billing/")
    assert action.kind == "instructions" and action.state == PaymentState.PENDING
    with scopes_disabled():
        payment = Payment.objects.get(reference="billing/INV-000001")
    assert (payment.payer, payment.amount, payment.vendor) == (Payer.VENDOR, invoice.total, shop)

    with django_capture_on_commit_callbacks(execute=True):
        invoices.record_payment(invoice, note="Transfer 123")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert payment.state == PaymentState.CAPTURED
    with pytest.raises(BillingError):
        invoices.pay(invoice, return_url="https://acme.test/")


# --- the operator command ----------------------------------------------------------------------


def test_run_invoices_command(shop, no_trial, starter, capsys):
    subscribe(shop, no_trial, starter)
    call_command("billing", "run-invoices", "--dry-run", "--json")
    planned = json.loads(capsys.readouterr().out)
    assert planned == {
        "acme": [{"vendor": "shop-a", "total": "10.80", "currency": "EUR",
                  "lines": [planned["acme"][0]["lines"][0]]}]
    }  # fmt: skip
    assert all_invoices(no_trial) == []
    call_command("billing", "run-invoices", "--platform", "acme")
    assert "acme: 1 issued" in capsys.readouterr().out
    assert len(all_invoices(no_trial)) == 1
    with pytest.raises(CommandError, match="Unknown platform"):
        call_command("billing", "run-invoices", "--platform", "nope")
