"""A vendor's category tree: adding, renaming, moving and deleting nodes, and the cached tree
the storefront shows.

Every tree operation runs inside ``vendor_scope(vendor)``: treebeard reads siblings and
descendants through ``Category.objects``, which the scope keeps to the vendor's own tree (paths
are unique per vendor only). Called with scopes disabled, a move would rewrite another vendor's
paths; these functions never let that happen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from modules.catalog.models import Category
from modules.catalog.services.errors import CatalogError
from modules.tenancy.models import Vendor
from modules.tenancy.scoping import vendor_scope
from orion_core import shared_cache

NAME_MAX = Category._meta.get_field("name").max_length


# The staff dashboard's catalog figures of every platform (they count across vendors).
STATS_SCOPE = "catalog-stats"


def catalog_scope(vendor_id: int) -> str:
    """The shared-cache scope of what is cached about one vendor's catalog."""
    return f"catalog:{vendor_id}"


def changed_on_commit(vendor_id: int) -> None:
    """What every change of a vendor's catalog says, once it commits: what is cached of that
    catalog (tree, links, grids, its product count, its recent products) is stale, and so are
    the platforms' figures across vendors (``STATS_SCOPE``)."""
    shared_cache.bump_on_commit(catalog_scope(vendor_id), STATS_SCOPE)


def add_category(
    vendor: Vendor,
    name: str,
    *,
    parent: Category | None = None,
    slug: str = "",
    description: str = "",
) -> Category:
    """A new category under ``parent`` (a root without); its slug from the name if not given."""
    name, slug = _checked(vendor, name, slug)
    with transaction.atomic(), vendor_scope(vendor):
        if parent is not None and parent.vendor_id != vendor.pk:
            raise CatalogError.on("parent", _("Choose one of your own categories."))
        values = {"vendor": vendor, "name": name, "slug": slug, "description": description}
        if parent is None:
            category = Category.objects.add_root(create_kwargs=values)
        else:
            category = Category.objects.add_child(parent, create_kwargs=values)
    _changed(vendor)
    return category


def update_category(
    category: Category, *, name: str, slug: str = "", description: str = ""
) -> Category:
    name, slug = _checked(category.vendor, name, slug, exclude=category.pk)
    with vendor_scope(category.vendor):
        category.name, category.slug, category.description = name, slug, description
        category.save(update_fields=["name", "slug", "description"])
    _changed(category.vendor)
    return category


def move_category(category: Category, parent: Category | None) -> Category:
    """Move ``category`` (with its subtree) under ``parent``, or to the top level with None."""
    vendor = category.vendor
    with transaction.atomic(), vendor_scope(vendor):
        if parent is not None:
            if parent.vendor_id != vendor.pk:
                raise CatalogError.on("parent", _("Choose one of your own categories."))
            if parent.pk == category.pk or parent.is_descendant_of(category):
                raise CatalogError.on(
                    "parent", _("A category cannot move into itself or its subcategories.")
                )
            Category.objects.move(category, parent, "sorted-child")
        else:
            Category.objects.move(
                category, Category.objects.get_first_root_node(), "sorted-sibling"
            )
        category.refresh_from_db()
    _changed(vendor)
    return category


def delete_category(category: Category) -> int:
    """Delete the category and its subcategories; their products stay, uncategorised.
    Returns how many categories went."""
    vendor = category.vendor
    with transaction.atomic(), vendor_scope(vendor):
        count = Category.objects.get_descendant_count(category) + 1
        category.delete()
    _changed(vendor)
    return count


def _checked(vendor: Vendor, name: str, slug: str, exclude: int | None = None) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise CatalogError.on("name", _("Enter a name."))
    if len(name) > NAME_MAX:
        raise CatalogError.on("name", _("Use at most %(max)d characters.") % {"max": NAME_MAX})
    slug = slugify(slug or name)[:100]
    if not slug:
        raise CatalogError.on("slug", _("Enter a slug of letters, digits or hyphens."))
    with vendor_scope(vendor):
        taken = Category.objects.filter(slug=slug).exclude(pk=exclude).exists()
    if taken:
        raise CatalogError.on("slug", _("Another category already uses this slug."))
    return name, slug


def _changed(vendor: Vendor) -> None:
    changed_on_commit(vendor.pk)


# --- the tree as the storefront shows it -------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A category as the storefront shows it: plain values, cheap to cache."""

    id: int
    name: str
    slug: str
    depth: int
    parent_id: int | None
    children: tuple[Node, ...] = ()


def category_tree(vendor: Vendor) -> tuple[Node, ...]:
    """The vendor's whole tree (top-level nodes with their children), from the shared cache:
    no SQL when warm; any category change of the vendor makes it stale."""
    return shared_cache.get_or_load(
        f"orion:catalog:tree:{vendor.pk}",
        lambda: _load_tree(vendor),
        scope=catalog_scope(vendor.pk),
    )


def _load_tree(vendor: Vendor) -> tuple[Node, ...]:
    with vendor_scope(vendor):
        rows = list(Category.objects.order_by("path").values("id", "name", "slug", "depth", "path"))
    by_path = {row["path"]: row for row in rows}
    steplen = Category.steplen
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        parent = by_path.get(row["path"][:-steplen]) if row["depth"] > 1 else None
        row["parent_id"] = parent["id"] if parent else None
        children.setdefault(row["parent_id"], []).append(row)

    def build(row: dict) -> Node:
        return Node(
            id=row["id"],
            name=row["name"],
            slug=row["slug"],
            depth=row["depth"],
            parent_id=row["parent_id"],
            children=tuple(build(child) for child in children.get(row["id"], [])),
        )

    return tuple(build(row) for row in children.get(None, []))


def find(tree: tuple[Node, ...], slug: str) -> tuple[Node, ...]:
    """The path from the root to the node with ``slug`` (for breadcrumbs), empty if absent."""
    for node in tree:
        if node.slug == slug:
            return (node,)
        trail = find(node.children, slug)
        if trail:
            return (node, *trail)
    return ()


def descendant_ids(node: Node) -> list[int]:
    """The node's id and all its descendants' (a category page lists their products too)."""
    return [node.id, *(pk for child in node.children for pk in descendant_ids(child))]


def trail_to(tree: tuple[Node, ...], category_id: int) -> tuple[Node, ...]:
    """The path from the root to the node with ``category_id`` (a product's breadcrumbs)."""
    for node in tree:
        if node.id == category_id:
            return (node,)
        trail = trail_to(node.children, category_id)
        if trail:
            return (node, *trail)
    return ()


def flattened(tree: tuple[Node, ...]) -> list[Node]:
    """Every node, depth first in tree order (choices of a form, rows of the portal's table)."""
    return [n for node in tree for n in (node, *flattened(node.children))]
