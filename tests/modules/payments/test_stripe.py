"""The Stripe gateway through the real stripe SDK, with only its HTTP transport replaced by
recorded responses (``recordings/stripe/``), and Stripe's webhooks through the endpoint:
signed as Stripe signs them, replayed, out of order, of unknown types, or forged."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
import stripe
from django.test import Client
from django_scopes import scopes_disabled

from modules.payments import services
from modules.payments.gateways import stripe as stripe_gateway
from modules.payments.models import Payment, PaymentTransition, ProcessedWebhook, Refund
from orion_core.contracts.payments import GatewayError
from orion_core.testing import override_module
from tests.modules.payments.conftest import HOST
from tests.modules.payments.replay import (
    ReplayStripe,
    event_body,
    recording,
    stripe_signature,
)

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_0rion5ecret"
URL = "/api/v1/payments/webhooks/stripe/"
PI = "pi_3QhT2mLkdIwHu7ix0aBcDeFg"
SESSION = "cs_test_a1B2c3D4e5F6g7H8"


def stripe_config(**overrides):
    return {
        "provider": "stripe",
        "api_key": "sk_test_0rion",
        "webhook_secret": SECRET,
        "capture_automatically": True,
        **overrides,
    }


@pytest.fixture
def stripe_on(platform):
    with override_module(platform, "payments", config=stripe_config()):
        yield platform


@pytest.fixture
def manual_capture(platform):
    with override_module(platform, "payments", config=stripe_config(capture_automatically=False)):
        yield platform


@pytest.fixture
def replay(monkeypatch):
    """The SDK's transport: answers from the recordings a test queues, nothing else."""
    transport = ReplayStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", lambda: transport)
    return transport


@pytest.fixture
def webhook():
    client = Client(HTTP_HOST=HOST)

    def post(name, *, secret=SECRET, signature=None, **values):
        body = event_body("stripe", name, **values)
        header = signature if signature is not None else stripe_signature(body, secret)
        return client.post(
            URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )

    return post


def started(platform, shop, replay):
    replay.queue.append(recording("stripe", "checkout_session_create"))
    payment, action = services.start_payment(
        platform,
        shop,
        "ORD-7",
        Decimal("42.50"),
        "EUR",
        customer_email="ada@example.com",
        return_url="https://acme.test/shop/shop-a/orders/ORD-7/",
    )
    return payment, action


def snapshot(shop):
    with scopes_disabled():
        return (
            list(Payment.objects.filter(vendor=shop).values()),
            PaymentTransition.objects.filter(vendor=shop).count(),
            Refund.objects.filter(vendor=shop).count(),
            ProcessedWebhook.objects.count(),
        )


def test_starting_sends_the_customer_to_a_checkout_session(stripe_on, shop, replay):
    payment, action = started(stripe_on, shop, replay)
    assert (action.kind, action.redirect_url) == (
        "redirect",
        f"https://checkout.stripe.com/c/pay/{SESSION}",
    )
    assert (payment.state, payment.external_id, payment.gateway) == ("pending", SESSION, "stripe")
    sent = replay.seen[0]
    assert sent.headers["Authorization"] == "Bearer sk_test_0rion"
    assert sent.headers["Idempotency-Key"].startswith(f"orion-checkout-{shop.pk}-")
    form = sent.form
    assert form["line_items[0][price_data][unit_amount]"] == ["4250"]
    assert form["line_items[0][price_data][currency]"] == ["eur"]
    assert form["payment_intent_data[capture_method]"] == ["automatic"]
    assert form["payment_intent_data[metadata][reference]"] == ["ORD-7"]
    assert form["payment_intent_data[metadata][vendor_id]"] == [str(shop.pk)]
    assert form["customer_email"] == ["ada@example.com"]
    # A retried checkout gets the same page back and never asks Stripe again.
    again, action_again = services.start_payment(stripe_on, shop, "ORD-7", "42.50", "EUR")
    assert (again.pk, action_again.redirect_url) == (payment.pk, action.redirect_url)
    assert len(replay.seen) == 1


