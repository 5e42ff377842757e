"""Orders: the vendor's settings, gap-free numbers, placing an order and its state machine.

**State machine.** ``pending → paid → fulfilled → completed``; an unpaid order may be
``cancelled``; a paid one (fulfilled or completed too) may be ``refunded``. Any other change is
refused with ``IllegalTransition`` naming the status and what it allows. Every change locks the
order row, re-reads its status under the lock (two clicks on "mark as paid" change it once),
writes an ``OrderEvent`` (who, when, from, to) and, after commit, sends its domain event.

**Stock.** Placing an order reserves its lines through the stock contract (inventory when it
is on; the fallback holds nothing) until the order's ``expires_at``; payment commits the
reservation, cancellation and expiry release it. The contract is asked on the platform the
order was placed on, so it works the same in requests, tasks and commands.

**Payments** go through the payments contract only (``modules.orders.services.payment``).

**Numbers** are ``<prefix><sequence>``: the prefix is the platform's module config
``order_number_prefix``, the sequence the vendor's ``OrderCounter``, locked by the transaction
that places the order, so numbers are unique and have no gaps (a rolled-back order gives its
number back).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from modules.orders import money
from modules.orders.models import Order, OrderCounter, OrderEvent, OrderLine, OrderSettings
from modules.orders.services.errors import IllegalTransition, OrderError
from orion_core import shared_cache, state
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, ReservationExpired, StockProvider
from orion_core.domain_events import order_cancelled, order_fulfilled, order_paid, order_placed

MODULE = "orders"
DEFAULT_PREFIX = "ORD-"
DEFAULT_PAY_WITHIN_HOURS = 48
NUMBER_DIGITS = 6

Status = Order.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset({Status.FULFILLED, Status.REFUNDED}),
    Status.FULFILLED: frozenset({Status.COMPLETED, Status.REFUNDED}),
    Status.COMPLETED: frozenset({Status.REFUNDED}),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}
TIMESTAMPS = {
    Status.PAID: "paid_at",
    Status.FULFILLED: "fulfilled_at",
    Status.COMPLETED: "completed_at",
    Status.CANCELLED: "cancelled_at",
    Status.REFUNDED: "refunded_at",
}


# --- helpers -------------------------------------------------------------------------------------


def vendor_id_of(vendor: Any) -> int:
    pk = getattr(vendor, "pk", vendor)
    if not isinstance(pk, int) or isinstance(pk, bool) or pk <= 0:
        raise ValueError("Orders need a saved vendor.")
    return pk


@contextlib.contextmanager
def vendor_work(vendor: Any) -> Iterator[int]:
    """A transaction (or a savepoint in the caller's) inside ``vendor``'s scope."""
    vid = vendor_id_of(vendor)
    with transaction.atomic(), scope(vendor=vid):
        yield vid


def enabled_modules(platform: Any) -> frozenset[str]:
    """The modules enabled on ``platform`` (a Platform or id; none without one)."""
    platform_id = getattr(platform, "pk", platform)
    if platform_id is None:
        return frozenset()
    return state.state_for_platform(platform_id).enabled


def stock_for(platform: Any) -> StockProvider:
    """Whoever keeps stock on ``platform`` (inventory, or "always available")."""
    return provider_for(STOCK, enabled_modules(platform))


def config(platform: Any) -> dict[str, Any]:
    """The platform's orders config (shared cache); the defaults without a platform."""
    if platform is None:
        return {
            "order_number_prefix": DEFAULT_PREFIX,
            "cancel_unpaid_after_hours": DEFAULT_PAY_WITHIN_HOURS,
        }
    return state.module_config(platform, MODULE)


def settings_for(vendor: Any) -> OrderSettings:
    """The vendor's shipping and tax settings, made with the defaults on first use."""
    vid = vendor_id_of(vendor)
    with scopes_disabled():
        found = OrderSettings.objects.filter(vendor_id=vid).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return OrderSettings.objects.create(vendor_id=vid)
        except IntegrityError:  # made concurrently: theirs stands
            return OrderSettings.objects.get(vendor_id=vid)


def next_number(vendor: Any, prefix: str) -> tuple[int, str]:
    """The vendor's next order sequence and number. Call it inside the transaction that
    creates the order: the counter row stays locked until it commits or rolls back."""
    vid = vendor_id_of(vendor)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the order-creating transaction.")
    with scopes_disabled():
        counter = OrderCounter.objects.select_for_update().filter(vendor_id=vid).first()
        if counter is None:
            try:
                with transaction.atomic():
                    OrderCounter.objects.create(vendor_id=vid)
            except IntegrityError:
                pass  # another checkout made it first; lock theirs
            counter = OrderCounter.objects.select_for_update().get(vendor_id=vid)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
    return counter.last_number, f"{prefix}{counter.last_number:0{NUMBER_DIGITS}d}"


# --- placing an order ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PricedLine:
    """A line as the server priced it (never as a form said): the catalog's current values."""

    variant_id: int
    title: str
    option_label: str
    sku: str
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    country: str
    line2: str = ""
    postal_code: str = ""


SHIPPING_STANDARD = "standard"
SHIPPING_PICKUP = "pickup"


def shipping_methods() -> dict[str, str]:
    """The shipping methods a shop offers, code → label (translated at call time)."""
    return {
        SHIPPING_STANDARD: _("Standard delivery"),
        SHIPPING_PICKUP: _("Collect from the shop"),
    }


def quote(
    vendor: Any, lines: Sequence[PricedLine], currency: str, shipping_method: str
) -> money.Totals:
    """The totals of ``lines`` with the vendor's tax and the shipping of ``shipping_method``."""
    found = settings_for(vendor)
    goods = money.compute(
        [money.LineInput(line.unit_price, line.quantity) for line in lines],
        currency=currency,
        rate=found.tax_rate,
        inclusive=found.prices_include_tax,
    )
    if shipping_method == SHIPPING_PICKUP:
        shipping = money.ZERO
    else:
        shipping = money.shipping_for(
            goods.subtotal,
            flat_rate=found.shipping_flat_rate,
            free_above=found.free_shipping_above,
            currency=currency,
        )
    return money.compute(
        [money.LineInput(line.unit_price, line.quantity) for line in lines],
        currency=currency,
        rate=found.tax_rate,
        inclusive=found.prices_include_tax,
        shipping=shipping,
    )


def create_order(
    vendor: Any,
    *,
    platform: Any,
    lines: Sequence[PricedLine],
    currency: str,
    email: str,
    address: Address,
    shipping_method: str = SHIPPING_STANDARD,
    customer: Any = None,
    payment_method: str = "",
    user: Any = None,
    actor: str = "customer",
) -> Order:
    """Write a pending order of ``lines`` with its number, totals and first history entry,
    and reserve its stock (all or nothing: ``OutOfStock`` rolls everything back, the number
    included). ``order_placed`` is sent after commit."""
    if not lines:
        raise OrderError(_("The order has no lines."))
    if shipping_method not in shipping_methods():
        raise OrderError(_("Choose a shipping method."))
    with vendor_work(vendor) as vid:
        found = config(platform)
        totals = quote(vid, lines, currency, shipping_method)
        settings = settings_for(vid)
        sequence, number = next_number(vid, found["order_number_prefix"])
        now = timezone.now()
        hours = int(found.get("cancel_unpaid_after_hours") or DEFAULT_PAY_WITHIN_HOURS)
        order = Order.objects.create(
            vendor_id=vid,
            platform_id=getattr(platform, "pk", platform),
            number=number,
            sequence=sequence,
            customer=customer,
            email=email,
            ship_name=address.name,
            ship_line1=address.line1,
            ship_line2=address.line2,
            ship_city=address.city,
            ship_postal_code=address.postal_code,
            ship_country=address.country,
            shipping_method=shipping_method,
            currency=currency,
            prices_include_tax=settings.prices_include_tax,
            tax_rate=settings.tax_rate,
            subtotal=totals.subtotal,
            shipping=totals.shipping,
            tax=totals.tax,
            total=totals.total,
            payment_method=payment_method,
            stock_reference=f"order-{number}",
            placed_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    vendor_id=vid,
                    order=order,
                    variant_id=line.variant_id,
                    title=line.title,
                    option_label=line.option_label,
                    sku=line.sku,
                    unit_price=computed.unit_price,
                    quantity=line.quantity,
                    tax=computed.tax,
                    total=computed.amount,
                )
                for line, computed in zip(lines, totals.lines, strict=True)
            ]
        )
        _reserve(order, lines)
        record(order, OrderEvent.Kind.PLACED, to_status=order.status, user=user, actor=actor)
        _changed(order)
        if customer is not None:
            from modules.customers.services import record_order

            record_order(customer, order.total, now)
        order_placed.send_on_commit(
            MODULE,
            platform_id=order.platform_id,
            vendor_id=vid,
            order_id=order.pk,
            number=order.number,
            total=str(order.total),
            currency=order.currency,
            email=order.email,
            customer_id=getattr(customer, "pk", None),
        )
        return order


