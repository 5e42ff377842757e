"""Carts: what a shopper is about to buy at one shop.

**Whose cart.** A guest's cart is named by a random token kept in the session under
``orion_cart_<vendor pk>``; a logged-in customer of the shop has one cart. When a guest logs in
(``modules.customers.auth``), the next look at the cart merges the session's cart into the
customer's (quantities added, capped at the line limit) and forgets the token, so login itself
needs to know nothing about carts. A customer's cart follows them to any browser.

**What is checked, and when.** Adding and changing a line checks, before anything is saved,
that the quantity is a whole number from 1 to ``MAX_LINE_QUANTITY``, that the variant is one of
this shop's (the vendor scope: another shop's variant is simply unknown), that its product is
on sale (active), and that the stock contract can sell that many. Prices are never stored in a
cart: the cart page and the checkout price every line from the catalog as it is now, and say
what changed (``CartView.problems``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from modules.catalog.models import Product, Variant
from modules.customers import auth
from modules.orders import money
from modules.orders.models import MAX_CART_LINES, MAX_LINE_QUANTITY, Cart, CartLine
from modules.orders.services import orders
from modules.orders.services.errors import invalid
from orion_core.contracts.stock import Availability, StockProvider

MAX_PK = 2**63 - 1


def session_key(vendor: Any) -> str:
    return f"orion_cart_{vendor.pk}"


# --- finding the cart ---------------------------------------------------------------------------


def current_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The shopper's cart at ``request.vendor`` (inside its scope), merging a guest cart into
    the customer's after login; made when ``create`` and there is none."""
    vendor = request.vendor  # type: ignore[attr-defined]
    customer = auth.current_customer(request)
    guest = _session_cart(request)
    if customer is None:
        if guest is None and create:
            guest = Cart.objects.create(vendor=vendor)
            request.session[session_key(vendor)] = str(guest.token)
        return guest
    cart = Cart.objects.filter(customer=customer).first()
    if guest is not None and guest.customer_id is None:
        cart = adopt(guest, customer, cart)
    request.session.pop(session_key(vendor), None)
    if cart is None and create:
        try:
            with transaction.atomic():
                cart = Cart.objects.create(vendor=vendor, customer=customer)
        except IntegrityError:  # another request made it a moment ago
            cart = Cart.objects.get(customer=customer)
    return cart


def _session_cart(request: HttpRequest) -> Cart | None:
    token = request.session.get(session_key(request.vendor))  # type: ignore[attr-defined]
    if not token:
        return None
    try:
        return Cart.objects.filter(token=token, customer__isnull=True).first()
    except ValidationError:  # a token that is not a UUID: forget it
        request.session.pop(session_key(request.vendor), None)  # type: ignore[attr-defined]
        return None


def adopt(guest: Cart, customer: Any, cart: Cart | None) -> Cart:
    """Merge the guest cart into the customer's cart (or make it theirs when they have none)."""
    with transaction.atomic():
        if cart is None:
            guest.customer = customer
            try:
                with transaction.atomic():
                    guest.save(update_fields=["customer", "updated_at"])
                return guest
            except IntegrityError:
                cart = Cart.objects.get(customer=customer)
        mine = {line.variant_id: line for line in cart.lines.select_for_update()}
        for line in guest.lines.all():
            if line.variant_id in mine:
                target = mine[line.variant_id]
                target.quantity = min(MAX_LINE_QUANTITY, target.quantity + line.quantity)
                target.save(update_fields=["quantity"])
            elif len(mine) < MAX_CART_LINES:
                mine[line.variant_id] = CartLine.objects.create(
                    vendor_id=cart.vendor_id,
                    cart=cart,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                )
        guest.delete()
        cart.save(update_fields=["updated_at"])
        return cart


# --- changing it ---------------------------------------------------------------------------------


