"""What the catalog adds to dashboards and pages (found by convention: ``<kind>_provider``).

- ``metrics_provider``: products and active products of the platform's vendors (staff dashboard).
- ``widgets_provider``: the most recently changed products — of the vendor on its portal
  dashboard, of the whole platform on the staff dashboard. Metrics and widgets come from the
  shared cache (no SQL when warm): a vendor's under its ``catalog_scope``, a platform's under
  ``categories.STATS_SCOPE`` (any vendor's catalog change) and tenancy's ``vendors`` scope
  (which vendors sell on the platform, their names and codes).
- ``context_provider``: on storefront pages, ``module_context.catalog`` for the shop's layout
  and home: ``search_url``, ``products_url``, ``categories`` (the tree as
  ``[{name, url, slug, children}]``), ``home_template`` and ``featured`` (the home's grid of
  product cards, a ``storefront.Grid``, loaded only if a template reads it). Cheap: the tree,
  its links and the rendered grid come from the shared cache (no SQL when warm) and nothing is
  asked on other frontends.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from modules.catalog.models import Product
from modules.catalog.services import categories, storefront
from modules.catalog.views.storefront import grid_renderer
from modules.tenancy.cache import VENDORS_SCOPE
from modules.tenancy.context import current as current_tenant
from orion_core import shared_cache
from orion_core.modules.definition import FrontendType
from orion_core.providers import Metric, Widget

RECENT = 5
PLATFORM_SCOPES = (categories.STATS_SCOPE, VENDORS_SCOPE)


def _platform_products(platform: Any) -> Any:
    return Product.objects.with_scopes_disabled().filter(vendor__platforms__platform=platform)


class CatalogMetrics:
    def get_metrics(self, platform: Any) -> list[Metric]:
        counts = shared_cache.get_or_load(
            f"orion:catalog:figures:platform:{platform.pk}",
            lambda: _platform_counts(platform),
            scope=PLATFORM_SCOPES,
        )
        return [
            Metric("catalog.products", _("Products"), counts["total"] or 0, module="catalog"),
            Metric(
                "catalog.active_products",
                _("Active products"),
                counts["active"] or 0,
                module="catalog",
            ),
        ]


class CatalogWidgets:
    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        vendor_id = current_tenant().vendor_id
        if vendor_id is not None:  # the vendor's portal dashboard: stale on its next change
            rows = shared_cache.get_or_load(
                f"orion:catalog:recent:{vendor_id}:{get_language()}",  # statuses are translated
                lambda: _recent_rows(
                    Product.objects.with_scopes_disabled().filter(vendor_id=vendor_id)
                ),
                scope=categories.catalog_scope(vendor_id),
            )
        else:  # the staff dashboard: the platform's vendors
            rows = shared_cache.get_or_load(
                f"orion:catalog:recent:platform:{platform.pk}:{get_language()}",
                lambda: _recent_rows(_platform_products(platform).distinct()),
                scope=PLATFORM_SCOPES,
            )
        return [
            Widget(
                key="catalog.recent_products",
                title=str(_("Recently changed products")),
                template="catalog/widgets/recent_products.html",
                context={"rows": rows, "show_vendor": vendor_id is None},
                order=50,
                module="catalog",
            )
        ]


def _platform_counts(platform: Any) -> dict[str, int]:
    with scopes_disabled():
        return _platform_products(platform).aggregate(
            total=Count("pk", distinct=True),
            active=Count("pk", filter=Q(status=Product.Status.ACTIVE), distinct=True),
        )


def _recent_rows(found: Any) -> list[dict[str, Any]]:
    with scopes_disabled():
        recent = list(found.select_related("vendor").order_by("-updated_at", "-pk")[:RECENT])
    return [
        {
            "title": p.title,
            "sku": p.sku,
            "status": capfirst(p.get_status_display()),
            "status_code": p.status,
            "updated_at": p.updated_at,
            "vendor": p.vendor.name,
            "url": reverse(
                "catalog:vendor-product-edit",
                kwargs={"vendor_code": p.vendor.code, "pk": p.pk},
            ),
        }
        for p in recent
    ]


class CatalogContext:
    """The storefront's catalog chrome: search and listing links, the category navigation
    (from the shared cache, links included) and, lazily, the home page's featured grid."""

    def get_context(self, request: Any) -> dict[str, Any]:
        vendor = getattr(request, "vendor", None)
        if getattr(request, "frontend", None) != FrontendType.STOREFRONT or vendor is None:
            return {}
        code = vendor.code
        stock = storefront.stock_for(getattr(request, "modules", ()))
        platform_id = getattr(getattr(request, "platform", None), "pk", None)
        return {
            **shop_links(vendor),
            "home_template": "catalog/storefront/home_featured.html",
            "featured": SimpleLazyObject(
                lambda: storefront.cached_grid(
                    vendor,
                    (platform_id, "featured"),
                    lambda: storefront.featured_cards(vendor, stock),
                    grid_renderer(code),
                )
            ),
        }


def shop_links(vendor: Any) -> dict[str, Any]:
    """The shop's search and product list URLs and its category tree with each category's
    link, from the shared cache (reversing a URL per category on every page costs more than
    the rest of the navigation)."""

    def entry(node: categories.Node) -> dict[str, Any]:
        return {
            "name": node.name,
            "slug": node.slug,
            "url": reverse(
                "catalog:category", kwargs={"vendor_code": vendor.code, "slug": node.slug}
            ),
            "children": [entry(child) for child in node.children],
        }

    def load() -> dict[str, Any]:
        code = vendor.code
        return {
            "search_url": reverse("catalog:search", kwargs={"vendor_code": code}),
            "products_url": reverse("catalog:products", kwargs={"vendor_code": code}),
            "categories": [entry(node) for node in categories.category_tree(vendor)],
        }

    return shared_cache.get_or_load(
        f"orion:catalog:links:{vendor.pk}", load, scope=categories.catalog_scope(vendor.pk)
    )


metrics_provider = CatalogMetrics()
widgets_provider = CatalogWidgets()
context_provider = CatalogContext()
