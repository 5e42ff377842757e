"""The PayPal gateway: our requests code against PayPal's REST API, with only the session's
transport (a mounted HTTPAdapter) replaced by recorded responses (``recordings/paypal/``),
and PayPal's webhooks through the endpoint, verified by (recorded) PayPal."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from modules.payments import services
from modules.payments.gateways import paypal as paypal_gateway
from modules.payments.models import Payment, PaymentTransition, ProcessedWebhook, Refund
from orion_core.contracts.payments import GatewayError
from orion_core.testing import override_module
from tests.modules.payments.conftest import HOST
from tests.modules.payments.replay import ReplayAdapter, event_body, recording

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/webhooks/paypal/"
ORDER = "5O190127TN364715T"
CAPTURE = "3C679366HH908993F"
WEBHOOK_ID = "1JE4291016473214C"
TRANSMISSION = {
    "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
    "HTTP_PAYPAL_CERT_URL": "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
    "HTTP_PAYPAL_TRANSMISSION_ID": "103e3700-8b0c-11ee-8b5d-ef3c5f8a3b0a",
    "HTTP_PAYPAL_TRANSMISSION_SIG": "t6YoLQXOZ1dC6eiE7uYlVbv0Yx2t0qgqF7k2Wl6RzXkq...",
    "HTTP_PAYPAL_TRANSMISSION_TIME": "2026-12-03T10:00:31Z",
}


def paypal_config(**overrides):
    return {
        "provider": "paypal",
        "client_id": "AeR0rionClientId",
        "api_key": "EO0rionSecret",
        "webhook_secret": WEBHOOK_ID,
        "capture_automatically": True,
        **overrides,
    }


@pytest.fixture
def paypal_on(platform):
    with override_module(platform, "payments", config=paypal_config()):
        yield platform


@pytest.fixture
def vendor_captures(platform):
    with override_module(platform, "payments", config=paypal_config(capture_automatically=False)):
        yield platform


@pytest.fixture
def replay(monkeypatch):
    """The session's transport: answers from the recordings a test queues, nothing else."""
    adapter = ReplayAdapter()
    monkeypatch.setattr(paypal_gateway, "transport", lambda: adapter)
    return adapter


def queue(replay, shop, *names):
    replay.queue += [recording("paypal", name, vendor_id=shop.pk) for name in names]


@pytest.fixture
def webhook():
    client = Client(HTTP_HOST=HOST)

    def post(name, headers=TRANSMISSION, **values):
        body = event_body("paypal", name, **values)
        return client.post(URL, data=body, content_type="application/json", **headers)

    return post


def started(platform, shop, replay):
    queue(replay, shop, "oauth_token", "order_create")
    return services.start_payment(
        platform,
        shop,
        "ORD-7",
        Decimal("42.50"),
        "EUR",
        customer_email="ada@example.com",
        return_url="https://acme.test/shop/shop-a/orders/ORD-7/",
    )


def snapshot(shop):
    with scopes_disabled():
        return (
            list(Payment.objects.filter(vendor=shop).values()),
            PaymentTransition.objects.filter(vendor=shop).count(),
            Refund.objects.filter(vendor=shop).count(),
            ProcessedWebhook.objects.count(),
        )


