"""Payments' services with the manual gateway: start, confirm, refund, cancel, and what they
refuse (bad input, illegal transitions, refunds beyond what was captured), nothing half-saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled

from modules.payments import services
from modules.payments.models import HistoryError, Payment, PaymentTransition, Refund
from orion_core.contracts.payments import (
    IllegalTransition,
    PaymentError,
    PaymentState,
    RefundExceedsCaptured,
    UnknownPayment,
)
from orion_core.domain_events import payment_captured, payment_failed, payment_refunded
from tests.modules.payments.conftest import INSTRUCTIONS, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]


@pytest.fixture
def heard():
    """Every payments event delivered, as (event name, payload)."""
    calls = []

    def receiver(sender, signal, **kwargs):
        calls.append((signal.name, kwargs))

    events = (payment_captured, payment_refunded, payment_failed)
    for event in events:
        event.connect(receiver, weak=False, dispatch_uid=f"test_{event.name}")
    yield calls
    for event in events:
        event.disconnect(dispatch_uid=f"test_{event.name}")


def history(payment):
    with scopes_disabled():
        return list(
            PaymentTransition.objects.filter(payment=payment).values_list(
                "from_state", "to_state", "source"
            )
        )


def snapshot(vendor):
    with scopes_disabled():
        return (
            list(Payment.objects.filter(vendor=vendor).order_by("pk").values()),
            PaymentTransition.objects.filter(vendor=vendor).count(),
            Refund.objects.filter(vendor=vendor).count(),
        )


def test_a_manual_payment_waits_with_instructions(platform, shop):
    payment, action = services.start_payment(
        platform,
        shop,
        "ORD-1",
        Decimal("100.00"),
        "EUR",
        customer_email="ada@example.com",
        return_url="https://acme.test/done/",
    )
    assert (action.kind, action.state, action.instructions) == (
        "instructions",
        PaymentState.PENDING,
        INSTRUCTIONS,
    )
    assert (payment.gateway, payment.state, payment.amount) == ("manual", "pending", Decimal("100"))
    assert history(payment) == [("", "pending", "customer")]


def test_the_vendor_confirms_then_refunds_in_parts(
    platform, shop, user, heard, django_capture_on_commit_callbacks
):
    payment = start(platform, shop, amount="100.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.capture(shop, payment, user=user)
    payment.refresh_from_db()
    assert (payment.state, payment.captured) == ("captured", Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.refund(shop, "ORD-1", "30.00", reason="One mug broke", user=user)
        services.refund(shop, "ORD-1", Decimal("70.00"), user=user)
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("refunded", Decimal("100.00"))
    assert history(payment) == [
        ("", "pending", "customer"),
        ("pending", "captured", "vendor"),
        ("captured", "partially_refunded", "vendor"),
        ("partially_refunded", "refunded", "vendor"),
    ]
    assert [name for name, _ in heard] == [
        "payment_captured",
        "payment_refunded",
        "payment_refunded",
    ]
    assert heard[0][1] | {"signal": None} == {
        "signal": None,
        "platform_id": platform.pk,
        "vendor_id": shop.pk,
        "reference": "ORD-1",
        "amount": Decimal("100.00"),
        "currency": "EUR",
        "gateway": "manual",
    }
    assert heard[2][1]["refunded_total"] == Decimal("100.00") and heard[2][1]["fully_refunded"]


def test_a_refund_beyond_what_was_captured_is_refused_and_changes_nothing(platform, shop):
    payment = start(platform, shop, amount="50.00")
    services.capture(shop, payment)
    services.refund(shop, payment, "20.00")
    before = snapshot(shop)
    with pytest.raises(RefundExceedsCaptured, match="At most 30.00 EUR") as refused:
        services.refund(shop, payment, "30.01")
    assert refused.value.field == "amount"
    assert snapshot(shop) == before


def test_a_partial_capture_bounds_the_refunds(platform, shop):
    payment = start(platform, shop, amount="80.00")
    services.capture(shop, payment, amount="60.00")
    with pytest.raises(RefundExceedsCaptured):
        services.refund(shop, payment, "60.01")
    services.refund(shop, payment, "60.00")
    payment.refresh_from_db()
    assert (payment.state, payment.captured, payment.refunded) == (
        "refunded",
        Decimal("60.00"),
        Decimal("60.00"),
    )


@pytest.mark.parametrize(
    ("setup", "operation", "message"),
    [
        ([], lambda shop, p: services.refund(shop, p, "1.00"), "Only a captured payment"),
        (["capture"], lambda shop, p: services.capture(shop, p), "Only a pending or authorized"),
        (["cancel"], lambda shop, p: services.capture(shop, p), "Only a pending or authorized"),
        (["cancel"], lambda shop, p: services.refund(shop, p, "1.00"), "Only a captured"),
        (["capture"], lambda shop, p: services.cancel(shop, p), "refund it instead"),
        (
            ["capture", "refund"],
            lambda shop, p: services.refund(shop, p, "0.01"),
            "Only a captured payment",
        ),
    ],
)
def test_illegal_transitions_are_refused_clearly_and_change_nothing(
    platform, shop, setup, operation, message
):
    payment = start(platform, shop, amount="10.00")
    for step in setup:
        if step == "capture":
            services.capture(shop, payment)
        elif step == "cancel":
            services.cancel(shop, payment)
        else:
            services.refund(shop, payment, "10.00")
    before = snapshot(shop)
    with pytest.raises(IllegalTransition, match=message):
        operation(shop, payment)
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    ("amount", "field", "message"),
    [
        ("0", "amount", "greater than zero"),
        ("-5.00", "amount", "greater than zero"),
        ("12.345", "amount", "two decimal places"),
        ("abc", "amount", "such as 12.50"),
        (12.5, "amount", "such as 12.50"),
        ("NaN", "amount", "greater than zero"),
        ("10000000000.00", "amount", "at most"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_stored(platform, shop, amount, field, message):
    with pytest.raises(PaymentError, match=message) as refused:
        services.start_payment(platform, shop, "ORD-1", amount, "EUR")
    assert refused.value.field == field
    assert snapshot(shop) == ([], 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"currency": "eur"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 101}, "reference"),
        ({"reference": "A\x00B"}, "reference"),
        ({"customer_email": "not-an-address"}, "customer_email"),
        ({"return_url": "javascript:alert(1)"}, "return_url"),
        ({"payer": "nobody"}, "payer"),
    ],
)
def test_bad_input_names_its_field_and_stores_nothing(platform, shop, kwargs, field):
    args = {"reference": "ORD-1", "currency": "EUR"} | kwargs
    with pytest.raises(PaymentError) as refused:
        services.start_payment(
            platform,
            shop,
            args.pop("reference"),
            "10.00",
            args.pop("currency"),
            **args,
        )
    assert refused.value.field == field
    assert snapshot(shop) == ([], 0, 0)


def test_starting_a_reference_again_returns_the_first_payment(platform, shop):
    first = start(platform, shop, "ORD-9", "25.00")
    again = start(platform, shop, "ORD-9", "25.00")
    assert again.pk == first.pk
    with pytest.raises(PaymentError, match="another amount"):
        start(platform, shop, "ORD-9", "26.00")
    assert len(history(first)) == 1


def test_a_failed_payment_is_started_again_under_its_reference(platform, shop):
    payment = start(platform, shop, "ORD-2", "25.00")
    services.cancel(shop, payment, reason="Customer gave up")
    again = start(platform, shop, "ORD-2", "30.00")
    assert again.pk == payment.pk
    assert (again.state, again.amount, again.failure_reason) == ("pending", Decimal("30.00"), "")
    assert [step[:2] for step in history(payment)] == [
        ("", "pending"),
        ("pending", "failed"),
        ("failed", "pending"),
    ]


def test_cancel_sends_payment_failed_and_is_idempotent(
    platform, shop, heard, django_capture_on_commit_callbacks
):
    payment = start(platform, shop)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(shop, payment, reason="Order cancelled")
        services.cancel(shop, payment)
    assert heard == [
        (
            "payment_failed",
            {
                "platform_id": platform.pk,
                "vendor_id": shop.pk,
                "reference": "ORD-1",
                "gateway": "manual",
                "reason": "Order cancelled",
            },
        )
    ]
    assert services.cancel(shop, "NOPE") is None


def test_the_same_reference_belongs_to_each_vendor_separately(platform, shop, other_shop):
    mine = start(platform, shop, "ORD-1", "10.00")
    theirs = start(platform, other_shop, "ORD-1", "99.00")
    assert mine.pk != theirs.pk
    with pytest.raises(UnknownPayment):
        services.capture(shop, theirs)  # another vendor's payment is simply unknown
    theirs.refresh_from_db()
    assert theirs.state == "pending"


def test_a_rolled_back_caller_takes_the_payment_with_it(platform, shop):
    with pytest.raises(RuntimeError), transaction.atomic():
        start(platform, shop)
        raise RuntimeError("the checkout failed later")
    assert snapshot(shop) == ([], 0, 0)


def test_the_database_refuses_refunding_more_than_captured(platform, shop):
    payment = start(platform, shop, amount="10.00")
    services.capture(shop, payment)
    with pytest.raises(IntegrityError), transaction.atomic(), scope(vendor=shop.pk):
        Payment.objects.filter(pk=payment.pk).update(refunded=Decimal("10.01"))


def test_the_history_is_never_changed_or_deleted(platform, shop):
    payment = start(platform, shop)
    with scope(vendor=shop.pk):
        entry = PaymentTransition.objects.get(payment=payment)
        entry.note = "rewritten"
        with pytest.raises(HistoryError):
            entry.save()
        with pytest.raises(HistoryError):
            entry.delete()
        with pytest.raises(HistoryError):
            PaymentTransition.objects.all().update(note="x")
        with pytest.raises(HistoryError):
            PaymentTransition.objects.all().delete()


def test_payment_list_filters_by_state_gateway_and_search(platform, shop, other_shop):
    start(platform, shop, "ORD-1", customer_email="ada@example.com")
    services.capture(shop, start(platform, shop, "ORD-2", customer_email="bob@example.com"))
    start(platform, other_shop, "ORD-3")
    with scope(vendor=shop.pk):
        assert [p.reference for p in services.payment_list()] == ["ORD-2", "ORD-1"]
        assert [p.reference for p in services.payment_list(state="captured")] == ["ORD-2"]
        assert [p.reference for p in services.payment_list(search="ada")] == ["ORD-1"]
        assert list(services.payment_list(gateway="stripe")) == []


def test_summary_counts_over_the_platform(platform, shop, other_shop):
    start(platform, shop, "ORD-1", "10.00")
    services.capture(shop, start(platform, shop, "ORD-2", "20.00"))
    services.refund(shop, "ORD-2", "5.00")
    services.capture(other_shop, start(platform, other_shop, "ORD-3", "30.00"))
    figures = services.summary(platform.pk)
    assert (figures.pending, figures.captured_count) == (1, 2)
    assert (figures.captured, figures.refunded) == (Decimal("50.00"), Decimal("5.00"))
    assert services.summary(platform.pk, [shop.pk]).captured == Decimal("20.00")


def test_what_the_vendor_pays_the_platform_is_not_one_of_its_sales(platform, shop):
    sale = start(platform, shop, "ORD-1", "20.00")
    fee = start(platform, shop, "billing/INV-000001", "10.80", payer="vendor")
    with scope(vendor=shop.pk):
        assert list(services.payment_list()) == [sale]
        assert list(services.sales()) == [sale]
    assert services.summary(platform.pk).pending == 1
    assert fee.payer == "vendor"
