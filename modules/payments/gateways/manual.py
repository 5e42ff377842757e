"""The manual gateway: bank transfer or cash on delivery, with no network at all.

Starting a payment leaves it *pending* and gives the customer the platform's instructions
(the bank details, "pay the courier"); nothing happens until the vendor or staff confirm that
the money arrived, which captures it. A refund is money handed back outside Orion: recording
it is all there is to do. There are no webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Never

from orion_core.contracts.payments import (
    AuthorizeRequest,
    GatewayPayment,
    GatewayResult,
    GatewaySettings,
    InvalidSignature,
    PaymentState,
)


class ManualGateway:
    """Payments confirmed by hand (see the module docstring)."""

    code = "manual"

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        return GatewayResult(PaymentState.PENDING, instructions=self.settings.instructions)

    def capture(self, payment: GatewayPayment, amount: Decimal) -> GatewayResult:
        return GatewayResult(PaymentState.CAPTURED, amount=amount)

    def refund(self, payment: GatewayPayment, amount: Decimal, *, key: str) -> GatewayResult:
        return GatewayResult(PaymentState.REFUNDED, amount=amount)

    def void(self, payment: GatewayPayment) -> GatewayResult:
        return GatewayResult(PaymentState.FAILED)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> Never:
        raise InvalidSignature("The manual gateway sends no webhooks.")


def gateway(settings: GatewaySettings) -> ManualGateway:
    return ManualGateway(settings)