def test_starting_creates_an_order_and_sends_the_customer_to_paypal(paypal_on, shop, replay):
    payment, action = started(paypal_on, shop, replay)
    assert (action.kind, action.redirect_url) == (
        "redirect",
        f"https://www.sandbox.paypal.com/checkoutnow?token={ORDER}",
    )
    assert (payment.state, payment.external_id, payment.gateway) == ("pending", ORDER, "paypal")
    token, create = replay.seen
    assert token.url == "https://api-m.sandbox.paypal.com/v1/oauth2/token"
    credentials = base64.b64encode(b"AeR0rionClientId:EO0rionSecret").decode()
    assert token.headers["Authorization"] == f"Basic {credentials}"
    assert token.body == "grant_type=client_credentials"
    assert create.headers["Authorization"].startswith("Bearer A21AAFEpH4")
    assert create.headers["PayPal-Request-Id"].startswith(f"orion-order-{shop.pk}-")
    unit = create.json["purchase_units"][0]
    assert create.json["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "EUR", "value": "42.50"}
    assert unit["custom_id"] == f"{shop.pk}:ORD-7"


def test_an_approved_order_is_captured_at_once_and_a_replay_changes_nothing(
    paypal_on, shop, replay, webhook
):
    payment, _ = started(paypal_on, shop, replay)
    queue(replay, shop, "oauth_token", "verify_success", "oauth_token", "order_capture")
    response = webhook("event_checkout_order_approved", vendor_id=shop.pk)
    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    verify = replay.seen[3]
    assert verify.json["webhook_id"] == WEBHOOK_ID
    assert verify.json["transmission_id"] == "103e3700-8b0c-11ee-8b5d-ef3c5f8a3b0a"
    assert verify.json["webhook_event"]["id"] == "WH-7Y7254563A4550640-11V2185806837105M"
    payment.refresh_from_db()
    assert (payment.state, payment.captured, payment.external_id) == (
        "captured",
        Decimal("42.50"),
        CAPTURE,
    )
    with scopes_disabled():
        steps = list(
            PaymentTransition.objects.filter(payment=payment).values_list("to_state", "source")
        )
    assert steps == [
        ("pending", "customer"),
        ("authorized", "webhook"),
        ("captured", "gateway"),
    ]
    before = snapshot(shop)
    queue(replay, shop, "oauth_token", "verify_success")  # PayPal verifies the replay too
    assert webhook("event_checkout_order_approved", vendor_id=shop.pk).status_code == 200
    assert snapshot(shop) == before
    assert replay.queue == []


def test_the_vendor_captures_an_approved_order(vendor_captures, shop, replay, webhook):
    payment, _ = started(vendor_captures, shop, replay)
    queue(replay, shop, "oauth_token", "verify_success")
    webhook("event_checkout_order_approved", vendor_id=shop.pk)
    payment.refresh_from_db()
    assert payment.state == "authorized"
    queue(replay, shop, "oauth_token", "order_capture")
    services.capture(shop, payment)
    payment.refresh_from_db()
    assert (payment.state, payment.external_id) == ("captured", CAPTURE)
    assert replay.seen[-1].headers["PayPal-Request-Id"] == f"orion-capture-{ORDER}"


def test_capturing_an_order_not_approved_is_refused_and_changes_nothing(
    vendor_captures, shop, replay
):
    payment, _ = started(vendor_captures, shop, replay)
    before = snapshot(shop)
    queue(replay, shop, "oauth_token", "order_capture_not_approved")
    with pytest.raises(GatewayError, match="Payer has not yet approved the Order"):
        services.capture(shop, payment)
    assert snapshot(shop) == before


def test_a_refund_names_the_capture_with_our_request_id(paypal_on, shop, replay, webhook):
    payment, _ = started(paypal_on, shop, replay)
    queue(replay, shop, "oauth_token", "verify_success", "oauth_token", "order_capture")
    webhook("event_checkout_order_approved", vendor_id=shop.pk)
    queue(replay, shop, "oauth_token", "capture_refund")
    refund = services.refund(shop, payment, "10.00", reason="Late")
    sent = replay.seen[-1]
    assert sent.path == f"/v2/payments/captures/{CAPTURE}/refund"
    assert sent.json == {"amount": {"value": "10.00", "currency_code": "EUR"}}
    assert sent.headers["PayPal-Request-Id"] == f"orion-refund-{payment.pk}-1"
    assert refund.external_id == "1JU08902781691411"
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("partially_refunded", Decimal("10.00"))


def test_an_event_paypal_does_not_verify_is_a_400_and_changes_nothing(
    paypal_on, shop, replay, webhook
):
    started(paypal_on, shop, replay)
    before = snapshot(shop)
    queue(replay, shop, "oauth_token", "verify_failure")
    response = webhook("event_checkout_order_approved", vendor_id=shop.pk)
    assert response.status_code == 400
    assert snapshot(shop) == before


def test_an_event_without_transmission_headers_is_refused_without_asking_paypal(
    paypal_on, shop, replay, webhook
):
    started(paypal_on, shop, replay)
    before, asked = snapshot(shop), len(replay.seen)
    assert (
        webhook("event_checkout_order_approved", headers={}, vendor_id=shop.pk).status_code == 400
    )
    assert (snapshot(shop), len(replay.seen)) == (before, asked)


def test_an_unknown_event_type_is_ignored_with_a_log_line(paypal_on, shop, replay, webhook, caplog):
    started(paypal_on, shop, replay)
    before = snapshot(shop)[:3]
    queue(replay, shop, "oauth_token", "verify_success")
    with caplog.at_level(logging.INFO, logger="modules.payments.services"):
        response = webhook("event_billing_plan_created")
    assert response.json()["outcome"] == "ignored"
    assert "of type BILLING.PLAN.CREATED" in caplog.text
    assert snapshot(shop)[:3] == before


def test_a_late_approval_after_the_capture_is_stale(vendor_captures, shop, replay, webhook):
    payment, _ = started(vendor_captures, shop, replay)
    queue(replay, shop, "oauth_token", "verify_success")
    assert webhook("event_payment_capture_completed", vendor_id=shop.pk).json()["outcome"] == (
        "applied"
    )
    before = snapshot(shop)[:3]
    queue(replay, shop, "oauth_token", "verify_success")
    assert webhook("event_checkout_order_approved", vendor_id=shop.pk).json()["outcome"] == "stale"
    assert snapshot(shop)[:3] == before
    payment.refresh_from_db()
    assert (payment.state, payment.external_id) == ("captured", CAPTURE)


def test_a_refund_made_at_paypal_arrives_by_webhook(vendor_captures, shop, replay, webhook):
    payment, _ = started(vendor_captures, shop, replay)
    queue(replay, shop, "oauth_token", "verify_success", "oauth_token", "verify_success")
    webhook("event_payment_capture_completed", vendor_id=shop.pk)
    assert webhook("event_payment_capture_refunded", vendor_id=shop.pk).json()["outcome"] == (
        "applied"
    )
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("partially_refunded", Decimal("12.50"))


def test_paypal_out_of_reach_stores_nothing(paypal_on, shop, monkeypatch):
    import requests

    class Down(ReplayAdapter):
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            raise requests.ConnectionError("Connection refused")

    monkeypatch.setattr(paypal_gateway, "transport", Down)
    with pytest.raises(GatewayError, match="Connection refused"):
        services.start_payment(paypal_on, shop, "ORD-7", "42.50", "EUR")
    assert snapshot(shop) == ([], 0, 0, 0)


def test_paypal_needs_its_client_id(platform):
    from orion_core.exceptions import ModuleConfigError
    from orion_core.services import ModuleService

    with override_module(platform, "payments"), pytest.raises(ModuleConfigError) as refused:
        ModuleService().set_config(
            platform, "payments", {"provider": "paypal", "api_key": "x"}, source="test"
        )
    assert "client_id" in refused.value.errors
