"""Checkout: turn a cart into an order, its stock reservation and its payment, once.

``place`` does it all in one transaction, so it all happens or none of it does:

1. **Idempotency.** An order-creating request carries a key (the ``Idempotency-Key`` header,
   or the checkout form's hidden one-time token). The key's row is written first: a retry of
   the same request, even one racing the first, waits for it and gets the first order back
   (``Placed.replayed``) instead of a second order or charge. The same key with a different
   request is refused (``IdempotencyConflict``, a 422). A checkout that failed rolls its key
   back, so it can be tried again.
2. **Prices are the server's.** Every line is priced from the catalog as it is now; anything a
   form says about prices is ignored. A form may say what total the customer was shown
   (``expected_total``): when the server's total differs (a price changed, or the form was
   tampered with), nothing is ordered and the customer is asked to look again.
3. **Stock.** The lines are reserved through the stock contract (all or nothing): a shortage
   is ``SoldOut`` naming the products, and nothing is written (the order number included).
4. **Payment** is started through the payments contract under the order's number; what the
   customer must do next (pay on the provider's page, or the bank details) comes back.
5. The cart is emptied; a customer who asked for it keeps the new address in their address
   book (``save_address``; not twice); after commit the customer gets the confirmation through
   the notifications contract (plain Django mail until messaging provides it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from modules.customers import services as customers
from modules.customers.models import CustomerAddress
from modules.orders.models import Cart, IdempotencyKey, Order
from modules.orders.services import carts, orders, payment
from modules.orders.services.errors import OrderError, SoldOut, invalid
from orion_core.contracts import provider_for
from orion_core.contracts.notifications import NOTIFICATIONS, Notification
from orion_core.contracts.payments import NextAction
from orion_core.contracts.stock import OutOfStock, StockProvider

KEY_MAX = 100


class IdempotencyConflict(OrderError):  # noqa: N818 - reads as the answer
    """The key was used for a different request."""

    code = "idempotency_conflict"


@dataclass(frozen=True)
class CheckoutData:
    """What the customer gave: contact, where to ship, how."""

    email: str
    address: orders.Address
    shipping_method: str = orders.SHIPPING_STANDARD
    expected_total: Decimal | None = None
    save_address: bool = False  # into the customer's address book, with the order

    @classmethod
    def from_cleaned(cls, data: dict[str, Any], customer: Any = None) -> CheckoutData:
        """From the checkout form's cleaned data (the page's, or the API's, which runs the
        same form); the name defaults to the customer's, else the e-mail."""
        return cls(
            email=data["email"],
            address=orders.Address(
                name=data.get("name") or getattr(customer, "full_name", "") or data["email"],
                line1=data["line1"],
                line2=data.get("line2") or "",
                city=data["city"],
                postal_code=data.get("postal_code") or "",
                country=data["country"],
            ),
            shipping_method=data["shipping_method"],
            expected_total=data.get("expected_total"),
            save_address=bool(data.get("save_address")),
        )

    def fingerprint(self) -> str:
        """A digest of the request, to tell a retry from a reuse of its key. (Not of the cart:
        a retry finds the cart the first request emptied.)"""
        body = {
            "email": self.email.lower(),
            "address": [
                self.address.name,
                self.address.line1,
                self.address.line2,
                self.address.city,
                self.address.postal_code,
                self.address.country,
            ],
            "shipping": self.shipping_method,
            "expected_total": str(self.expected_total),
            "save_address": self.save_address,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Placed:
    order: Order
    next_action: NextAction | None
    replayed: bool = False


def _key(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > KEY_MAX:
        raise invalid("idempotency_key", _("Give a key of 1 to 100 characters."))
    return value


def replay(vendor_id: int, scope: str, key: str, fingerprint: str | None = None) -> Order | None:
    """The order a key already created (a finished retry), if any. With ``fingerprint`` (of
    ``CheckoutData``), a key that was used for a different request raises
    ``IdempotencyConflict`` instead of handing its order over."""
    found = (
        IdempotencyKey.objects.filter(scope=scope, key=_key(key)).select_related("order").first()
    )
    if found is None or found.order is None:
        return None
    if fingerprint is not None and found.fingerprint != fingerprint:
        raise IdempotencyConflict(_("This request was already made with different details."))
    return found.order


def place(
    cart: Cart,
    data: CheckoutData,
    *,
    platform: Any,
    stock: StockProvider,
    customer: Any = None,
    idempotency: tuple[str, str] | None = None,
    return_url: str = "",
) -> Placed:
    """Order what is in ``cart`` (see the module docstring). Raises ``ValidationError`` (bad
    input, a cart that cannot be bought as it is, a changed total), ``SoldOut``,
    ``IdempotencyConflict`` or ``OrderError``; nothing is written then."""
    vendor_id = cart.vendor_id
    with orders.vendor_work(vendor_id):
        priced = carts.view(cart, stock=stock, shipping_method=data.shipping_method)
        fingerprint = data.fingerprint()
        key_row = None
        if idempotency is not None:
            scope, key = idempotency[0][:100], _key(idempotency[1])
            try:
                with transaction.atomic():
                    key_row = IdempotencyKey.objects.create(
                        vendor_id=vendor_id, scope=scope, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                # The same key was used before, or is being used right now: its row is locked
                # until that request finishes; then it answers.
                first = (
                    IdempotencyKey.objects.select_for_update(of=("self",))
                    .select_related("order")
                    .get(scope=scope, key=key)
                )
                if first.order is None or first.fingerprint != fingerprint:
                    raise IdempotencyConflict(
                        _("This request was already made with different details.")
                    ) from None
                return Placed(first.order, _action_of(first.order, return_url), replayed=True)
        _check(priced, data)
        if payment.method(platform) is None:
            raise OrderError(_("This shop cannot take payments at the moment."))
        try:
            order = orders.create_order(
                vendor_id,
                platform=platform,
                lines=priced.priced_lines(),
                currency=priced.currency,
                email=data.email,
                address=data.address,
                shipping_method=data.shipping_method,
                customer=customer,
                payment_method=payment.method(platform).gateway,  # type: ignore[union-attr]
            )
        except OutOfStock as shortage:
            raise _sold_out(priced, shortage) from None
        order.payment_reference = order.number
        order.save(update_fields=["payment_reference"])
        action = payment.start(order, return_url=return_url)
        carts.clear(cart)
        if data.save_address and customer is not None:
            remember_address(customer, data.address)
        if key_row is not None:
            key_row.order = order
            key_row.save(update_fields=["order"])
        language = translation.get_language()
        transaction.on_commit(lambda: send_confirmation(order.pk, vendor_id, language))
        return Placed(order, action)


def remember_address(customer: Any, address: orders.Address) -> CustomerAddress:
    """``address`` in ``customer``'s address book: the one already there, else a new entry
    (their default if it is their first)."""
    fields = {
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "postal_code": address.postal_code,
        "country": address.country,
    }
    known = CustomerAddress.objects.filter(customer=customer, **fields).first()
    if known is not None:
        return known
    entry = CustomerAddress(customer=customer, **fields)
    entry.full_clean(exclude=["vendor", "customer"])
    return customers.save_address(entry)


def _action_of(order: Order, return_url: str) -> NextAction | None:
    """The next step of a replayed order's payment (started again returns the same)."""
    if order.status != Order.Status.PENDING or not order.payment_reference:
        return None
    try:
        return payment.start(order, return_url=return_url)
    except OrderError:
        return None


def _check(priced: carts.CartView, data: CheckoutData) -> None:
    if priced.is_empty:
        raise invalid("cart", _("Your cart is empty."), "empty")
    if priced.problems:
        raise ValidationError(
            {"cart": [ValidationError(p, code="problem") for p in priced.problems]}
        )
    if priced.mixed_currencies:
        raise invalid("cart", _("These products cannot be bought in one order."), "currencies")
    if data.shipping_method not in orders.shipping_methods():
        raise invalid("shipping_method", _("Choose a shipping method."), "required")
    expected = data.expected_total
    if expected is not None and priced.totals is not None and expected != priced.totals.total:
        raise invalid(
            "expected_total",
            _("The total changed to %(total)s %(currency)s: please check your order again.")
            % {"total": priced.totals.total, "currency": priced.currency},
            "changed",
        )


def _sold_out(priced: carts.CartView, shortage: OutOfStock) -> SoldOut:
    titles = {row.variant.pk: row for row in priced.rows}
    names = []
    for item in shortage.shortages:
        row = titles.get(item.variant_id)
        name = row.title if row else str(item.variant_id)
        names.append(
            _("%(title)s (%(available)s left)") % {"title": name, "available": item.available}
        )
    return SoldOut(
        _("Sorry, sold out: %(products)s. Nothing was ordered.") % {"products": ", ".join(names)},
        tuple(
            titles[s.variant_id].variant.sku for s in shortage.shortages if s.variant_id in titles
        ),
    )


# --- the confirmation -----------------------------------------------------------------------------


def send_confirmation(order_id: int, vendor_id: int, language: str | None = None) -> bool:
    """Tell the customer their order was placed, in the language they shopped in, through
    whoever provides notifications on the order's platform (plain Django mail when nobody
    does). Runs after commit."""
    from django_scopes import scope

    with scope(vendor=vendor_id):
        order = Order.objects.select_related("vendor").filter(pk=order_id).first()
        if order is None:
            return False
        lines = list(order.lines.order_by("pk"))
    context = {
        "number": order.number,
        "shop": order.vendor.name,
        "total": str(order.total),
        "currency": order.currency,
        "lines": [
            {"title": ln.title, "option": ln.option_label, "quantity": ln.quantity,
             "total": str(ln.total)}
            for ln in lines
        ],
        "shipping": str(order.shipping),
        "tax": str(order.tax),
        "inclusive": order.prices_include_tax,
        "name": order.ship_name,
    }  # fmt: skip
    with translation.override(language):
        subject = render_to_string("orders/email/confirmation_subject.txt", context).strip()
        body = render_to_string("orders/email/confirmation.txt", context)
    notifier = provider_for(NOTIFICATIONS, orders.enabled_modules(order.platform_id))
    return notifier.notify(
        Notification(
            kind="orders.confirmation",
            to=(order.email,),
            subject=subject,
            body=body,
            vendor_id=vendor_id,
            platform_id=order.platform_id,
            context=context,
        )
    )