def _reserve(order: Order, lines: Sequence[PricedLine]) -> None:
    """Hold the order's units until it must be paid (raises ``OutOfStock``)."""
    from orion_core.contracts.stock import StockLine

    merged: dict[int, int] = {}
    for line in lines:
        merged[line.variant_id] = merged.get(line.variant_id, 0) + line.quantity
    stock_for(order.platform_id).reserve(
        order.vendor_id,
        order.stock_reference,
        [StockLine(pk, quantity) for pk, quantity in merged.items()],
        expires_at=order.expires_at,
    )


def _changed(order: Order) -> None:
    """Dashboards' cached figures of the order's platform and vendor are stale on commit."""
    from modules.orders.services.queries import figures_scopes

    shared_cache.bump_on_commit(*figures_scopes(order.platform_id, order.vendor_id))


# --- history ------------------------------------------------------------------------------------


def record(
    order: Order,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    user: Any = None,
    actor: str = "system",
) -> OrderEvent:
    """Append an entry to the order's history."""
    return OrderEvent.objects.create(
        vendor_id=order.vendor_id,
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        message=message[:300],
        user=user if getattr(user, "is_authenticated", False) else None,
        actor=actor,
    )


# --- the state machine ---------------------------------------------------------------------------


def allowed(order: Order) -> frozenset[str]:
    """The statuses ``order`` may move to now."""
    return TRANSITIONS.get(order.status, frozenset())


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _transition(
    order: Order, to: str, *, user: Any, actor: str, message: str = "", **changes: Any
) -> Order:
    """Move the locked ``order`` to ``to`` (or refuse), stamp the time, write the history."""
    locked = _locked(order)
    if to not in allowed(locked):
        raise IllegalTransition(
            _("Order %(number)s is %(status)s: it cannot become %(target)s.")
            % {
                "number": locked.number,
                "status": _status_label(locked.status),
                "target": _status_label(to),
            }
        )
    before = locked.status
    locked.status = to
    setattr(locked, TIMESTAMPS[to], timezone.now())
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", TIMESTAMPS[to], *changes])
    _changed(locked)
    record(
        locked,
        OrderEvent.Kind.STATUS,
        from_status=before,
        to_status=to,
        message=message,
        user=user,
        actor=actor,
    )
    order.refresh_from_db()
    return locked


