"""factory-boy factories of orders' models (tests, the isolation walk).

Rows are written directly, outside any scope, not through the services: an ``OrderFactory``
order has consistent totals (the database checks them) but no stock reservation or history
behind it. Tests of placing and changing orders go through ``modules.orders.services``.
"""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from modules.catalog.factories import VariantFactory
from modules.orders.models import (
    Cart,
    CartLine,
    IdempotencyKey,
    Order,
    OrderCounter,
    OrderEvent,
    OrderLine,
    OrderSettings,
)
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory


class OrderSettingsFactory(ScopeFreeFactory):
    class Meta:
        model = OrderSettings

    vendor = factory.SubFactory(VendorFactory)
    shipping_flat_rate = Decimal("4.90")
    free_shipping_above = Decimal("50.00")
    tax_rate = Decimal("20.00")
    prices_include_tax = True


class OrderCounterFactory(ScopeFreeFactory):
    class Meta:
        model = OrderCounter

    vendor = factory.SubFactory(VendorFactory)
    last_number = 0


class CartFactory(ScopeFreeFactory):
    class Meta:
        model = Cart

    vendor = factory.SubFactory(VendorFactory)
    customer = None


class CartLineFactory(ScopeFreeFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    vendor = factory.SelfAttribute("cart.vendor")
    variant = factory.SubFactory(VariantFactory, product__vendor=factory.SelfAttribute("...vendor"))
    quantity = 1


class OrderFactory(ScopeFreeFactory):
    """A pending order of 19.90 (tax included at 20 %), standard delivery, free shipping."""

    class Meta:
        model = Order

    vendor = factory.SubFactory(VendorFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"ORD-{o.sequence:06d}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    ship_name = "Ada Buyer"
    ship_line1 = "1 Market Street"
    ship_city = "Paris"
    ship_postal_code = "75001"
    ship_country = "FR"
    shipping_method = "standard"
    currency = "EUR"
    prices_include_tax = True
    tax_rate = Decimal("20.00")
    subtotal = Decimal("19.90")
    shipping = Decimal("0.00")
    tax = Decimal("3.32")
    total = Decimal("19.90")
    stock_reference = factory.LazyAttribute(lambda o: f"order-{o.number}")
    placed_at = factory.LazyFunction(timezone.now)


class OrderLineFactory(ScopeFreeFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    vendor = factory.SelfAttribute("order.vendor")
    variant = factory.SubFactory(VariantFactory, product__vendor=factory.SelfAttribute("...vendor"))
    title = "A fine product"
    sku = factory.Sequence(lambda n: f"LINE-{n:05d}")
    unit_price = Decimal("19.90")
    quantity = 1
    tax = Decimal("3.32")
    total = Decimal("19.90")


class OrderEventFactory(ScopeFreeFactory):
    class Meta:
        model = OrderEvent

    order = factory.SubFactory(OrderFactory)
    vendor = factory.SelfAttribute("order.vendor")
    kind = OrderEvent.Kind.NOTE
    actor = "vendor"
    message = "Called the customer."


class IdempotencyKeyFactory(ScopeFreeFactory):
    class Meta:
        model = IdempotencyKey

    vendor = factory.SubFactory(VendorFactory)
    scope = "api"
    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = "0" * 64
    order = None
