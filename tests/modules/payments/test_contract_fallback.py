"""The payments contract's fallback: with no module taking payments, none can be started."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orion_core.contracts import provider_for
from orion_core.contracts.payments import (
    PAYMENTS,
    NoPayments,
    PaymentsProvider,
    PaymentState,
    PaymentStatus,
    PaymentsUnavailable,
)


def test_without_payments_the_fallback_answers():
    assert isinstance(provider_for(PAYMENTS, {"catalog", "tenancy"}), NoPayments)
    assert isinstance(PAYMENTS.fallback, PaymentsProvider)


def test_the_fallback_offers_no_method_and_knows_no_payment():
    fallback = NoPayments()
    assert fallback.method(1) is None
    assert fallback.status(1, "ORD-1") is None


def test_starting_a_payment_without_payments_is_refused_clearly():
    with pytest.raises(PaymentsUnavailable, match="not available on this platform"):
        NoPayments().start_payment(
            1,
            2,
            "ORD-1",
            Decimal("10.00"),
            "EUR",
            customer_email="a@example.com",
            return_url="https://shop.test/done",
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.capture(2, "ORD-1"),
        lambda p: p.refund(2, "ORD-1", Decimal("1.00")),
        lambda p: p.cancel(2, "ORD-1"),
    ],
)
def test_moving_money_without_payments_is_refused(call):
    with pytest.raises(PaymentsUnavailable):
        call(NoPayments())


def test_a_status_tells_what_can_still_be_refunded():
    status = PaymentStatus(
        "ORD-1",
        PaymentState.PARTIALLY_REFUNDED,
        "manual",
        Decimal("30.00"),
        "EUR",
        captured=Decimal("30.00"),
        refunded=Decimal("12.50"),
    )
    assert status.is_paid
    assert status.refundable == Decimal("17.50")