def mark_paid(
    order: Order, *, user: Any = None, actor: str = "vendor", payment_reference: str = ""
) -> Order:
    """The order's payment arrived: ``pending → paid``, its reserved stock is sold for good.
    Refused for an order whose reservation ran out (it expired unpaid)."""
    with vendor_work(order.vendor_id):
        changes = {"payment_reference": payment_reference} if payment_reference else {}
        locked = _transition(order, Status.PAID, user=user, actor=actor, **changes)
        try:
            stock_for(locked.platform_id).commit(locked.vendor_id, locked.stock_reference)
        except ReservationExpired:
            raise OrderError(
                _("Order %(number)s is no longer held in stock: it expired unpaid.")
                % {"number": locked.number}
            ) from None
        order_paid.send_on_commit(
            MODULE,
            platform_id=locked.platform_id,
            vendor_id=locked.vendor_id,
            order_id=locked.pk,
            number=locked.number,
            total=str(locked.total),
            currency=locked.currency,
        )
        order.refresh_from_db()
        return order


def confirm_payment(order: Order, *, user: Any = None, actor: str = "vendor") -> Order:
    """The vendor (or staff) says the money arrived (a bank transfer, cash): the payment is
    captured through the payments contract and the order marked paid, together."""
    with vendor_work(order.vendor_id):
        if Status.PAID not in allowed(order):
            _transition(order, Status.PAID, user=user, actor=actor)  # raises, with the reason
        from modules.orders.services import payment

        payment.capture(order, user=user)
        return mark_paid(order, user=user, actor=actor)


