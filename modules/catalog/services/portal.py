"""The vendor portal's product list: search, filters and sorting (shared by the page, the bulk
actions applied to "every product that matches" and the CSV export), and the export's rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from modules.catalog.models import Category, Product, Variant
from modules.catalog.services import categories
from modules.catalog.services.search import search_products
from modules.tenancy.models import Vendor

# ?o= values of the list's sortable columns (a leading "-" sorts descending).
SORTS = {
    "title": ("title", "pk"),
    "sku": ("sku", "pk"),
    "price": ("price", "pk"),
    "status": ("status", "title", "pk"),
    "category": ("category__name", "title", "pk"),
    "updated": ("updated_at", "pk"),
}
DEFAULT_SORT = "-updated"
UNCATEGORISED = "none"


@dataclass(frozen=True)
class ProductFilter:
    query: str = ""
    status: str = ""
    category: str = ""  # a category id (with its subcategories), UNCATEGORISED or ""
    featured: bool | None = None
    sort: str = DEFAULT_SORT


def products(vendor: Vendor, chosen: ProductFilter) -> QuerySet[Product]:
    """The vendor's products as the portal's list shows them (inside the vendor's scope)."""
    found = Product.objects.select_related("category")
    if chosen.status in Product.Status.values:
        found = found.filter(status=chosen.status)
    if chosen.category == UNCATEGORISED:
        found = found.filter(category=None)
    elif chosen.category.isdigit():
        tree = categories.category_tree(vendor)
        trail = categories.trail_to(tree, int(chosen.category))
        ids = categories.descendant_ids(trail[-1]) if trail else []
        found = found.filter(category_id__in=ids)
    if chosen.featured is not None:
        found = found.filter(is_featured=chosen.featured)
    if chosen.query:
        # Title, SKU or description (full-text search), or a variant's SKU exactly.
        matching = search_products(Product.objects.all(), chosen.query).values("pk")
        variant_sku = Variant.objects.filter(sku__iexact=chosen.query).values("product_id")
        found = found.filter(Q(pk__in=matching) | Q(pk__in=variant_sku))
    return found.order_by(*ordering(chosen.sort))


def ordering(sort: str) -> tuple[str, ...]:
    """The ORDER BY of ``?o=`` (unknown values: the default, most recently updated first)."""
    descending, key = sort.startswith("-"), sort.removeprefix("-")
    if key not in SORTS:
        descending, key = DEFAULT_SORT.startswith("-"), DEFAULT_SORT.removeprefix("-")
    return tuple(f"-{f}" if descending else f for f in SORTS[key])


def category_choices(vendor: Vendor) -> list[tuple[str, str]]:
    """The vendor's categories as indented choices, from the cached tree (no SQL when warm)."""
    return [
        (str(node.id), "\u2003" * (node.depth - 1) + node.name)
        for node in categories.flattened(categories.category_tree(vendor))
    ]


def own_category(category_id: Any) -> Category | None:
    """One of the vendor's categories by id (inside its scope), else None."""
    if not str(category_id or "").isdigit():
        return None
    return Category.objects.filter(pk=int(category_id)).first()


# --- CSV export ----------------------------------------------------------------------------------

EXPORT_HEADER = (
    "id",
    "sku",
    "title",
    "slug",
    "status",
    "price",
    "compare_at_price",
    "currency",
    "category",
    "featured",
    "variant_sku",
    "variant_options",
    "variant_price",
    "created_at",
    "updated_at",
    "published_at",
)


def cell(value: Any) -> Any:
    """No spreadsheet formulas from text the team typed (CSV injection), as customers' export."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def export_rows(found: QuerySet[Product]) -> Iterator[list[Any]]:
    """One row per variant (a product without options: one row), money as plain decimals."""
    found = found.prefetch_related("variants")
    for product in found.iterator(chunk_size=500):
        for variant in product.variants.all():
            yield [
                cell(product.pk),
                cell(product.sku),
                cell(product.title),
                cell(product.slug),
                cell(product.status),
                cell(product.price),
                cell(product.compare_at_price),
                cell(product.currency),
                cell(product.category.name if product.category else ""),
                product.is_featured,
                cell(variant.sku),
                cell("; ".join(f"{k}: {v}" for k, v in variant.values.items())),
                cell(variant.price),
                cell(product.created_at.isoformat()),
                cell(product.updated_at.isoformat()),
                cell(product.published_at and product.published_at.isoformat()),
            ]