def test_a_paid_session_captures_and_a_replay_changes_nothing(
    stripe_on, shop, replay, webhook, django_capture_on_commit_callbacks
):
    payment, _ = started(stripe_on, shop, replay)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = webhook("event_checkout_session_completed", vendor_id=shop.pk)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    events = [c for c in callbacks if "send_on_commit" in c.__qualname__]
    assert len(events) == 1  # payment_captured (the others bump the dashboards' cached figures)
    payment.refresh_from_db()
    assert (payment.state, payment.captured, payment.external_id) == (
        "captured",
        Decimal("42.50"),
        PI,
    )
    before = snapshot(shop)
    replayed = webhook("event_checkout_session_completed", vendor_id=shop.pk)
    assert replayed.status_code == 200 and replayed.json()["outcome"] == "applied"
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "t=1796313600,v1=0000000000000000000000000000000000000000000000000000000000000000",
        "garbage",
    ],
)
def test_a_bad_signature_is_a_400_and_changes_nothing(stripe_on, shop, replay, webhook, signature):
    started(stripe_on, shop, replay)
    before = snapshot(shop)
    response = webhook("event_checkout_session_completed", vendor_id=shop.pk, signature=signature)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid signature."}
    assert snapshot(shop) == before


def test_another_secret_or_a_stale_timestamp_is_refused(stripe_on, shop, replay, webhook):
    started(stripe_on, shop, replay)
    before = snapshot(shop)
    assert webhook("event_checkout_session_completed", secret="whsec_other").status_code == 400
    body = event_body("stripe", "event_checkout_session_completed", vendor_id=shop.pk)
    old = stripe_signature(body, SECRET, timestamp=1_000_000_000)
    assert webhook("event_checkout_session_completed", signature=old).status_code == 400
    assert snapshot(shop) == before


def test_an_unknown_event_type_is_ignored_with_a_log_line(stripe_on, shop, replay, webhook, caplog):
    started(stripe_on, shop, replay)
    before = snapshot(shop)[:3]
    with caplog.at_level(logging.INFO, logger="modules.payments.services"):
        response = webhook("event_customer_created")
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert "ignored stripe webhook evt_1QhT6qLkdIwHu7ixCustomer of type customer.created" in (
        caplog.text
    )
    assert snapshot(shop)[:3] == before


def test_an_out_of_order_event_never_moves_a_payment_backwards(
    manual_capture, shop, replay, webhook
):
    payment, _ = started(manual_capture, shop, replay)
    assert webhook("event_checkout_session_completed", vendor_id=shop.pk).json() == {
        "received": True,
        "outcome": "applied",
    }
    before = snapshot(shop)[:3]
    late = webhook("event_payment_intent_amount_capturable_updated", vendor_id=shop.pk)
    assert late.status_code == 200 and late.json()["outcome"] == "stale"
    cancelled = webhook("event_payment_intent_canceled", vendor_id=shop.pk)
    assert cancelled.json()["outcome"] == "stale"
    assert snapshot(shop)[:3] == before
    payment.refresh_from_db()
    assert payment.state == "captured"


def test_an_authorized_payment_is_captured_by_the_vendor(manual_capture, shop, replay, webhook):
    payment, _ = started(manual_capture, shop, replay)
    assert replay.seen[0].form["payment_intent_data[capture_method]"] == ["manual"]
    webhook("event_payment_intent_amount_capturable_updated", vendor_id=shop.pk)
    payment.refresh_from_db()
    assert (payment.state, payment.external_id) == ("authorized", PI)
    replay.queue.append(recording("stripe", "payment_intent_capture"))
    services.capture(shop, payment)
    payment.refresh_from_db()
    assert (payment.state, payment.captured) == ("captured", Decimal("42.50"))
    assert replay.seen[-1].form == {"amount_to_capture": ["4250"]}
    assert replay.seen[-1].headers["Idempotency-Key"] == f"orion-capture-{PI}"


def test_capturing_through_the_session_asks_stripe_for_its_payment_intent(
    manual_capture, shop, replay
):
    payment, _ = started(manual_capture, shop, replay)
    replay.queue += [
        recording("stripe", "checkout_session_retrieve_complete"),
        recording("stripe", "payment_intent_capture"),
    ]
    services.capture(shop, payment)
    assert [s.path for s in replay.seen[1:]] == [
        f"/v1/checkout/sessions/{SESSION}",
        f"/v1/payment_intents/{PI}/capture",
    ]
    payment.refresh_from_db()
    assert payment.state == "captured"


