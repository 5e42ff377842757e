"""What payments offers the rest of Orion: the payments contract.

``payments_provider`` answers ``orion_core.contracts.payments`` for platforms with payments on
(orders calls ``provider_for(PAYMENTS, enabled_modules)`` and never imports this module). It
translates the contract's calls to ``modules.payments.services`` and the stored payments to
the contract's dataclasses; the rules are the contract's, kept by the services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from modules.payments import services
from orion_core.contracts.payments import NextAction, PaymentMethod, PaymentStatus


class Payments:
    """The payments contract, answered by this module's services."""

    def method(self, platform_id: int) -> PaymentMethod | None:
        return services.method(platform_id)

    def start_payment(
        self,
        platform_id: int,
        vendor_id: int,
        reference: str,
        amount: Decimal,
        currency: str,
        *,
        customer_email: str,
        return_url: str,
    ) -> NextAction:
        _payment, action = services.start_payment(
            platform_id,
            vendor_id,
            reference,
            amount,
            currency,
            customer_email=customer_email,
            return_url=return_url,
        )
        return action

    def status(self, vendor_id: int, reference: str) -> PaymentStatus | None:
        payment = services.find(vendor_id, reference)
        return None if payment is None else services.status_of(payment)

    def capture(
        self, vendor_id: int, reference: str, *, amount: Decimal | None = None, user: Any = None
    ) -> PaymentStatus:
        return services.status_of(services.capture(vendor_id, reference, amount=amount, user=user))

    def refund(
        self, vendor_id: int, reference: str, amount: Decimal, *, reason: str = "", user: Any = None
    ) -> PaymentStatus:
        refund = services.refund(vendor_id, reference, amount, reason=reason, user=user)
        return services.status_of(refund.payment)

    def cancel(self, vendor_id: int, reference: str, *, user: Any = None) -> PaymentStatus | None:
        payment = services.cancel(vendor_id, reference, user=user)
        return None if payment is None else services.status_of(payment)


payments_provider = Payments()
