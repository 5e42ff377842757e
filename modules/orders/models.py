"""Carts, orders and what a vendor decides about them (shipping, tax).

Every row carries its vendor directly (ARCHITECTURE.md §12) and is read through
``ScopedManager(vendor="vendor")``: inside the vendor's scope (a storefront, portal or API view,
or a service working for that vendor) queries see that vendor's rows only; outside any scope they
raise, and tasks, the admin and staff pages bypass it on purpose with ``scopes_disabled()``.

The shape of it:

- ``OrderSettings``: one row per vendor (made on first use with the defaults): the flat shipping
  rate, the amount above which shipping is free, the tax rate and whether the shop's prices
  include tax. A vendor has one set of prices (the catalog's) whatever platform it sells on,
  so these live with the vendor, not in the per-platform module config.
- ``Cart`` and ``CartLine``: what a shopper is about to buy at one shop. A guest's cart is
  named by a random ``token`` kept in the session; a logged-in customer has one cart per shop.
- ``Order`` and ``OrderLine``: what was bought, with a snapshot of each line (title, SKU, unit
  price, quantity, tax) so later catalog changes never alter an order. Totals are computed by
  ``modules.orders.money`` and stored.
- ``OrderCounter``: the last order number a vendor used. The order-creating transaction locks
  it (``select_for_update``), so numbers are unique and gap-free: a rolled-back checkout gives
  its number back.
- ``OrderEvent``: the append-only history of an order (who did what, when).
- ``IdempotencyKey``: the first result of an order-creating request, by (vendor, scope, key),
  so a retried request returns it instead of creating a second order.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

# A cart line holds at most this many units; a cart at most MAX_CART_LINES lines.
MAX_LINE_QUANTITY = 999
MAX_CART_LINES = 100
MONEY = {"max_digits": 12, "decimal_places": 2}


def _vendor() -> models.ForeignKey:
    return models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "vendor"),
    )


class OrderSettings(models.Model):
    """How a vendor charges shipping and tax (one row per vendor)."""

    vendor = models.OneToOneField(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "vendor"),
    )
    shipping_flat_rate = models.DecimalField(
        _("flat shipping rate"),
        default=Decimal("4.90"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    free_shipping_above = models.DecimalField(
        _("free shipping above"),
        null=True,
        blank=True,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Orders of at least this amount ship for free. Empty: never free."),
        **MONEY,
    )
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    prices_include_tax = models.BooleanField(
        _("prices include tax"),
        default=True,
        help_text=_("On: catalog prices are what customers pay. Off: tax is added to them."),
    )
    updated_at = models.DateTimeField(pgettext_lazy("orders", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("order settings")
        verbose_name_plural = _("order settings")

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.tax_rate}%"


class OrderCounter(models.Model):
    """The last order number a vendor used; locked by the transaction that takes the next."""

    vendor = models.OneToOneField(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "vendor"),
    )
    last_number = models.PositiveIntegerField(_("last order number"), default=0)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("order counter")
        verbose_name_plural = _("order counters")

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.last_number}"


class Cart(models.Model):
    """A shopper's cart at one shop: a guest's (named by ``token``, kept in the session) or a
    customer's (one per customer)."""

    vendor = _vendor()
    token = models.UUIDField(_("token"), default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "customer"),
    )
    created_at = models.DateTimeField(pgettext_lazy("orders", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("orders", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "token"], name="orders_cart_token"),
            models.UniqueConstraint(
                fields=["vendor", "customer"],
                condition=Q(customer__isnull=False),
                name="orders_one_cart_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return str(self.token)


class CartLine(models.Model):
    """``quantity`` units of one variant in a cart (one line per variant)."""

    vendor = _vendor()
    cart = models.ForeignKey(
        Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cart")
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "variant"),
    )
    quantity = models.PositiveIntegerField(
        pgettext_lazy("orders", "quantity"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LINE_QUANTITY)],
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["cart", "pk"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cart_line_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="orders_cart_line_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"


class Order(models.Model):
    """What a customer bought at one shop, as it was when they bought it."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("order status", "pending payment")
        PAID = "paid", pgettext_lazy("order status", "paid")
        FULFILLED = "fulfilled", pgettext_lazy("order status", "fulfilled")
        COMPLETED = "completed", pgettext_lazy("order status", "completed")
        CANCELLED = "cancelled", pgettext_lazy("order status", "cancelled")
        REFUNDED = "refunded", pgettext_lazy("order status", "refunded")

    vendor = _vendor()
    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "platform"),
        help_text=_("The platform the order was placed on."),
    )
    number = models.CharField(_("order number"), max_length=30)
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        pgettext_lazy("orders", "status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "customer"),
    )
    email = models.EmailField(pgettext_lazy("orders", "e-mail"))
    # The shipping address, copied (a customer may change or delete a saved one later).
    ship_name = models.CharField(_("recipient"), max_length=200)
    ship_line1 = models.CharField(_("address line 1"), max_length=200)
    ship_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    ship_city = models.CharField(pgettext_lazy("orders", "city"), max_length=100)
    ship_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    ship_country = models.CharField(pgettext_lazy("orders", "country"), max_length=2)
    shipping_method = models.CharField(_("shipping method"), max_length=20)
    currency = models.CharField(pgettext_lazy("orders", "currency"), max_length=3)
    prices_include_tax = models.BooleanField(_("prices include tax"))
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    subtotal = models.DecimalField(pgettext_lazy("orders", "subtotal"), **MONEY)
    shipping = models.DecimalField(pgettext_lazy("orders", "shipping"), **MONEY)
    tax = models.DecimalField(pgettext_lazy("orders", "tax"), **MONEY)
    total = models.DecimalField(pgettext_lazy("orders", "total"), **MONEY)
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    stock_reference = models.CharField(_("stock reservation"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    expires_at = models.DateTimeField(
        _("pay by"), null=True, blank=True, help_text=_("Cancelled if still unpaid then.")
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    paid_at = models.DateTimeField(pgettext_lazy("orders", "paid"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(pgettext_lazy("orders", "fulfilled"), null=True, blank=True)
    completed_at = models.DateTimeField(pgettext_lazy("orders", "completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("orders", "cancelled"), null=True, blank=True)
    refunded_at = models.DateTimeField(pgettext_lazy("orders", "refunded"), null=True, blank=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "number"], name="orders_number_per_vendor"),
            models.UniqueConstraint(
                fields=["vendor", "sequence"], name="orders_sequence_per_vendor"
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping"))
                | Q(prices_include_tax=False),
                name="orders_total_inclusive",
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping") + models.F("tax"))
                | Q(prices_include_tax=True),
                name="orders_total_exclusive",
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "-placed_at"], name="orders_recent"),
            models.Index(fields=["vendor", "status"], name="orders_status"),
            models.Index(fields=["status", "expires_at"], name="orders_due"),
            models.Index(fields=["vendor", "customer"], name="orders_customer"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One line of an order, as it was sold: the catalog may change or delete the variant
    later (``variant`` then becomes empty), the line keeps what the customer saw."""

    vendor = _vendor()
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "variant"),
    )
    title = models.CharField(pgettext_lazy("orders", "title"), max_length=200)
    option_label = models.CharField(_("option"), max_length=200, blank=True)
    sku = models.CharField(pgettext_lazy("orders", "SKU"), max_length=64)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    quantity = models.PositiveIntegerField(pgettext_lazy("orders", "quantity"))
    tax = models.DecimalField(pgettext_lazy("orders", "tax"), **MONEY)
    total = models.DecimalField(pgettext_lazy("orders", "total"), **MONEY)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"


