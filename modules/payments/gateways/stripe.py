"""The Stripe gateway, on the official ``stripe`` SDK (``StripeClient``, API v1).

- **authorize** creates a Checkout Session for one line of the payment's amount and sends the
  customer to its page (``redirect``); the session and its PaymentIntent carry our reference
  and vendor id as metadata, so every webhook names the payment. The PaymentIntent captures at
  once, or only authorizes when the platform's ``capture_automatically`` is off.
- **capture**, **refund** and **void** act on the PaymentIntent (found through the session
  while the payment has no PaymentIntent id yet). Refunds carry our idempotency key, so a
  retried refund never gives the money back twice.
- **parse_webhook** verifies Stripe's signature (``Stripe-Signature``: an HMAC-SHA256 of the
  timestamp and the raw body with the endpoint's signing secret, five minutes of tolerance)
  with ``StripeClient.construct_event`` and maps the events Orion acts on:
  ``checkout.session.completed`` (paid → captured), ``payment_intent.amount_capturable_updated``
  (authorized), ``payment_intent.succeeded`` (captured), ``payment_intent.canceled`` and
  ``checkout.session.expired`` (failed), ``charge.refunded`` (the refunded total). Any other
  type parses with ``kind=None`` and is ignored.

Amounts go to Stripe in the currency's minor unit (cents; whole units for zero-decimal
currencies such as JPY) and come back as ``Decimal``. Any ``stripe.StripeError`` becomes a
``GatewayError``. Tests replace only the HTTP transport (``http_client``), so the SDK's own
code (encoding, headers, retries, parsing) runs against recorded responses.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import stripe
from django.utils.translation import gettext as _

from orion_core.contracts.payments import (
    AuthorizeRequest,
    GatewayError,
    GatewayPayment,
    GatewayResult,
    GatewaySettings,
    InvalidSignature,
    PaymentState,
    WebhookEvent,
)

TIMEOUT = 20  # seconds: a checkout waits on it
RETRIES = 2  # the SDK retries connection errors and 409/5xx with the same idempotency key
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)


def http_client() -> stripe.HTTPClient:
    """The transport the SDK talks through (tests replace this function, nothing else)."""
    return stripe.RequestsClient(timeout=TIMEOUT)


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's smallest unit, as Stripe counts."""
    if currency.upper() in ZERO_DECIMAL:
        if amount != amount.to_integral_value():
            raise GatewayError(f"{currency} has no decimal places")
        return int(amount)
    return int(amount * 100)


def from_minor(value: Any, currency: str) -> Decimal | None:
    if value is None:
        return None
    units = Decimal(int(value))
    return units if currency.upper() in ZERO_DECIMAL else (units / 100).quantize(Decimal("0.01"))


