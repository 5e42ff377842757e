"""factory-boy factories of inventory's models (tests, the isolation walk).

Rows are created outside any vendor scope. They write rows directly, not through the services:
a ``StockLevelFactory`` level has no movements behind it (``manage.py inventory check`` would
call that drift), which is what the isolation walk and tests of the check want. Tests of stock
itself go through ``modules.inventory.services``.
"""

from __future__ import annotations

from typing import Any

import factory

from modules.catalog.factories import ProductFactory, VariantFactory
from modules.inventory.models import (
    LowStockThreshold,
    Reservation,
    ReservationLine,
    StockLevel,
    StockLocation,
    StockMovement,
)
from modules.inventory.services import STATS_SCOPE
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory
from orion_core import shared_cache
from orion_core.contracts.stock import stock_scope


class StockLocationFactory(ScopeFreeFactory):
    class Meta:
        model = StockLocation

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    code = factory.Sequence(lambda n: f"warehouse-{n}")


class StockLevelFactory(ScopeFreeFactory):
    """A level written directly; like the services, it makes what was cached from the vendor's
    availability stale (the stock contract's ``stock_scope``)."""

    class Meta:
        model = StockLevel

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> StockLevel:
        level = super()._create(model_class, *args, **kwargs)
        shared_cache.bump(stock_scope(level.vendor_id), STATS_SCOPE)
        return level

    vendor = factory.SubFactory(VendorFactory)
    variant = factory.SubFactory(VariantFactory, product__vendor=factory.SelfAttribute("...vendor"))
    location = factory.SubFactory(StockLocationFactory, vendor=factory.SelfAttribute("..vendor"))
    on_hand = 10
    reserved = 0


class ReservationFactory(ScopeFreeFactory):
    class Meta:
        model = Reservation

    vendor = factory.SubFactory(VendorFactory)
    reference = factory.Sequence(lambda n: f"checkout-{n}")


class ReservationLineFactory(ScopeFreeFactory):
    class Meta:
        model = ReservationLine

    reservation = factory.SubFactory(ReservationFactory)
    vendor = factory.SelfAttribute("reservation.vendor")
    variant = factory.SubFactory(VariantFactory, product__vendor=factory.SelfAttribute("...vendor"))
    location = None
    quantity = 1


class StockMovementFactory(ScopeFreeFactory):
    class Meta:
        model = StockMovement

    vendor = factory.SubFactory(VendorFactory)
    kind = StockMovement.Kind.RECEIVE
    variant = factory.SubFactory(VariantFactory, product__vendor=factory.SelfAttribute("...vendor"))
    sku = factory.LazyAttribute(lambda m: m.variant.sku if m.variant else "SKU")
    location = factory.SubFactory(StockLocationFactory, vendor=factory.SelfAttribute("..vendor"))
    on_hand_delta = 5
    reserved_delta = 0
    on_hand_after = 5
    reserved_after = 0
    note = "Delivery"
    reference = factory.Sequence(lambda n: f"DN-{n:05d}")


class LowStockThresholdFactory(ScopeFreeFactory):
    class Meta:
        model = LowStockThreshold

    vendor = factory.SubFactory(VendorFactory)
    product = factory.SubFactory(ProductFactory, vendor=factory.SelfAttribute("..vendor"))
    threshold = 3
