"""Orders' side of payments: every call goes through the payments contract
(``orion_core/contracts/payments.py``), never the payments module itself.

An order without a ``payment_reference`` never started a payment: there is nothing to cancel
or refund.
"""

from __future__ import annotations

from modules.orders.models import Order


def cancel(order: Order) -> None:
    """Cancel the payment of an order that is being cancelled (nothing was captured)."""
    if not order.payment_reference:
        return


def refund(order: Order) -> None:
    """Refund the order's captured payment in full."""
    if not order.payment_reference:
        return
