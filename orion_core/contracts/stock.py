"""Stock: how many of a variant can be sold, and holding units for a checkout.

Asked by the catalog (availability on product pages), orders (reserve at checkout, commit when
paid, release on cancellation or expiry) and marketplace (set levels from a feed). Provided by
the inventory module (``stock_provider``); variants are the catalog's, named by id, always with
the vendor that owns them.

Fallback, when no enabled module keeps stock: **always available**. Every variant is untracked
(available in any quantity), a reservation always succeeds and holds nothing, commit and release
do nothing, and levels cannot be set (``set_level`` returns False, ``set_levels`` 0).

Rules a provider keeps:
- ``reserve`` is all or nothing: it holds every line or raises ``OutOfStock`` naming each
  shortage, and holds nothing. The same ``reference`` twice returns the first reservation.
- ``commit`` and ``release`` are idempotent; an expired reservation can no longer be committed
  (``ReservationExpired``).
- All of them join the caller's transaction: if it rolls back, so do they.
- Whenever what can be sold of a vendor's variants may have changed, the provider bumps
  ``stock_scope(vendor_id)`` in the shared cache once the change commits. Callers may therefore
  cache what they derive from availability (a rendered product grid) under that scope
  (``orion_core.shared_cache``). The fallback never changes, so it never bumps.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from orion_core.contracts import Contract


def stock_scope(vendor_id: int) -> str:
    """The shared-cache scope that stock changes of ``vendor_id`` bump (see the rules above)."""
    return f"stock:{vendor_id}"


@dataclass(frozen=True)
class StockLine:
    """``quantity`` units of one variant."""

    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Availability:
    """What can be sold of a variant now. ``available`` is None when stock is not tracked."""

    variant_id: int
    tracked: bool
    available: int | None

    @property
    def in_stock(self) -> bool:
        return self.allows(1)

    def allows(self, quantity: int) -> bool:
        return not self.tracked or (self.available or 0) >= quantity


@dataclass(frozen=True)
class Shortage:
    variant_id: int
    requested: int
    available: int


class OutOfStock(Exception):  # noqa: N818 - the answer, as a sentence
    """A reservation could not hold every line; nothing was held."""

    def __init__(self, shortages: Sequence[Shortage]) -> None:
        self.shortages = tuple(shortages)
        super().__init__(
            ", ".join(
                f"variant {s.variant_id}: {s.requested} asked, {s.available} available"
                for s in self.shortages
            )
        )


class ReservationExpired(Exception):  # noqa: N818
    """The reservation ran out before it was committed; its units are no longer held."""


@dataclass(frozen=True)
class Reservation:
    reference: str
    lines: tuple[StockLine, ...]
    expires_at: datetime.datetime | None


@runtime_checkable
class StockProvider(Protocol):
    def availability(self, vendor_id: int, variant_ids: Iterable[int]) -> dict[int, Availability]:
        """Availability of each variant (every id asked gets an answer)."""

    def reserve(
        self,
        vendor_id: int,
        reference: str,
        lines: Sequence[StockLine],
        *,
        expires_at: datetime.datetime | None,
    ) -> Reservation:
        """Hold every line until ``expires_at`` (or until released), or raise ``OutOfStock``."""

    def commit(self, vendor_id: int, reference: str) -> None:
        """The held units leave stock for good (sold)."""

    def release(self, vendor_id: int, reference: str) -> None:
        """The held units are available again."""

    def set_level(self, vendor_id: int, variant_id: int, quantity: int, *, reason: str) -> bool:
        """Make the on-hand quantity ``quantity`` (a feed, a count); False if not kept."""

    def set_levels(self, vendor_id: int, quantities: Mapping[int, int], *, reason: str) -> int:
        """``set_level`` for many variants (variant id → quantity) in one go, as a whole
        catalogue's feed needs; how many levels changed (0 if not kept)."""


class AlwaysAvailable:
    """The fallback: no stock is kept, so everything is available in any quantity."""

    def availability(self, vendor_id: int, variant_ids: Iterable[int]) -> dict[int, Availability]:
        return {pk: Availability(pk, tracked=False, available=None) for pk in variant_ids}

    def reserve(
        self,
        vendor_id: int,
        reference: str,
        lines: Sequence[StockLine],
        *,
        expires_at: datetime.datetime | None,
    ) -> Reservation:
        return Reservation(reference, tuple(lines), None)

    def commit(self, vendor_id: int, reference: str) -> None:
        return None

    def release(self, vendor_id: int, reference: str) -> None:
        return None

    def set_level(self, vendor_id: int, variant_id: int, quantity: int, *, reason: str) -> bool:
        return False

    def set_levels(self, vendor_id: int, quantities: Mapping[int, int], *, reason: str) -> int:
        return 0


STOCK: Contract[StockProvider] = Contract(
    name="stock",
    protocol=StockProvider,
    fallback=AlwaysAvailable(),
    description="Availability of variants and reservations for checkouts.",
)
