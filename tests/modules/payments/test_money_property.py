"""The money invariant as a property: whatever sequence of captures, refunds and cancellations
runs (valid or not), a payment never refunds more than it captured, never captures more than
its amount, its refunds add up to what it says it refunded, and its state matches its
amounts. An operation the rules refuse changes nothing at all.

Each example runs in a savepoint rolled back afterwards, so examples never see each other."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.payments import services
from modules.payments.models import Payment, PaymentTransition, Refund
from orion_core.contracts.payments import PaymentError
from tests.modules.payments.conftest import start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

cents = st.integers(min_value=-100, max_value=12_000).map(lambda c: Decimal(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("capture"), st.none() | cents),
        st.tuples(st.just("refund"), cents),
        st.tuples(st.just("cancel")),
    ),
    max_size=12,
)


def stored(payment_pk):
    with scopes_disabled():
        payment = Payment.objects.get(pk=payment_pk)
        refunds = Refund.objects.filter(payment=payment).aggregate(s=Sum("amount"))["s"]
        steps = PaymentTransition.objects.filter(payment=payment).count()
    return payment, refunds or Decimal("0"), steps


def assert_invariant(payment_pk):
    payment, refunds, _ = stored(payment_pk)
    assert Decimal(0) <= payment.refunded <= payment.captured <= payment.amount
    assert refunds == payment.refunded
    expected = {
        (False, False): {"pending", "failed"},
        (True, False): {"captured"},
        (True, True): {"refunded"} if payment.refunded == payment.captured else set(),
    }
    if payment.refunded and payment.refunded < payment.captured:
        assert payment.state == "partially_refunded"
    else:
        assert payment.state in expected[(payment.captured > 0, payment.refunded > 0)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=st.integers(1, 10_000).map(lambda c: Decimal(c) / 100), ops=operations)
def test_no_sequence_refunds_more_than_captured(platform, shop, amount, ops):
    sid = transaction.savepoint()
    try:
        payment = start(platform, shop, "P-1", str(amount))
        for op in ops:
            before = stored(payment.pk)
            try:
                if op[0] == "capture":
                    services.capture(shop, payment, amount=op[1])
                elif op[0] == "refund":
                    services.refund(shop, payment, op[1])
                else:
                    services.cancel(shop, payment)
            except PaymentError:
                after = stored(payment.pk)
                assert (after[0].state, after[0].captured, after[0].refunded, after[1:]) == (
                    before[0].state,
                    before[0].captured,
                    before[0].refunded,
                    before[1:],
                )
            assert_invariant(payment.pk)
    finally:
        transaction.savepoint_rollback(sid)