class OrderEvent(models.Model):
    """One entry of an order's history: a change of status, a note, a payment update."""

    class Kind(models.TextChoices):
        PLACED = "placed", pgettext_lazy("order event", "placed")
        STATUS = "status", pgettext_lazy("order event", "status changed")
        PAYMENT = "payment", pgettext_lazy("order event", "payment")
        STOCK = "stock", pgettext_lazy("order event", "stock")
        NOTE = "note", pgettext_lazy("order event", "note")
        EMAIL = "email", pgettext_lazy("order event", "e-mail sent")

    vendor = _vendor()
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    kind = models.CharField(pgettext_lazy("orders", "kind"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("orders", "user"),
    )
    actor = models.CharField(
        _("by"), max_length=20, help_text=_("customer, vendor, staff or system")
    )
    message = models.CharField(pgettext_lazy("orders", "message"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("orders", "when"), default=timezone.now)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["order", "created_at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind} {self.to_status}"


class IdempotencyKey(models.Model):
    """The first answer to an order-creating request with this key: a retry gets it back."""

    vendor = _vendor()
    scope = models.CharField(_("scope"), max_length=100)
    key = models.CharField(_("key"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    created_at = models.DateTimeField(pgettext_lazy("orders", "created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "scope", "key"], name="orders_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
