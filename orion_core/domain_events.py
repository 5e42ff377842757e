"""Domain events: facts that happened in one module, for any other module to hear.

A module that wants to react to another (messaging tells the vendor a stock level is low;
analytics counts published products) connects a receiver to the event declared here and never
imports the module that sends it (ARCHITECTURE.md §4a)::

    from orion_core.domain_events import stock_low

    @receiver(stock_low, dispatch_uid="messaging_stock_low")
    def tell_the_vendor(sender, *, platform_id, vendor_id, variant_id, **payload): ...

Events are sent only after the sender's transaction commits (``send_on_commit``): a receiver
never hears of a change that was rolled back, and may enqueue work that reads it. Every event
carries ``platform_id`` (where it happened; None outside any platform) and ``vendor_id``, plus the
plain values its declaration names; ``sender`` is the sending module's code. A receiver that
raises is logged; the others still run and the sender never sees the error.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Every event declared, by name (the modules guide lists them from here).
EVENTS: dict[str, DomainEvent] = {}


class DomainEvent(Signal):
    """A named signal with a declared payload, delivered after commit."""

    def __init__(self, name: str, payload: tuple[str, ...], description: str) -> None:
        super().__init__()
        self.name, self.payload, self.description = name, payload, description
        EVENTS[name] = self

    def send_on_commit(
        self, sender: str, *, platform_id: int | None, vendor_id: int | None, **payload: Any
    ) -> None:
        """Deliver the event once the current transaction commits (at once outside one)."""
        if set(payload) != set(self.payload):
            raise TypeError(f"{self.name} carries {sorted(self.payload)}, not {sorted(payload)}.")
        transaction.on_commit(
            lambda: self._deliver(sender, platform_id=platform_id, vendor_id=vendor_id, **payload)
        )

    def send_each_on_commit(
        self,
        sender: str,
        *,
        platform_id: int | None,
        vendor_id: int | None,
        payloads: list[dict[str, Any]],
    ) -> None:
        """``send_on_commit`` for many facts of one kind at once (a feed's thousands of
        products): one event per payload, in order, through one commit hook."""
        for payload in payloads:
            if set(payload) != set(self.payload):
                raise TypeError(
                    f"{self.name} carries {sorted(self.payload)}, not {sorted(payload)}."
                )
        if not payloads:
            return

        def deliver_each() -> None:
            for payload in payloads:
                self._deliver(sender, platform_id=platform_id, vendor_id=vendor_id, **payload)

        transaction.on_commit(deliver_each)

    def _deliver(self, sender: str, **kwargs: Any) -> None:
        for receiver, result in self.send_robust(sender, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %r of %s from %s failed",
                    receiver,
                    self.name,
                    sender,
                    exc_info=(type(result), result, result.__traceback__),
                )


product_published = DomainEvent(
    "product_published",
    payload=("product_id", "title", "sku"),
    description="A product became visible on its vendor's storefront.",
)
stock_low = DomainEvent(
    "stock_low",
    payload=("variant_id", "sku", "available", "threshold"),
    description="What can be sold of a variant fell to or below its low-stock threshold.",
)
payment_captured = DomainEvent(
    "payment_captured",
    payload=("reference", "amount", "currency", "gateway"),
    description=(
        "A payment's money was taken (``amount``: the Decimal captured in all); the "
        "``reference`` is the caller's, e.g. an order number."
    ),
)
payment_refunded = DomainEvent(
    "payment_refunded",
    payload=("reference", "amount", "refunded_total", "currency", "fully_refunded"),
    description=(
        "Part or all of a captured payment went back to the customer (``amount``: this "
        "refund; ``refunded_total``: all refunds so far, never above what was captured)."
    ),
)
payment_failed = DomainEvent(
    "payment_failed",
    payload=("reference", "gateway", "reason"),
    description="A payment not captured was declined, abandoned or cancelled.",
)
order_placed = DomainEvent(
    "order_placed",
    payload=("order_id", "number", "total", "currency", "email", "customer_id"),
    description="A customer placed an order (not paid yet); ``total`` is a decimal string.",
)
order_paid = DomainEvent(
    "order_paid",
    payload=("order_id", "number", "total", "currency"),
    description="An order's payment was confirmed; its stock left the shelves for good.",
)
order_fulfilled = DomainEvent(
    "order_fulfilled",
    payload=("order_id", "number", "tracking_number"),
    description="A vendor shipped an order (``tracking_number`` may be empty).",
)
order_cancelled = DomainEvent(
    "order_cancelled",
    payload=("order_id", "number", "reason"),
    description="An unpaid order was cancelled (by the customer, the vendor or expiry).",
)
import_finished = DomainEvent(
    "import_finished",
    payload=("job_id", "source", "created", "updated", "errors", "status"),
    description=(
        "A vendor's import job ended: ``source`` names what was read (a file name, a feed), "
        "``created``/``updated``/``errors`` count its rows, ``status`` is ``completed`` (errors "
        "may be above 0: those rows were skipped) or ``failed`` (nothing was imported)."
    ),
)
