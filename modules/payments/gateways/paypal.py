"""The PayPal gateway, on PayPal's REST API (OAuth 2 client credentials, Orders v2,
Payments v2, webhook verification), with ``requests``.

- **authorize** creates an order (``intent: CAPTURE``) for the amount, with our vendor id and
  reference as its ``custom_id`` (``"<vendor id>:<reference>"``, echoed by every webhook), and
  sends the customer to its ``payer-action`` link. Once the customer approved it
  (``CHECKOUT.ORDER.APPROVED``) the payment is *authorized*; the platform captures it at once
  (``capture_automatically``) or the vendor does.
- **capture** captures the approved order (``POST /v2/checkout/orders/{id}/capture``); the
  payment's provider id becomes the capture's, which refunds name.
- **refund** refunds (part of) the capture (``POST /v2/payments/captures/{id}/refund``) with our
  idempotency key as ``PayPal-Request-Id``, so a retry never refunds twice.
- **void**: an order nobody captured simply expires at PayPal; nothing to call.
- **parse_webhook** has PayPal verify the event (``POST /v1/notifications/verify-webhook-signature``
  with the ``PAYPAL-*`` transmission headers, the platform's webhook id and the event) and
  maps ``CHECKOUT.ORDER.APPROVED`` (authorized), ``PAYMENT.CAPTURE.COMPLETED`` (captured),
  ``PAYMENT.CAPTURE.DENIED`` (failed) and ``PAYMENT.CAPTURE.REFUNDED`` (the refunded total);
  any other type parses with ``kind=None`` and is ignored.

Every operation first takes an access token (``POST /v1/oauth2/token``, basic auth with the
client id and secret). Amounts travel as decimal strings, as PayPal writes them. Errors
(4xx/5xx, unreachable) become ``GatewayError``. The transport is ``transport()``: a
``requests`` HTTPAdapter mounted on the session, which tests replace with one replaying
recorded responses, so this code (auth, JSON, headers, error handling) runs as it would live.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from django.utils.translation import gettext as _
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.util.retry import Retry

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

LIVE = "https://api-m.paypal.com"
SANDBOX = "https://api-m.sandbox.paypal.com"
TIMEOUT = 20  # seconds
TRANSMISSION_HEADERS = {
    "auth_algo": "PAYPAL-AUTH-ALGO",
    "cert_url": "PAYPAL-CERT-URL",
    "transmission_id": "PAYPAL-TRANSMISSION-ID",
    "transmission_sig": "PAYPAL-TRANSMISSION-SIG",
    "transmission_time": "PAYPAL-TRANSMISSION-TIME",
}


def transport() -> BaseAdapter:
    """The session's transport (tests replace this function, nothing else). Retries only
    connection failures and 5xx of idempotent requests; POSTs carry PayPal-Request-Id."""
    return HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.3, status_forcelist=(502, 503)))


def _value(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
    except InvalidOperation:
        return None


class PayPalGateway:
    """PayPal Checkout through Orders v2 (see the module docstring)."""

    code = "paypal"

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.base = SANDBOX if settings.sandbox else LIVE
        self.http = requests.Session()
        self.http.mount("https://", transport())

    # --- HTTP --------------------------------------------------------------------------------

    def _token(self) -> str:
        response = self._send(
            "post",
            "/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(self.settings.client_id, self.settings.api_key),
            authorized=False,
        )
        return response["access_token"]

    def _send(
        self,
        method: str,
        path: str,
        *,
        token: str = "",
        json_body: Any = None,
        data: Any = None,
        auth: tuple[str, str] | None = None,
        request_id: str = "",
        authorized: bool = True,
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if authorized:
            headers["Authorization"] = f"Bearer {token or self._token()}"
        if request_id:
            headers["PayPal-Request-Id"] = request_id
        try:
            response = self.http.request(
                method,
                self.base + path,
                json=json_body,
                data=data,
                auth=auth,
                headers=headers,
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise GatewayError(_("PayPal: %(message)s") % {"message": exc}) from exc
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        if response.status_code >= 400:
            details = body.get("details") or [{}]
            message = (
                details[0].get("description")
                or body.get("message")
                or body.get("error_description")
                or f"HTTP {response.status_code}"
            )
            raise GatewayError(_("PayPal: %(message)s") % {"message": message})
        return body

    # --- calls -------------------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        payer = {"email_address": request.customer_email} if request.customer_email else {}
        order = self._send(
            "post",
            "/v2/checkout/orders",
            json_body={
                "intent": "CAPTURE",
                "purchase_units": [
                    {
                        "reference_id": request.reference[:256],
                        "custom_id": f"{request.vendor_id or ''}:{request.reference}"[:127],
                        "description": (request.description or request.reference)[:127],
                        "amount": {
                            "currency_code": request.currency,
                            "value": _value(request.amount),
                        },
                    }
                ],
                "payment_source": {
                    "paypal": {
                        **payer,
                        "experience_context": {
                            "return_url": request.return_url,
                            "cancel_url": request.return_url,
                            "user_action": "PAY_NOW",
                        },
                    }
                },
            },
            request_id=f"orion-order-{request.vendor_id}-{uuid.uuid4().hex}",
        )
        link = next(
            (
                x["href"]
                for x in order.get("links", [])
                if x.get("rel") in ("payer-action", "approve")
            ),
            "",
        )
        if not link:
            raise GatewayError(_("PayPal: %(message)s") % {"message": "no approval link"})
        return GatewayResult(PaymentState.PENDING, external_id=order["id"], redirect_url=link)

    def capture(self, payment: GatewayPayment, amount: Decimal) -> GatewayResult:
        if amount != payment.amount:
            raise GatewayError(_("PayPal captures an order in full."))
        order = self._send(
            "post",
            f"/v2/checkout/orders/{payment.external_id}/capture",
            json_body={},
            request_id=f"orion-capture-{payment.external_id}",
        )
        captures = _captures(order)
        done = [c for c in captures if c.get("status") in ("COMPLETED", "PENDING")]
        if order.get("status") != "COMPLETED" or not done:
            return GatewayResult(
                PaymentState.FAILED,
                order.get("id", ""),
                message=_("PayPal: %(message)s") % {"message": order.get("status", "")},
            )
        return GatewayResult(
            PaymentState.CAPTURED,
            external_id=done[0]["id"],
            amount=_decimal(done[0].get("amount", {}).get("value")),
        )

    def refund(self, payment: GatewayPayment, amount: Decimal, *, key: str) -> GatewayResult:
        refund = self._send(
            "post",
            f"/v2/payments/captures/{payment.external_id}/refund",
            json_body={"amount": {"value": _value(amount), "currency_code": payment.currency}},
            request_id=key,
        )
        if refund.get("status") in ("CANCELLED", "FAILED"):
            return GatewayResult(
                PaymentState.FAILED,
                refund.get("id", ""),
                message=_("PayPal: %(message)s") % {"message": refund.get("status")},
            )
        return GatewayResult(
            PaymentState.REFUNDED,
            external_id=refund.get("id", ""),
            amount=_decimal(refund.get("amount", {}).get("value")) or amount,
        )

    def void(self, payment: GatewayPayment) -> GatewayResult:
        return GatewayResult(PaymentState.FAILED, payment.external_id)

    # --- webhooks ----------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        if not self.settings.webhook_secret:
            raise InvalidSignature("no PayPal webhook id is configured")
        transmission = {key: headers.get(name, "") for key, name in TRANSMISSION_HEADERS.items()}
        if not all(transmission.values()):
            raise InvalidSignature("PayPal transmission headers missing")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise InvalidSignature("not JSON") from exc
        if not isinstance(event, dict) or not event.get("id"):
            raise InvalidSignature("not a PayPal event")
        verdict = self._send(
            "post",
            "/v1/notifications/verify-webhook-signature",
            json_body={
                **transmission,
                "webhook_id": self.settings.webhook_secret,
                "webhook_event": event,
            },
        )
        if verdict.get("verification_status") != "SUCCESS":
            raise InvalidSignature("PayPal did not verify the event")
        resource = event.get("resource") or {}
        kind, external_id, amount = _interpret(str(event.get("event_type", "")), resource)
        vendor, _sep, reference = str(_custom_id(resource)).partition(":")
        return WebhookEvent(
            event_id=str(event["id"]),
            event_type=str(event.get("event_type", "")),
            kind=kind,
            external_id=external_id,
            reference=reference,
            vendor_id=int(vendor) if vendor.isdigit() else None,
            amount=amount,
            payload=event,
        )


def _captures(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        capture
        for unit in order.get("purchase_units", [])
        for capture in (unit.get("payments") or {}).get("captures", [])
    ]


def _custom_id(resource: dict[str, Any]) -> str:
    if resource.get("custom_id"):
        return resource["custom_id"]
    units = resource.get("purchase_units") or [{}]
    return units[0].get("custom_id", "")


def _interpret(event_type: str, resource: dict[str, Any]) -> tuple[PaymentState | None, str, Any]:
    """What an event tells: (kind, the provider's id to remember, amount)."""
    if event_type == "CHECKOUT.ORDER.APPROVED":
        units = resource.get("purchase_units") or [{}]
        amount = _decimal((units[0].get("amount") or {}).get("value"))
        return PaymentState.AUTHORIZED, resource.get("id", ""), amount
    if event_type == "PAYMENT.CAPTURE.COMPLETED":
        amount = _decimal((resource.get("amount") or {}).get("value"))
        return PaymentState.CAPTURED, resource.get("id", ""), amount
    if event_type == "PAYMENT.CAPTURE.DENIED":
        return PaymentState.FAILED, "", None
    if event_type == "PAYMENT.CAPTURE.REFUNDED":
        breakdown = resource.get("seller_payable_breakdown") or {}
        total = (breakdown.get("total_refunded_amount") or resource.get("amount") or {}).get(
            "value"
        )
        return PaymentState.REFUNDED, "", _decimal(total)
    return None, "", None


def gateway(settings: GatewaySettings) -> PayPalGateway:
    return PayPalGateway(settings)
