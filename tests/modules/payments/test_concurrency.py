"""Payments under concurrency, on PostgreSQL (SQLite ignores SELECT … FOR UPDATE): threads,
each with its own connection, act on the same payment at once. Money is never refunded
twice, a payment is never captured twice, a webhook delivered twice at once applies once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled

from modules.payments import services
from modules.payments.gateways import stripe as stripe_gateway
from modules.payments.models import Payment, PaymentTransition, ProcessedWebhook, Refund
from orion_core.contracts.payments import IllegalTransition, RefundExceedsCaptured
from orion_core.testing import override_module
from tests.modules.payments.conftest import HOST, start
from tests.modules.payments.replay import ReplayStripe, event_body, recording, stripe_signature

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


SECRET = "whsec_test_concurrency"
STRIPE = {"provider": "stripe", "api_key": "sk_test_0rion", "webhook_secret": SECRET}


@pytest.fixture
def replay(monkeypatch):
    transport = ReplayStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", lambda: transport)
    return transport


def race(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at once; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - collected, asserted on below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_refunds_at_once_never_exceed_what_was_captured(module_on, shop):
    payment = start(module_on, shop, "ORD-1", "100.00")
    services.capture(shop, payment)
    results = race(8, lambda i: services.refund(shop, "ORD-1", "30.00").pk)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(results) - len(refused) == 3, results
    assert all(isinstance(r, RefundExceedsCaptured) for r in refused), refused
    payment.refresh_from_db()
    assert (payment.refunded, payment.state) == (Decimal("90.00"), "partially_refunded")
    with scopes_disabled():
        assert Refund.objects.filter(payment=payment).count() == 3


def test_confirming_twice_at_once_captures_once(module_on, shop):
    payment = start(module_on, shop, "ORD-1", "100.00")
    results = race(6, lambda i: services.capture(shop, "ORD-1").captured)
    assert results.count(Decimal("100.00")) == 1, results
    assert all(isinstance(r, IllegalTransition) for r in results if not isinstance(r, Decimal))
    with scopes_disabled():
        assert PaymentTransition.objects.filter(payment=payment, to_state="captured").count() == 1


def test_the_same_reference_started_at_once_is_one_payment(module_on, shop):
    results = race(8, lambda i: start(module_on, shop, "ORD-1", "25.00").pk)
    assert len(set(results)) == 1, results
    with scopes_disabled():
        assert Payment.objects.filter(vendor=shop).count() == 1
        assert PaymentTransition.objects.filter(vendor=shop).count() == 1


def test_one_webhook_delivered_five_times_at_once_applies_once(platform, shop, replay):
    with override_module(platform, "payments", config=STRIPE):
        replay.queue.append(recording("stripe", "checkout_session_create"))
        payment = start(platform, shop, "ORD-7", "42.50")
        body = event_body("stripe", "event_checkout_session_completed", vendor_id=shop.pk)
        header = stripe_signature(body, SECRET)

        def deliver(index: int) -> int:
            response = Client(HTTP_HOST=HOST).post(
                "/api/v1/payments/webhooks/stripe/",
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            return response.status_code

        assert race(5, deliver) == [200] * 5
    payment.refresh_from_db()
    assert (payment.state, payment.captured) == ("captured", Decimal("42.50"))
    with scopes_disabled():
        assert PaymentTransition.objects.filter(payment=payment, to_state="captured").count() == 1
    assert ProcessedWebhook.objects.count() == 1