class StripeGateway:
    """Stripe Checkout and PaymentIntents (see the module docstring)."""

    code = "stripe"

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.client = stripe.StripeClient(
            settings.api_key or "sk_missing",
            http_client=http_client(),
            max_network_retries=RETRIES,
        )

    # --- calls -------------------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        metadata = {"reference": request.reference, "vendor_id": str(request.vendor_id or "")}
        params: dict[str, Any] = {
            "mode": "payment",
            "success_url": request.return_url,
            "cancel_url": request.return_url,
            "client_reference_id": request.reference,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": to_minor(request.amount, request.currency),
                        "product_data": {"name": request.description or request.reference},
                    },
                }
            ],
            "payment_intent_data": {
                "capture_method": "automatic" if request.capture else "manual",
                "metadata": metadata,
            },
            "metadata": metadata,
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        # One key per attempt: the SDK's own retries reuse it, so a network hiccup never
        # opens two sessions; a new attempt (after a failure) gets a new one.
        key = f"orion-checkout-{request.vendor_id}-{uuid.uuid4().hex}"
        session = self._call(
            lambda: self.client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                {"idempotency_key": key},
            )
        )
        return GatewayResult(PaymentState.PENDING, external_id=session.id, redirect_url=session.url)

    def capture(self, payment: GatewayPayment, amount: Decimal) -> GatewayResult:
        intent_id = self._intent_id(payment)
        if not intent_id:
            raise GatewayError(_("The customer has not paid on Stripe's page yet."))
        intent = self._call(
            lambda: self.client.v1.payment_intents.capture(
                intent_id,
                {"amount_to_capture": to_minor(amount, payment.currency)},
                {"idempotency_key": f"orion-capture-{intent_id}"},
            )
        )
        if intent.status != "succeeded":
            return GatewayResult(PaymentState.FAILED, intent.id, message=f"status {intent.status}")
        return GatewayResult(
            PaymentState.CAPTURED,
            external_id=intent.id,
            amount=from_minor(intent.amount_received, payment.currency),
        )

    def refund(self, payment: GatewayPayment, amount: Decimal, *, key: str) -> GatewayResult:
        intent_id = self._intent_id(payment)
        if not intent_id:
            raise GatewayError(_("Stripe holds no payment to refund."))
        refund = self._call(
            lambda: self.client.v1.refunds.create(
                {"payment_intent": intent_id, "amount": to_minor(amount, payment.currency)},
                {"idempotency_key": key},
            )
        )
        if refund.status in ("failed", "canceled"):
            reason = refund.to_dict().get("failure_reason") or refund.status
            return GatewayResult(
                PaymentState.FAILED,
                refund.id,
                message=_("Stripe: %(message)s") % {"message": reason},
            )
        return GatewayResult(
            PaymentState.REFUNDED,
            external_id=refund.id,
            amount=from_minor(refund.amount, payment.currency),
        )

    def void(self, payment: GatewayPayment) -> GatewayResult:
        if payment.external_id.startswith("cs_"):
            session = self._session(payment.external_id)
            if not session.get("payment_intent"):
                if session.get("status") == "open":
                    self._call(lambda: self.client.v1.checkout.sessions.expire(payment.external_id))
                return GatewayResult(PaymentState.FAILED, payment.external_id)
        intent_id = self._intent_id(payment)
        if intent_id:
            self._call(lambda: self.client.v1.payment_intents.cancel(intent_id))
        return GatewayResult(PaymentState.FAILED, intent_id)

    def _intent_id(self, payment: GatewayPayment) -> str:
        """The PaymentIntent of the payment: its id, or the session's intent."""
        if payment.external_id.startswith("pi_"):
            return payment.external_id
        if payment.external_id.startswith("cs_"):
            intent = self._session(payment.external_id).get("payment_intent")
            return intent if isinstance(intent, str) else (intent or {}).get("id", "")
        return ""

    def _session(self, session_id: str) -> dict[str, Any]:
        session = self._call(lambda: self.client.v1.checkout.sessions.retrieve(session_id))
        return session.to_dict()

    @staticmethod
    def _call(call: Any) -> Any:
        try:
            return call()
        except stripe.StripeError as exc:
            message = getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
            raise GatewayError(_("Stripe: %(message)s") % {"message": message}) from exc

    # --- webhooks ----------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        secret = self.settings.webhook_secret
        signature = headers.get("Stripe-Signature") or headers.get("stripe-signature")
        if not secret:
            raise InvalidSignature("no webhook signing secret is configured")
        try:
            event = self.client.construct_event(body, signature, secret)
        except (stripe.SignatureVerificationError, ValueError, KeyError, IndexError) as exc:
            raise InvalidSignature(str(exc) or "bad signature") from exc
        data = event.to_dict()
        obj = data.get("data", {}).get("object", {})
        kind, external_id, amount = _interpret(event.type, obj)
        metadata = obj.get("metadata") or {}
        vendor = str(metadata.get("vendor_id") or "")
        currency = str(obj.get("currency") or "").upper()
        return WebhookEvent(
            event_id=event.id,
            event_type=event.type,
            kind=kind,
            external_id=external_id,
            reference=str(metadata.get("reference") or obj.get("client_reference_id") or ""),
            vendor_id=int(vendor) if vendor.isdigit() else None,
            amount=from_minor(amount, currency) if currency else None,
            currency=currency,
            payload=data,
        )


def _interpret(event_type: str, obj: dict[str, Any]) -> tuple[PaymentState | None, str, Any]:
    """What an event of ``event_type`` about ``obj`` tells: (kind, PaymentIntent id, amount)."""
    if event_type == "checkout.session.completed":
        intent = obj.get("payment_intent") or ""
        paid = obj.get("payment_status") == "paid"
        return (PaymentState.CAPTURED if paid else None), intent, obj.get("amount_total")
    if event_type == "checkout.session.expired":
        return PaymentState.FAILED, obj.get("payment_intent") or "", None
    if event_type == "payment_intent.amount_capturable_updated":
        return PaymentState.AUTHORIZED, obj.get("id") or "", obj.get("amount_capturable")
    if event_type == "payment_intent.succeeded":
        return PaymentState.CAPTURED, obj.get("id") or "", obj.get("amount_received")
    if event_type == "payment_intent.canceled":
        return PaymentState.FAILED, obj.get("id") or "", None
    if event_type == "charge.refunded":
        return PaymentState.REFUNDED, obj.get("payment_intent") or "", obj.get("amount_refunded")
    return None, "", None


def gateway(settings: GatewaySettings) -> StripeGateway:
    return StripeGateway(settings)
