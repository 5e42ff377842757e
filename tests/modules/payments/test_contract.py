"""The payments contract as orders calls it: ``provider_for(PAYMENTS, enabled)`` answers with
payments' provider while the module is on, and its answers are the contract's dataclasses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.payments import (
    PAYMENTS,
    NoPayments,
    PaymentMethod,
    PaymentsProvider,
    PaymentState,
    RefundExceedsCaptured,
)
from tests.modules.payments.conftest import INSTRUCTIONS

pytestmark = pytest.mark.django_db


def provider(platform):
    return provider_for(PAYMENTS, state.state_for_platform(platform).enabled)


def test_with_payments_on_the_module_answers(module_on, platform):
    payments = provider(platform)
    assert isinstance(payments, PaymentsProvider) and not isinstance(payments, NoPayments)
    assert payments.method(platform.pk) == PaymentMethod(
        "manual", "Manual (bank transfer, cash)", INSTRUCTIONS
    )


def test_with_payments_off_the_fallback_answers(platform):
    assert isinstance(provider(platform), NoPayments)


def test_a_checkout_pays_through_the_contract(module_on, platform, shop):
    payments = provider(platform)
    action = payments.start_payment(
        platform.pk,
        shop.pk,
        "ORD-7",
        Decimal("42.50"),
        "EUR",
        customer_email="ada@example.com",
        return_url="https://acme.test/shop/shop-a/orders/ORD-7/",
    )
    assert (action.kind, action.reference, action.instructions) == (
        "instructions",
        "ORD-7",
        INSTRUCTIONS,
    )
    assert payments.status(shop.pk, "ORD-7").state == PaymentState.PENDING
    assert payments.status(shop.pk, "NOPE") is None
    paid = payments.capture(shop.pk, "ORD-7")
    assert (paid.state, paid.captured, paid.is_paid) == ("captured", Decimal("42.50"), True)
    with pytest.raises(RefundExceedsCaptured):
        payments.refund(shop.pk, "ORD-7", Decimal("42.51"))
    back = payments.refund(shop.pk, "ORD-7", Decimal("2.50"), reason="Late")
    assert (back.state, back.refunded, back.refundable) == (
        PaymentState.PARTIALLY_REFUNDED,
        Decimal("2.50"),
        Decimal("40.00"),
    )
    assert payments.cancel(shop.pk, "UNKNOWN") is None