def test_a_refund_goes_to_stripe_with_an_idempotency_key(stripe_on, shop, replay, webhook):
    payment, _ = started(stripe_on, shop, replay)
    webhook("event_checkout_session_completed", vendor_id=shop.pk)
    replay.queue.append(recording("stripe", "refund_create"))
    refund = services.refund(shop, payment, "10.00", reason="Late delivery")
    sent = replay.seen[-1]
    assert (sent.path, sent.form) == (
        "/v1/refunds",
        {"payment_intent": [PI], "amount": ["1000"]},
    )
    assert sent.headers["Idempotency-Key"] == f"orion-refund-{payment.pk}-1"
    assert refund.external_id == "re_3QhT2mLkdIwHu7ix0z9y8x7w"
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("partially_refunded", Decimal("10.00"))


def test_a_refund_stripe_refuses_changes_nothing(stripe_on, shop, replay, webhook):
    payment, _ = started(stripe_on, shop, replay)
    webhook("event_checkout_session_completed", vendor_id=shop.pk)
    before = snapshot(shop)
    replay.queue.append(recording("stripe", "refund_create_error"))
    with pytest.raises(GatewayError, match="has already been refunded"):
        services.refund(shop, payment, "10.00")
    assert snapshot(shop) == before


def test_stripe_out_of_reach_stores_nothing(stripe_on, shop, monkeypatch):
    class Down(ReplayStripe):
        def request(self, method, url, headers, post_data=None, *, _usage=None):  # type: ignore[no-untyped-def]
            raise stripe.APIConnectionError("connection refused", should_retry=False)

    monkeypatch.setattr(stripe_gateway, "http_client", Down)
    with pytest.raises(GatewayError, match="connection refused"):
        services.start_payment(stripe_on, shop, "ORD-7", "42.50", "EUR")
    assert snapshot(shop) == ([], 0, 0, 0)


def test_a_refund_made_at_stripe_arrives_by_webhook_once(stripe_on, shop, replay, webhook):
    payment, _ = started(stripe_on, shop, replay)
    webhook("event_checkout_session_completed", vendor_id=shop.pk)
    response = webhook("event_charge_refunded")
    assert response.json()["outcome"] == "applied"
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("partially_refunded", Decimal("15.00"))
    with scopes_disabled():
        assert list(Refund.objects.filter(payment=payment).values_list("amount", "source")) == [
            (Decimal("15.00"), "webhook")
        ]
    before = snapshot(shop)
    assert webhook("event_charge_refunded").status_code == 200
    assert snapshot(shop) == before


def test_cancelling_expires_an_open_session(stripe_on, shop, replay):
    payment, _ = started(stripe_on, shop, replay)
    replay.queue += [
        recording("stripe", "checkout_session_retrieve_open"),
        recording("stripe", "checkout_session_expire"),
    ]
    services.cancel(shop, payment, reason="Order cancelled")
    payment.refresh_from_db()
    assert (payment.state, payment.failure_reason) == ("failed", "Order cancelled")
    assert replay.seen[-1].path == f"/v1/checkout/sessions/{SESSION}/expire"


def test_a_webhook_for_a_platform_without_stripe_is_refused(module_on, webhook):
    # The platform takes manual payments: it holds no Stripe secret to check a signature with.
    assert webhook("event_checkout_session_completed", vendor_id=1).status_code == 400
    assert ProcessedWebhook.objects.count() == 0


def test_the_webhook_endpoint_is_404_while_payments_is_off(platform, webhook):
    assert webhook("event_checkout_session_completed", vendor_id=1).status_code == 404


def test_the_manual_gateway_has_no_webhook_endpoint(module_on):
    response = Client(HTTP_HOST=HOST).post(
        "/api/v1/payments/webhooks/manual/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_a_get_is_not_allowed(stripe_on):
    assert Client(HTTP_HOST=HOST).get(URL).status_code == 405
