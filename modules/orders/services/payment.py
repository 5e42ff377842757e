"""Orders' side of payments: every call goes through the payments contract
(``orion_core/contracts/payments.py``), asked on the platform the order was placed on; orders
never imports the payments module.

A payment is named by the order's number (unique per vendor). An order without a
``payment_reference`` never started one: there is nothing to cancel or refund. A refusal of the
payments side (``PaymentError``) becomes an ``OrderError`` with its sentence, and the caller's
transaction rolls back with it.
"""

from __future__ import annotations

from typing import Any

from modules.orders.models import Order
from modules.orders.services.errors import OrderError
from orion_core.contracts import provider_for
from orion_core.contracts.payments import (
    PAYMENTS,
    NextAction,
    PaymentError,
    PaymentMethod,
    PaymentsProvider,
    PaymentStatus,
    UnknownPayment,
)


def payments_for(platform: Any) -> PaymentsProvider:
    from modules.orders.services.orders import enabled_modules

    return provider_for(PAYMENTS, enabled_modules(platform))


def method(platform: Any) -> PaymentMethod | None:
    """How the platform takes payments (None: it does not, and checkout cannot finish)."""
    platform_id = getattr(platform, "pk", platform)
    return payments_for(platform_id).method(platform_id) if platform_id else None


def start(order: Order, *, return_url: str) -> NextAction:
    """Start the payment of ``order``'s total; what the customer must do next."""
    try:
        return payments_for(order.platform_id).start_payment(
            order.platform_id,
            order.vendor_id,
            order.payment_reference,
            order.total,
            order.currency,
            customer_email=order.email,
            return_url=return_url,
        )
    except PaymentError as exc:
        raise OrderError(str(exc)) from exc


def status(order: Order) -> PaymentStatus | None:
    if not order.payment_reference:
        return None
    return payments_for(order.platform_id).status(order.vendor_id, order.payment_reference)


def capture(order: Order, *, user: Any = None) -> PaymentStatus | None:
    """Take the order's money (for a manual payment: the vendor says it arrived). A payment
    already captured is left as it is."""
    if not order.payment_reference:
        return None
    payments = payments_for(order.platform_id)
    found = payments.status(order.vendor_id, order.payment_reference)
    if found is not None and found.is_paid:
        return found
    try:
        return payments.capture(order.vendor_id, order.payment_reference, user=user)
    except PaymentError as exc:
        raise OrderError(str(exc)) from exc


def cancel(order: Order, *, user: Any = None) -> None:
    """Give up the payment of an order being cancelled (nothing was captured)."""
    if not order.payment_reference:
        return
    try:
        payments_for(order.platform_id).cancel(order.vendor_id, order.payment_reference, user=user)
    except UnknownPayment:
        return
    except PaymentError as exc:
        raise OrderError(str(exc)) from exc


def refund(order: Order, *, reason: str = "", user: Any = None) -> None:
    """Give back everything captured for the order and not refunded yet."""
    if not order.payment_reference:
        return
    payments = payments_for(order.platform_id)
    try:
        found = payments.status(order.vendor_id, order.payment_reference)
        if found is None or found.refundable <= 0:
            return
        payments.refund(
            order.vendor_id,
            order.payment_reference,
            found.refundable,
            reason=reason or order.number,
            user=user,
        )
    except PaymentError as exc:
        raise OrderError(str(exc)) from exc
