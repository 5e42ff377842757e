"""Sales: a vendor's (or a whole platform's) orders between two moments, as aggregated series.

Asked by analytics (the vendor's reports, the staff's GMV) and by anything else that charts
sales. Provided by the orders module (``sales_provider``); callers use
``provider_for(SALES, request.modules)`` and never import it.

Every question names the platform the orders were placed on, the vendor (``None``: every
vendor of the platform), a half-open range ``[start, end)`` of aware datetimes, and the time
zone ``tz`` (an IANA name) whose calendar decides what "a day", "a week" (starting Monday) and
"a month" are: an order placed at 23:30 in Luxembourg on 31 March counts for March there, even
though it is 21:30 UTC. Aggregations run in the database, one query per answer.

What counts as a sale: an order whose payment was confirmed (paid, fulfilled or completed),
at its ``placed_at``. Pending, cancelled and refunded orders are not sales; carts and
``cart_conversion`` count every order placed, paid or not (a placed order is a converted cart).

Fallback, when no enabled module keeps orders: **no sales data**. Every series is empty, the
mix and the conversion are zero, and ``available`` is False so pages can say so instead of
drawing flat lines.

Rules a provider keeps:
- Money is ``Decimal``, never float, per ISO 4217 ``currency``: a vendor selling in two
  currencies gets one point per (period, currency), never a sum across them.
- Periods without sales are left out (callers fill the gaps they want to draw).
- Whenever sales of a vendor may have changed, the provider bumps ``sales_scopes(platform_id,
  vendor_id)`` in the shared cache once the change commits, so callers may cache what they
  derive from sales under those scopes (``orion_core.shared_cache``).
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from orion_core.contracts import Contract


class Granularity(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def sales_scopes(platform_id: int | None, vendor_id: int | None) -> tuple[str, ...]:
    """The shared-cache scopes a provider bumps when sales of ``vendor_id`` on ``platform_id``
    change: the vendor's, and the platform's (either may be None: not named)."""
    scopes = []
    if vendor_id is not None:
        scopes.append(f"orders:vendor:{vendor_id}")
    if platform_id is not None:
        scopes.append(f"orders:platform:{platform_id}")
    return tuple(scopes)


@dataclass(frozen=True)
class SalesPoint:
    """The sales of one period (its first day, in the asked time zone) in one currency;
    ``vendors``: how many vendors sold in it."""

    period: datetime.date
    orders: int
    revenue: Decimal
    currency: str
    vendors: int = 1


@dataclass(frozen=True)
class ProductSales:
    """What one SKU sold in the range: units, and revenue in ``currency``."""

    sku: str
    title: str
    units: int
    revenue: Decimal
    currency: str


@dataclass(frozen=True)
class CustomerMix:
    """Buyers in the range (by e-mail address): ``new`` placed their first sale in it,
    ``returning`` had bought before it."""

    new: int
    returning: int

    @property
    def total(self) -> int:
        return self.new + self.returning


@dataclass(frozen=True)
class CartConversion:
    """Carts created in the range and orders placed in it."""

    carts: int
    orders: int

    @property
    def rate(self) -> Decimal | None:
        """Orders per cart, as a percentage with one decimal; None without carts."""
        if not self.carts:
            return None
        return (Decimal(self.orders) * 100 / self.carts).quantize(Decimal("0.1"))


@runtime_checkable
class SalesProvider(Protocol):
    available: bool

    def sales_series(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
        *,
        tz: str,
        granularity: Granularity = Granularity.DAY,
    ) -> list[SalesPoint]:
        """Sales per period, oldest first (periods without sales left out)."""

    def top_products(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
        *,
        limit: int = 10,
    ) -> list[ProductSales]:
        """The SKUs that brought the most revenue, best first."""

    def customer_mix(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
    ) -> CustomerMix:
        """New and returning buyers."""

    def cart_conversion(
        self,
        platform_id: int,
        vendor_id: int | None,
        start: datetime.datetime,
        end: datetime.datetime,
    ) -> CartConversion:
        """Carts created against orders placed."""


class NoSalesData:
    """The fallback: nothing keeps orders here, so there is nothing to report."""

    available = False

    def sales_series(self, platform_id, vendor_id, start, end, *, tz, granularity=None):  # noqa: ANN001, ANN201
        return []

    def top_products(self, platform_id, vendor_id, start, end, *, limit=10):  # noqa: ANN001, ANN201
        return []

    def customer_mix(self, platform_id, vendor_id, start, end) -> CustomerMix:  # noqa: ANN001
        return CustomerMix(new=0, returning=0)

    def cart_conversion(self, platform_id, vendor_id, start, end) -> CartConversion:  # noqa: ANN001
        return CartConversion(carts=0, orders=0)


SALES: Contract[SalesProvider] = Contract(
    name="sales",
    protocol=SalesProvider,
    fallback=NoSalesData(),
    description="Aggregated sales series of a vendor or a platform, for reports.",
)
