"""What orders does when other modules report facts (connected in ``OrdersConfig.ready``).

``payment_captured``: a payment's money was taken (a card payment's webhook, a vendor's
confirmation on the payments side). Its reference is an order number of that vendor: a pending
order becomes paid. Idempotent: an order already paid (the vendor confirmed it here, which
captures and marks paid together) is left alone, and so is a reference that is not an order.
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django_scopes import scope

from orion_core.domain_events import payment_captured

logger = logging.getLogger(__name__)


@receiver(payment_captured, dispatch_uid="orders_payment_captured")
def mark_order_paid(sender: str, *, vendor_id: int | None, reference: str, **payload: Any) -> None:
    from modules.orders.models import Order
    from modules.orders.services import orders
    from modules.orders.services.errors import OrderError

    if not vendor_id:
        return
    with scope(vendor=vendor_id):
        order = Order.objects.filter(number=reference).first()
    if order is None or order.status != Order.Status.PENDING:
        return
    try:
        orders.mark_paid(order, actor="system")
    except OrderError:
        logger.warning(
            "Payment %s was captured but order %s cannot be marked paid", reference, order.pk
        )
