"""Helpers of the catalog's tests: snapshots of every catalog row, and a stock provider with
levels of our choosing (what inventory would answer)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django_scopes import scopes_disabled

from modules.catalog.models import Category, Product, Variant
from orion_core.contracts.stock import AlwaysAvailable, Availability


def snapshot() -> tuple[list, list, list]:
    """Every product, variant and category of every vendor, as values (nothing saved = equal)."""
    with scopes_disabled():
        return (
            list(Product.objects.values().order_by("pk")),
            list(Variant.objects.values().order_by("pk")),
            list(Category.objects.values().order_by("pk")),
        )


class FixedStock(AlwaysAvailable):
    """Tracked levels for some variants (by id), the others untracked; counts the questions."""

    def __init__(self, levels: Mapping[int, int]) -> None:
        self.levels = dict(levels)
        self.calls: list[list[int]] = []

    def availability(self, vendor_id: int, variant_ids: Iterable[int]) -> dict[int, Availability]:
        ids = list(variant_ids)
        self.calls.append(ids)
        return {
            pk: Availability(pk, tracked=pk in self.levels, available=self.levels.get(pk))
            for pk in ids
        }