def fulfil(
    order: Order, *, tracking_number: str = "", user: Any = None, actor: str = "vendor"
) -> Order:
    """The vendor shipped the order: ``paid → fulfilled``, with its tracking number."""
    tracking_number = (tracking_number or "").strip()
    if len(tracking_number) > 100:
        raise OrderError(_("A tracking number has at most 100 characters."))
    with vendor_work(order.vendor_id):
        locked = _transition(
            order,
            Status.FULFILLED,
            user=user,
            actor=actor,
            message=tracking_number,
            tracking_number=tracking_number,
        )
        order_fulfilled.send_on_commit(
            MODULE,
            platform_id=locked.platform_id,
            vendor_id=locked.vendor_id,
            order_id=locked.pk,
            number=locked.number,
            tracking_number=tracking_number,
        )
        return order


def complete(order: Order, *, user: Any = None, actor: str = "vendor") -> Order:
    """The customer has the goods: ``fulfilled → completed``."""
    with vendor_work(order.vendor_id):
        _transition(order, Status.COMPLETED, user=user, actor=actor)
        return order


def cancel(order: Order, *, reason: str = "", user: Any = None, actor: str = "vendor") -> Order:
    """Cancel an unpaid order: ``pending → cancelled``; its stock is released and its payment
    (if one was started) cancelled. A paid order is refunded instead."""
    with vendor_work(order.vendor_id):
        if order.status != Status.PENDING and Status.REFUNDED in allowed(order):
            raise IllegalTransition(
                _("Order %(number)s is paid: refund it instead of cancelling it.")
                % {"number": order.number}
            )
        locked = _transition(order, Status.CANCELLED, user=user, actor=actor, message=reason)
        stock_for(locked.platform_id).release(locked.vendor_id, locked.stock_reference)
        from modules.orders.services import payment

        payment.cancel(locked, user=user)
        order_cancelled.send_on_commit(
            MODULE,
            platform_id=locked.platform_id,
            vendor_id=locked.vendor_id,
            order_id=locked.pk,
            number=locked.number,
            reason=reason[:300],
        )
        return order


def refund(order: Order, *, reason: str = "", user: Any = None, actor: str = "vendor") -> Order:
    """Give a paid order's money back in full through the payments contract:
    ``paid/fulfilled/completed → refunded``. Stock that left is not put back (returns are
    received into stock by the vendor)."""
    with vendor_work(order.vendor_id):
        locked = _transition(order, Status.REFUNDED, user=user, actor=actor, message=reason)
        from modules.orders.services import payment

        payment.refund(locked, reason=reason, user=user)
        return order


def expire_unpaid(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Cancel every pending order whose ``expires_at`` has passed, across vendors; returns how
    many. Each in its own transaction under its row lock, skipping rows another run holds;
    idempotent and safe to run twice at once."""
    now = now or timezone.now()
    cancelled = 0
    seen: set[int] = set()
    while True:
        with scopes_disabled():
            due = list(
                Order.objects.filter(status=Status.PENDING, expires_at__lte=now)
                .exclude(pk__in=seen)
                .order_by("expires_at", "pk")
                .values_list("pk", "vendor_id")[:batch]
            )
        if not due:
            return cancelled
        for pk, vid in due:
            seen.add(pk)
            with vendor_work(vid):
                order = (
                    Order.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Status.PENDING, expires_at__lte=now)
                    .first()
                )
                if order is not None:
                    cancel(order, reason="expired unpaid", actor="system")
                    cancelled += 1