def _quantity(value: Any, *, allow_zero: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid("quantity", _("Enter a whole number."))
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_LINE_QUANTITY:
        raise invalid(
            "quantity",
            pgettext("orders", "Enter a quantity from %(low)s to %(high)s.")
            % {"low": low, "high": MAX_LINE_QUANTITY},
            "range",
        )
    return value


def sellable_variant(variant_id: Any) -> Variant:
    """This shop's variant ``variant_id`` whose product is on sale, else a field error."""
    found = None
    if (
        isinstance(variant_id, int)
        and not isinstance(variant_id, bool)
        and 0 < variant_id <= MAX_PK
    ):
        found = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if found is None:
        raise invalid("variant", pgettext("orders", "No such product in this shop."), "unknown")
    if found.product.status != Product.Status.ACTIVE:
        raise invalid("variant", _("This product is not on sale."), "inactive")
    return found


def _check_stock(stock: StockProvider, variant: Variant, quantity: int) -> None:
    known = stock.availability(variant.vendor_id, [variant.pk]).get(variant.pk)
    if known is not None and not known.allows(quantity):
        if not known.in_stock:
            raise invalid("quantity", _("Sorry, this product is sold out."), "sold_out")
        raise invalid(
            "quantity",
            _("Only %(available)s of this product can be ordered.")
            % {"available": known.available},
            "insufficient",
        )


def add(cart: Cart, variant_id: Any, quantity: Any, *, stock: StockProvider) -> CartLine:
    """Put ``quantity`` more of a variant in the cart (all checks first; nothing is saved when
    one fails)."""
    quantity = _quantity(quantity)
    variant = sellable_variant(variant_id)
    with transaction.atomic():
        line = cart.lines.select_for_update().filter(variant=variant).first()
        total = quantity + (line.quantity if line else 0)
        if total > MAX_LINE_QUANTITY:
            raise invalid(
                "quantity",
                _("At most %(max)s of one product fit in a cart.") % {"max": MAX_LINE_QUANTITY},
                "range",
            )
        if line is None and cart.lines.count() >= MAX_CART_LINES:
            raise invalid(
                "variant",
                _("A cart holds at most %(max)s different products.") % {"max": MAX_CART_LINES},
                "too_many",
            )
        _check_stock(stock, variant, total)
        if line is None:
            line = CartLine.objects.create(
                vendor_id=cart.vendor_id, cart=cart, variant=variant, quantity=total
            )
        else:
            line.quantity = total
            line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
        return line


def _line(cart: Cart, line_id: Any) -> CartLine:
    found = None
    if isinstance(line_id, int) and 0 < line_id <= MAX_PK:
        found = cart.lines.select_related("variant__product").filter(pk=line_id).first()
    if found is None:
        raise invalid("line", _("This line is not in your cart."), "unknown")
    return found


def set_quantity(
    cart: Cart, line_id: Any, quantity: Any, *, stock: StockProvider
) -> CartLine | None:
    """Make a line ``quantity`` (0 removes it); None when it was removed."""
    quantity = _quantity(quantity, allow_zero=True)
    with transaction.atomic():
        line = _line(cart, line_id)
        if quantity == 0:
            line.delete()
            cart.save(update_fields=["updated_at"])
            return None
        if quantity > line.quantity:
            _check_stock(stock, line.variant, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
        return line


def remove(cart: Cart, line_id: Any) -> None:
    with transaction.atomic():
        _line(cart, line_id).delete()
        cart.save(update_fields=["updated_at"])


def clear(cart: Cart) -> None:
    cart.lines.all().delete()


# --- what the cart page and the checkout show ---------------------------------------------------


@dataclass
class CartRow:
    """A cart line priced now: its variant, the catalog's current price, availability."""

    line: CartLine
    variant: Variant
    title: str
    option_label: str
    unit_price: Decimal
    currency: str
    availability: Availability
    on_sale: bool
    amount: Decimal = Decimal("0")

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def problem(self) -> str:
        """Why this line cannot be bought as it is ('' when it can)."""
        if not self.on_sale:
            return _("This product is no longer on sale.")
        if not self.availability.allows(self.quantity):
            if not self.availability.in_stock:
                return _("Sorry, this product is sold out.")
            return _("Only %(available)s of this product can be ordered.") % {
                "available": self.availability.available
            }
        return ""


@dataclass
class CartView:
    cart: Cart | None
    rows: list[CartRow] = field(default_factory=list)
    totals: money.Totals | None = None
    currency: str = "EUR"

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def count(self) -> int:
        return sum(row.quantity for row in self.rows)

    @property
    def problems(self) -> list[str]:
        return [f"{row.title}: {row.problem}" for row in self.rows if row.problem]

    @property
    def mixed_currencies(self) -> bool:
        return len({row.currency for row in self.rows}) > 1

    def priced_lines(self) -> list[orders.PricedLine]:
        return [
            orders.PricedLine(
                variant_id=row.variant.pk,
                title=row.title,
                option_label=row.option_label,
                sku=row.variant.sku,
                unit_price=row.unit_price,
                quantity=row.quantity,
            )
            for row in self.rows
        ]


def option_label(variant: Variant) -> str:
    return " / ".join(str(value) for value in (variant.values or {}).values())


def view(
    cart: Cart | None, *, stock: StockProvider, shipping_method: str = orders.SHIPPING_STANDARD
) -> CartView:
    """The cart priced now (two queries and one stock question)."""
    if cart is None:
        return CartView(cart=None)
    lines = list(cart.lines.select_related("variant__product").order_by("pk"))
    known = stock.availability(cart.vendor_id, [line.variant_id for line in lines]) if lines else {}
    rows = [
        CartRow(
            line=line,
            variant=line.variant,
            title=line.variant.product.title,
            option_label=option_label(line.variant),
            unit_price=line.variant.effective_price,
            currency=line.variant.product.currency,
            availability=known.get(line.variant_id)
            or Availability(line.variant_id, tracked=False, available=None),
            on_sale=line.variant.product.status == Product.Status.ACTIVE,
        )
        for line in lines
    ]
    result = CartView(cart=cart, rows=rows)
    if rows:
        result.currency = rows[0].currency
        result.totals = orders.quote(
            cart.vendor_id, result.priced_lines(), result.currency, shipping_method
        )
        for row, computed in zip(rows, result.totals.lines, strict=True):
            row.amount = computed.amount
    return result


def variant_ids(cart_view: CartView) -> Iterable[int]:
    return [row.variant.pk for row in cart_view.rows]
