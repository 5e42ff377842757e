"""What inventory offers the rest of Orion: the stock contract, dashboard figures and a widget.

``stock_provider`` answers ``orion_core.contracts.stock`` for platforms with inventory on
(callers use ``provider_for(STOCK, enabled_modules)`` and never import this module). How it
answers, beyond what the contract says:

- **Untracked variants.** A variant of the vendor's with no stock level at any location is
  *untracked*: ``availability`` answers ``tracked=False, available=None`` (sell any quantity),
  exactly as the fallback does when inventory is off, and a reservation records its line but
  holds nothing. A variant becomes tracked with its first stock level (received, adjusted,
  counted or set through ``set_level``, at 0 too), and stays tracked.
- **Tracked variants** answer what can be sold over all locations: ``on_hand - reserved``.
- **Not the vendor's.** An id that is not one of this vendor's variants is tracked with nothing
  available: it cannot be sold or reserved here (``OutOfStock`` names it with 0 available).
- ``reserve`` holds at the default location first, then the others; the same reference twice
  returns the first reservation as stored (even if since released or expired).
- ``commit`` of an unknown reference does nothing (a checkout reserved while inventory was off
  holds nothing to ship); of a released or expired one raises ``ReservationExpired``.
- ``release`` of an unknown, released, expired or committed reservation does nothing.
- ``set_level`` sets the on-hand quantity at the vendor's default location and returns True;
  False when the variant is not the vendor's. A quantity below what is reserved there, or
  negative, is refused with ``django.core.exceptions.ValidationError`` and changes nothing.
- Every call joins the caller's transaction (a savepoint inside it).

Dashboards: ``metrics_provider`` gives the staff dashboard a platform's figures over the vendors
selling on it; ``widgets_provider`` gives the vendor dashboard (a vendor in the tenant context)
that vendor's figures. Both from the shared cache (no SQL when warm), stale on commit of any
stock change (the vendor's ``stock_scope``; every platform's ``services.STATS_SCOPE``), of the
catalog (a product deleted takes its levels with it) and, for a platform, of which vendors sell
on it (tenancy's ``vendors`` scope).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from modules.catalog.services import categories
from modules.inventory import services
from modules.tenancy.cache import VENDORS_SCOPE
from modules.tenancy.context import current
from modules.tenancy.models import VendorPlatform
from orion_core import shared_cache
from orion_core.contracts.stock import Availability, Reservation, StockLine, stock_scope
from orion_core.providers import Metric, Widget


class InventoryStock:
    """The stock contract, kept by inventory (see the module docstring for its answers)."""

    def availability(self, vendor_id: int, variant_ids: Iterable[int]) -> dict[int, Availability]:
        return {
            pk: Availability(pk, tracked=stock.tracked, available=stock.available)
            for pk, stock in services.stock_of(vendor_id, variant_ids).items()
        }

    def reserve(
        self,
        vendor_id: int,
        reference: str,
        lines: Sequence[StockLine],
        *,
        expires_at: datetime.datetime | None,
    ) -> Reservation:
        stored = services.reserve(vendor_id, reference, lines, expires_at=expires_at)
        return Reservation(
            reference=stored.reference,
            lines=tuple(StockLine(pk, qty) for pk, qty in services.reservation_lines(stored)),
            expires_at=stored.expires_at,
        )

    def commit(self, vendor_id: int, reference: str) -> None:
        services.commit(vendor_id, reference)

    def release(self, vendor_id: int, reference: str) -> None:
        services.release(vendor_id, reference)

    def set_level(self, vendor_id: int, variant_id: int, quantity: int, *, reason: str) -> bool:
        from django.core.exceptions import ValidationError

        try:
            services.set_level(vendor_id, variant_id, quantity, note=str(reason)[:200])
        except ValidationError as exc:
            if "variant" in getattr(exc, "error_dict", {}):
                return False
            raise
        return True

    def set_levels(self, vendor_id: int, quantities: Mapping[int, int], *, reason: str) -> int:
        return services.set_levels(vendor_id, quantities, note=str(reason)[:200])


stock_provider = InventoryStock()


def _platform_vendor_ids(platform: Any) -> QuerySet:
    """The ids of the vendors selling on ``platform``, as a subquery of the summary's query."""
    with scopes_disabled():
        return VendorPlatform.objects.filter(platform=platform).values("vendor_id")


class InventoryMetrics:
    """Staff dashboard: low-stock variants and units on hand over the platform's vendors."""

    def get_metrics(self, platform: Any) -> list[Metric]:
        default = services.default_threshold(platform.pk)
        figures = shared_cache.get_or_load(
            f"orion:inventory:summary:platform:{platform.pk}:{default}",
            lambda: services.summary(_platform_vendor_ids(platform), default=default),
            scope=(services.STATS_SCOPE, categories.STATS_SCOPE, VENDORS_SCOPE),
        )
        return [
            Metric("inventory.low_stock", _("Low-stock variants"), figures.low, module="inventory"),
            Metric(
                "inventory.out_of_stock",
                _("Variants out of stock"),
                figures.out,
                module="inventory",
            ),
            Metric(
                "inventory.on_hand",
                _("Units on hand"),
                figures.on_hand,
                module="inventory",
            ),
        ]


metrics_provider = InventoryMetrics()


class InventoryWidgets:
    """The stock widget on a vendor's dashboard (the vendor of the tenant context; every role
    holds ``inventory.view``). The staff dashboard has none: its metrics show the platform's
    figures already."""

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if not ctx.vendor_id:
            return []
        default = services.default_threshold(platform.pk)
        figures = shared_cache.get_or_load(  # stale on the vendor's next stock or product change
            f"orion:inventory:summary:{ctx.vendor_id}:{default}",
            lambda: services.summary([ctx.vendor_id], default=default),
            scope=(stock_scope(ctx.vendor_id), categories.catalog_scope(ctx.vendor_id)),
        )
        link = reverse("inventory:vendor-stock", kwargs={"vendor_code": ctx.vendor_code})
        return [
            Widget(
                "inventory.stock",
                _("Stock"),
                "inventory/widgets/stock.html",
                {"figures": figures, "link": link},
                order=200,
                module="inventory",
            )
        ]


widgets_provider = InventoryWidgets()
