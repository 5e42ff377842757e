"""Storefront pages of the catalog: every product, a category (with its subcategories' products),
search results and the product page. The shop's home shows the featured products through the
catalog's ``context_provider`` (see ``modules.catalog.providers``).

Only active products exist here: a draft or archived product's page is a 404. Listings take
``?sort=``, ``?min_price=``/``?max_price=`` and ``?page=`` (and ``?q=`` for search); a value
that makes no sense is ignored, never an error page. Availability is asked once per page
through the stock contract, and a listing's grid is rendered once and then served from the
shared cache (``storefront.cached_grid``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from modules.catalog.services import categories, storefront
from modules.cms.services.rendering import plain_text
from modules.customers.views.storefront import ShopMixin

GRID_TEMPLATE = "catalog/storefront/_grid.html"


def grid_renderer(vendor_code: str) -> Callable[[Sequence[storefront.Card]], str]:
    """What renders a grid of cards of this vendor's shop (the product links need its code)."""
    return lambda cards: render_to_string(
        GRID_TEMPLATE, {"cards": cards, "vendor_code": vendor_code}
    )


def shop_url(request: Any, name: str, **kwargs: Any) -> str:
    return reverse(f"catalog:{name}", kwargs={"vendor_code": request.vendor.code, **kwargs})


def crumbs(request: Any, trail: tuple[categories.Node, ...], *last: str) -> list[dict[str, str]]:
    """Breadcrumbs for the shop's layout (it adds the home first): the category trail, then
    the current page's name if it is not the last category."""
    found = [
        {"name": node.name, "url": shop_url(request, "category", slug=node.slug)} for node in trail
    ]
    return found + [{"name": name, "url": ""} for name in last]


class CatalogShopMixin(ShopMixin):
    """The shop's chrome (customers' ShopMixin: vendor, theme, customer) and the stock
    contract's provider on this platform."""

    def stock(self) -> Any:
        return storefront.stock_for(self.request.modules)  # type: ignore[attr-defined]


class ListingView(CatalogShopMixin, TemplateView):
    template_name = "catalog/storefront/listing.html"
    search = False

    def category_ids(self) -> list[int] | None:
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        filters, errors = storefront.parse_filters(request.GET)
        # A search without words shows no products (and asks for some), not the whole shop.
        category_ids = [] if self.search and not filters.query else self.category_ids()
        page = str(request.GET.get("page", 1))[:12]
        per_page = storefront.products_per_page(request.platform)
        grid = storefront.cached_grid(
            request.vendor,
            (
                request.platform.pk,
                type(self).__name__,
                self.kwargs.get("slug"),
                filters,
                page,
                per_page,
            ),
            lambda: storefront.listing(
                request.vendor,
                filters,
                stock=self.stock(),
                page=page,
                per_page=per_page,
                category_ids=category_ids,
            ),
            grid_renderer(request.vendor.code),
        )
        query = request.GET.copy()
        query.pop("page", None)
        sorts = [
            (key, label)
            for key, (label, _order) in storefront.SORTS.items()
            if key != "relevance" or filters.query
        ]
        return super().get_context_data(
            grid=grid,
            cards=grid.cards,
            page_obj=grid.page,
            filters=filters,
            filter_errors=errors,
            sorts=sorts,
            current_sort=filters.effective_sort,
            page_query=query.urlencode(),
            searching=self.search,
            **kwargs,
        )


class ProductListView(ListingView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        heading = _("All products")
        return super().get_context_data(
            heading=heading, breadcrumbs=crumbs(self.request, (), heading), **kwargs
        )


class CategoryView(ListingView):
    """A category's products and those of its subcategories (the tree comes from the cache)."""

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.trail: tuple[categories.Node, ...] = ()

    def category_ids(self) -> list[int]:
        tree = categories.category_tree(self.request.vendor)
        self.trail = categories.find(tree, self.kwargs["slug"])
        if not self.trail:
            raise Http404(_("No such category."))
        return categories.descendant_ids(self.trail[-1])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        node = self.trail[-1]
        context.update(
            heading=node.name,
            category=node,
            trail=self.trail,
            breadcrumbs=crumbs(self.request, self.trail),
        )
        return context


class SearchView(ListingView):
    search = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = (self.request.GET.get("q") or "").strip()
        heading = _("Results for “%(query)s”") % {"query": query[:200]} if query else _("Search")
        return super().get_context_data(
            heading=heading, breadcrumbs=crumbs(self.request, (), _("Search")), **kwargs
        )


class ProductDetailView(CatalogShopMixin, TemplateView):
    """The product with its images, description, variants and their availability. The variant
    picker is a GET form (``?o0=M&o1=Red``): it works without JavaScript."""

    template_name = "catalog/storefront/product_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        page = storefront.product_page(
            request.vendor,
            self.kwargs["slug"],
            request.GET,
            stock=self.stock(),
            platform_id=request.platform.pk,
        )
        if page is None:
            raise Http404(_("No such product."))
        return super().get_context_data(
            page=page,
            product=page.product,
            trail=page.trail,
            breadcrumbs=crumbs(request, page.trail, page.product.title),
            description_html=page.description_html,
            meta_description=plain_text(page.description_html),
            **kwargs,
        )
