"""Stock of each vendor: locations, levels, the movement ledger, reservations, thresholds.

Every row carries its vendor directly (ARCHITECTURE.md §12) and is read through
``ScopedManager(vendor="vendor")``: inside ``vendor_scope(vendor)`` (a portal or API view, or
a service, which enters the scope of the vendor it works for) queries see that vendor's rows
only; outside any scope they raise, and tasks, the admin and checks bypass the scope
explicitly with ``scopes_disabled()``.

The shape of it:

- ``StockLocation``: where a vendor keeps stock. Every vendor gets a *default* location the
  first time stock moves (``services.default_location``); more can be added in the portal.
- ``StockLevel``: one variant at one location: ``on_hand`` (physically there) and
  ``reserved`` (held for checkouts not yet shipped); ``available = on_hand - reserved``. The
  database refuses ``on_hand < 0`` and anything but ``0 <= reserved <= on_hand``.
- ``StockMovement``: the append-only ledger. Every change of a level writes one movement per
  level in the same transaction, with its deltas and the level's values after it; so a level
  always equals the sum of its movements (``manage.py inventory check`` proves it). A movement
  is never changed or deleted (``save`` of an existing row, ``delete`` and the queryset's
  ``update``/``delete`` raise ``LedgerError``; the admin is read-only). The one exception is
  the database's: when the catalog deletes a variant, its movements lose the link
  (``SET_NULL``) but keep the SKU, and drop out of the check along with the level.
- ``Reservation`` and ``ReservationLine``: units held for a checkout under the caller's
  ``reference`` (unique per vendor), until ``expires_at`` or until committed (shipped) or
  released. A line with a location holds units at that location; a line without one is for an
  untracked variant and holds nothing.
- ``LowStockThreshold``: a product's own low-stock threshold, applying to each of its variants;
  products without one use the platform's default (the module config ``low_stock_threshold``).

**Tracked or not.** A variant is *tracked* from its first stock level on (stock received,
counted or set by a feed, at any location) and *untracked* before: inventory then says nothing
about it, and the stock contract answers "available, in any quantity", as when inventory is
off. Switching inventory on therefore changes no storefront until a vendor starts counting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

# One movement moves at most this many units; a level holds at most MAX_LEVEL (an integer
# column on every database).
MAX_QUANTITY = 1_000_000
MAX_LEVEL = 2_000_000_000


class LedgerError(Exception):
    """A movement of the ledger was about to be changed or deleted."""


class StockLocation(models.Model):
    """A place where a vendor keeps stock (a warehouse, a shop's back room)."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    name = models.CharField(pgettext_lazy("inventory", "name"), max_length=100)
    code = models.SlugField(
        pgettext_lazy("inventory", "code"),
        max_length=50,
        help_text=_("A short identifier used by feeds and the API, e.g. main or paris-shop."),
    )
    is_default = models.BooleanField(_("default location"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("inventory", "created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-is_default", "name", "pk"]
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "code"], name="inventory_location_code"),
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(is_default=True),
                name="inventory_one_default_location",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """How many units of one variant are at one location, and how many of them are held."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.CASCADE,
        related_name="stock_levels",
        verbose_name=pgettext_lazy("inventory", "variant"),
    )
    location = models.ForeignKey(
        StockLocation,
        on_delete=models.RESTRICT,
        related_name="levels",
        verbose_name=pgettext_lazy("inventory", "location"),
    )
    on_hand = models.IntegerField(pgettext_lazy("inventory", "on hand"), default=0)
    reserved = models.IntegerField(pgettext_lazy("inventory", "reserved"), default=0)
    updated_at = models.DateTimeField(pgettext_lazy("inventory", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["variant", "location"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "variant", "location"], name="inventory_one_level_per_place"
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="inventory_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="inventory_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.location_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class LedgerQuerySet(models.QuerySet):
    """Movements are appended, never changed: bulk updates and deletes are refused."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerError("Stock movements are never changed.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise LedgerError("Stock movements are never deleted.")


LedgerManager = models.Manager.from_queryset(LedgerQuerySet)


class StockMovement(models.Model):
    """One entry of the ledger: what changed at one level, why, and the level after it."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", pgettext_lazy("inventory", "received")
        ADJUST = "adjust", pgettext_lazy("inventory", "adjusted")
        RESERVE = "reserve", pgettext_lazy("inventory", "reserved")
        RELEASE = "release", pgettext_lazy("inventory", "released")
        SHIP = "ship", pgettext_lazy("inventory", "shipped")

    class Reason(models.TextChoices):
        COUNT = "count", pgettext_lazy("inventory", "stock count")
        DAMAGED = "damaged", pgettext_lazy("inventory", "damaged")
        LOST = "lost", pgettext_lazy("inventory", "lost or stolen")
        FOUND = "found", pgettext_lazy("inventory", "found")
        RETURNED = "returned", pgettext_lazy("inventory", "returned by a customer")
        CORRECTION = "correction", pgettext_lazy("inventory", "correction of an error")
        FEED = "feed", pgettext_lazy("inventory", "set by a feed")
        EXPIRED = "expired", pgettext_lazy("inventory", "reservation expired")
        OTHER = "other", pgettext_lazy("inventory", "other")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    kind = models.CharField(pgettext_lazy("inventory", "kind"), max_length=10, choices=Kind.choices)
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stock_movements",
        verbose_name=pgettext_lazy("inventory", "variant"),
    )
    sku = models.CharField(pgettext_lazy("inventory", "SKU"), max_length=64)
    location = models.ForeignKey(
        StockLocation,
        on_delete=models.RESTRICT,
        related_name="movements",
        verbose_name=pgettext_lazy("inventory", "location"),
    )
    on_hand_delta = models.IntegerField(_("on-hand change"))
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reason = models.CharField(
        pgettext_lazy("inventory", "reason"), max_length=20, choices=Reason.choices, blank=True
    )
    note = models.CharField(pgettext_lazy("inventory", "note"), max_length=200, blank=True)
    reference = models.CharField(
        pgettext_lazy("inventory", "reference"),
        max_length=100,
        blank=True,
        help_text=_("A delivery note, purchase order or checkout this movement belongs to."),
    )
    reservation = models.ForeignKey(
        "Reservation",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=pgettext_lazy("inventory", "reservation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "user"),
    )
    created_at = models.DateTimeField(pgettext_lazy("inventory", "when"), default=timezone.now)

    objects = ScopedManager(vendor="vendor", _manager_class=LedgerManager)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["vendor", "-created_at"], name="inventory_movement_recent"),
            models.Index(fields=["vendor", "variant", "location"], name="inventory_movement_level"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sku} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise LedgerError("Stock movements are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise LedgerError("Stock movements are never deleted.")


class Reservation(models.Model):
    """Units held for a checkout, under the caller's reference (unique per vendor)."""

    class State(models.TextChoices):
        HELD = "held", pgettext_lazy("reservation", "held")
        COMMITTED = "committed", pgettext_lazy("reservation", "committed")
        RELEASED = "released", pgettext_lazy("reservation", "released")
        EXPIRED = "expired", pgettext_lazy("reservation", "expired")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    reference = models.CharField(pgettext_lazy("inventory", "reference"), max_length=100)
    state = models.CharField(
        pgettext_lazy("inventory", "state"),
        max_length=10,
        choices=State.choices,
        default=State.HELD,
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("inventory", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("inventory", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("inventory", "reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "reference"], name="inventory_reservation_reference"
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="inventory_reservation_due")]

    def __str__(self) -> str:
        return self.reference

    def has_expired(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        """Held past its expiry (the task may not have released it yet)."""
        now = now or timezone.now()
        return self.expires_at is not None and self.expires_at <= now


class ReservationLine(models.Model):
    """``quantity`` units of a variant in a reservation, held at ``location`` (None: the variant
    was untracked when reserved, and nothing is held for it)."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=pgettext_lazy("inventory", "reservation"),
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "variant"),
    )
    location = models.ForeignKey(
        StockLocation,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "location"),
    )
    quantity = models.PositiveIntegerField(pgettext_lazy("inventory", "quantity"))

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["reservation", "pk"]
        verbose_name = _("reservation line")
        verbose_name_plural = _("reservation lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"


class LowStockThreshold(models.Model):
    """A product's own low-stock threshold: each of its variants is *low* when what can be sold
    of it (over all locations) is at or below it."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "vendor"),
    )
    product = models.OneToOneField(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("inventory", "product"),
    )
    threshold = models.PositiveIntegerField(_("low-stock threshold"))
    updated_at = models.DateTimeField(pgettext_lazy("inventory", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["product"]
        verbose_name = _("low-stock threshold")
        verbose_name_plural = _("low-stock thresholds")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.threshold}"

    def clean(self) -> None:
        """The admin's check: the product is the vendor's own."""
        from django.core.exceptions import ValidationError

        from modules.catalog.models import Product

        if self.product_id and self.vendor_id:
            owner = (
                Product.objects.with_scopes_disabled()
                .filter(pk=self.product_id)
                .values_list("vendor_id", flat=True)
                .first()
            )
            if owner is not None and owner != self.vendor_id:
                raise ValidationError(
                    {
                        "product": pgettext_lazy(
                            "inventory", "This product belongs to another vendor."
                        )
                    }
                )
