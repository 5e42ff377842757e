"""What the storefront shows: listings (all products, a category with its subcategories, search
results) with sorting, price filters and pagination, the product page with its variants, and
the featured products of the shop's home.

Only active products are ever shown. Availability comes from the stock contract
(``orion_core.contracts.stock``), asked once per page with every variant id the page shows;
with no module keeping stock its fallback answers "available". What repeats on every visit
(the category tree, the module's settings) comes from the shared cache, and so do the grids
of product cards, rendered (``cached_grid``): a page of a listing or the featured products is
loaded, asked about stock and rendered once per language, then served from the cache until
the vendor's catalogue or stock changes (both scopes guard it). A warm listing runs no SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from modules.catalog.models import Product, ProductImage, Variant
from modules.catalog.services import categories
from modules.catalog.services.search import search_products
from modules.catalog.text import render_description
from modules.tenancy.models import Vendor
from modules.tenancy.scoping import vendor_scope
from orion_core import shared_cache, state
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, Availability, StockProvider, stock_scope

MODULE = "catalog"
FEATURED_LIMIT = 8
MAX_PRICE = Decimal("9999999999.99")

# ?sort= values, their labels and the orderings behind them. "relevance" only with a query.
NEWEST = (F("published_at").desc(nulls_last=True), "-pk")
SORTS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "relevance": (_("Relevance"), ()),
    "newest": (_("Newest"), NEWEST),
    "price": (_("Price, low to high"), ("price", "pk")),
    "-price": (_("Price, high to low"), ("-price", "pk")),
    "title": (_("Name, A to Z"), ("title", "pk")),
}
DEFAULT_SORT = "newest"


def stock_for(modules: Iterable[str]) -> StockProvider:
    """Whoever answers the stock contract among the platform's enabled ``modules`` (inventory
    when it is on; the contract's fallback, "always available", when it is not)."""
    return provider_for(STOCK, modules)


# --- settings -------------------------------------------------------------------------------------


def products_per_page(platform: Any) -> int:
    """The platform's ``products_per_page`` (module config, from the shared cache)."""
    return int(_config(platform)["products_per_page"])


def allows_variants(platform: Any) -> bool:
    return bool(_config(platform)["allow_variants"])


def _config(platform: Any) -> dict[str, Any]:
    if platform is None:
        return {"products_per_page": 24, "allow_variants": True}
    return state.module_config(platform, MODULE)


# --- cards: a product as a listing shows it -----------------------------------------------------


@dataclass(frozen=True)
class Image:
    """An image as a page shows it (plain values: cheap to cache)."""

    src: str
    srcset: str
    large: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class Card:
    """A product in a grid: its first image, its lowest price (``varies`` when its variants
    cost differently), the compare-at price and whether any variant can be bought."""

    id: int
    title: str
    slug: str
    price: Decimal
    compare_at_price: Decimal | None
    currency: str
    varies: bool
    image: Image | None
    variant_ids: tuple[int, ...]
    in_stock: bool = True

    @property
    def is_on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


def image_of(media: Any) -> Image:
    return Image(
        src=media.preview_url,
        srcset=media.srcset,
        large=media.large_url,
        alt=media.alt_text,
        width=media.width,
        height=media.height,
    )


def card_of(product: Product) -> Card:
    """A card from a product whose variants and images were prefetched (no SQL here)."""
    variants = list(product.variants.all())
    prices = {v.price if v.price is not None else product.price for v in variants} or {
        product.price
    }
    images = product_images(product)
    return Card(
        id=product.pk,
        title=product.title,
        slug=product.slug,
        price=min(prices),
        compare_at_price=product.compare_at_price,
        currency=product.currency,
        varies=len(prices) > 1,
        image=images[0] if images else None,
        variant_ids=tuple(v.pk for v in variants),
    )


def with_stock(cards: Sequence[Card], vendor: Vendor, stock: StockProvider) -> list[Card]:
    """The cards with ``in_stock`` from ONE question to the stock contract."""
    ids = [pk for card in cards for pk in card.variant_ids]
    known = stock.availability(vendor.pk, ids) if ids else {}
    return [
        _replace(card, in_stock=any(_in_stock(known, pk) for pk in card.variant_ids))
        for card in cards
    ]


def _in_stock(known: Mapping[int, Availability], variant_id: int) -> bool:
    found = known.get(variant_id)
    return True if found is None else found.in_stock


def _replace(card: Card, **changes: Any) -> Card:
    from dataclasses import replace

    return replace(card, **changes)


def card_queryset(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.prefetch_related(
        Prefetch("variants", queryset=Variant.objects.only("id", "product_id", "price")),
        Prefetch("images", queryset=ProductImage.objects.select_related("media")),
    )


def product_images(product: Product) -> list[Image]:
    """The product's images in order (prefetched by the listings; one query otherwise)."""
    return [image_of(image.media) for image in product.images.all()]


# --- listings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a shopper narrowed a listing to (from the query string, already validated)."""

    query: str = ""
    sort: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.query):
            return self.sort
        return "relevance" if self.query else DEFAULT_SORT


def parse_filters(params: Mapping[str, str]) -> tuple[Filters, dict[str, str]]:
    """Filters from a query string, and an error per parameter that made no sense (those
    are ignored: a shopper's typo never fails a page)."""
    errors: dict[str, str] = {}

    def money(name: str) -> Decimal | None:
        raw = (params.get(name) or "").strip().replace(",", ".")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value > MAX_PRICE:
            errors[name] = str(_("Enter an amount of zero or more."))
            return None
        return value.quantize(Decimal("0.01"))

    sort = (params.get("sort") or "").strip()
    return (
        Filters(
            query=(params.get("q") or "").strip()[:200],
            sort=sort if sort in SORTS else "",
            min_price=money("min_price"),
            max_price=money("max_price"),
        ),
        errors,
    )


def active_products() -> QuerySet[Product]:
    """The products a shopper may see (inside the vendor's scope)."""
    return Product.objects.filter(status=Product.Status.ACTIVE)


def filtered(
    products: QuerySet[Product], filters: Filters, category_ids: Iterable[int] | None = None
) -> QuerySet[Product]:
    if category_ids is not None:
        products = products.filter(category_id__in=list(category_ids))
    if filters.min_price is not None:
        products = products.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price__lte=filters.max_price)
    if filters.query:
        products = search_products(products, filters.query)
    ordering = SORTS[filters.effective_sort][1]
    if ordering:
        products = products.order_by(*ordering)
    elif not filters.query:
        products = products.order_by(*SORTS[DEFAULT_SORT][1])
    return products


@dataclass
class Listing:
    page: Page
    cards: list[Card] = field(default_factory=list)


def listing(
    vendor: Vendor,
    filters: Filters,
    *,
    stock: StockProvider,
    page: Any = 1,
    per_page: int = 24,
    category_ids: Iterable[int] | None = None,
) -> Listing:
    """One page of the vendor's active products (a category's, with ``category_ids``), as
    cards with their availability: a count, the page, its variants and images, one stock
    question."""
    products = filtered(active_products(), filters, category_ids)
    paginator = Paginator(card_queryset(products), per_page)
    current = paginator.get_page(page)
    cards = with_stock([card_of(p) for p in current.object_list], vendor, stock)
    return Listing(page=current, cards=cards)


# --- the shop's home -----------------------------------------------------------------------------


def featured_cards(vendor: Vendor, stock: StockProvider) -> list[Card]:
    """The featured active products (newest first; the newest when none is featured), with
    availability (one stock question)."""
    with vendor_scope(vendor):
        products = active_products().filter(is_featured=True).order_by(*NEWEST)
        featured = list(card_queryset(products)[:FEATURED_LIMIT])
        if not featured:  # a shop that featured nothing shows its newest products
            newest = active_products().order_by(*NEWEST)
            featured = list(card_queryset(newest)[:FEATURED_LIMIT])
    return with_stock([card_of(product) for product in featured], vendor, stock)


# --- rendered grids ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Cards as a page shows them: the cards, their rendered HTML and, for a listing, where the
    page is among all pages (``count`` products, page ``number`` of ``per_page``)."""

    cards: tuple[Card, ...]
    html: str
    count: int = 0
    number: int = 1
    per_page: int = 1

    @property
    def markup(self) -> SafeString:
        """The rendered cards for a template (``{{ grid.markup }}``): our own template's output,
        escaped when it was rendered."""
        return mark_safe(self.html)  # noqa: S308 - rendered by render_to_string above

    @property
    def page(self) -> Page:
        """A page for the pager, over the count alone (nothing is loaded)."""
        return Paginator(range(self.count), self.per_page).get_page(self.number)


def cached_grid(
    vendor: Vendor,
    parts: tuple[Any, ...],
    build: Callable[[], Listing | list[Card]],
    render: Callable[[Sequence[Card]], str],
) -> Grid:
    """The grid ``build`` makes (a listing's page, or cards) and ``render`` turns into HTML,
    from the shared cache. ``parts`` name everything the grid depends on besides the vendor's
    catalogue, its stock and the active language (which the key and the scopes cover): the
    platform (its stock provider), the page's kind, filters and page number. Stale at once in
    every process when the catalogue (``catalog_scope``) or the stock (``stock_scope``, the
    stock contract's rule) of the vendor changes."""
    raw = repr((vendor.pk, get_language(), *parts)).encode()
    key = f"orion:catalog:grid:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"

    def load() -> Grid:
        found = build()
        if isinstance(found, Listing):
            paginator = found.page.paginator
            return Grid(
                cards=tuple(found.cards),
                html=str(render(found.cards)),
                count=paginator.count,
                number=found.page.number,
                per_page=paginator.per_page,
            )
        return Grid(cards=tuple(found), html=str(render(found)))

    return shared_cache.get_or_load(
        key, load, scope=(categories.catalog_scope(vendor.pk), stock_scope(vendor.pk))
    )


# --- the product page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionChoice:
    value: str
    selected: bool
    available: bool  # some variant with this value (and the other selected values) is sold


@dataclass(frozen=True)
class OptionGroup:
    index: int
    name: str
    choices: tuple[OptionChoice, ...]

    @property
    def param(self) -> str:
        return f"o{self.index}"


@dataclass
class VariantRow:
    variant: Variant
    price: Decimal
    availability: Availability
    label: str


@dataclass
class ProductPage:
    product: Product
    images: list[Image]
    rows: list[VariantRow]
    selected: VariantRow
    groups: list[OptionGroup]
    trail: tuple[categories.Node, ...]
    unmatched: bool  # the shopper asked for a combination that is not sold
    description_html: SafeString = field(default_factory=SafeString)

    @property
    def price(self) -> Decimal:
        return self.selected.price

    @property
    def compare_at_price(self) -> Decimal | None:
        compare = self.product.compare_at_price
        return compare if compare is not None and compare > self.price else None


@dataclass(frozen=True)
class _Loaded:
    """What the product page reads from the database, cached as one entry."""

    product: Product
    variants: tuple[Variant, ...]
    images: tuple[Image, ...]
    known: Mapping[int, Availability]
    description_html: str


def _load_product(vendor: Vendor, slug: str, stock: StockProvider) -> _Loaded | None:
    product = active_products().filter(slug=slug).first()
    if product is None:
        return None
    variants = tuple(product.variants.all())
    return _Loaded(
        product=product,
        variants=variants,
        images=tuple(image_of(image.media) for image in product.images.select_related("media")),
        known=stock.availability(vendor.pk, [v.pk for v in variants]),
        description_html=str(render_description(product.description)),
    )


def product_page(
    vendor: Vendor,
    slug: str,
    params: Mapping[str, str],
    *,
    stock: StockProvider,
    platform_id: int | None = None,
) -> ProductPage | None:
    """The active product ``slug`` with its variants, images and availability; the variant
    the shopper chose with ``?o0=…&o1=…`` (one value per option) or ``?variant=<id>``, else
    the first one in stock. None when there is no such active product.

    With ``platform_id`` (whose modules chose ``stock``) what is read from the database comes
    from the shared cache, stale when the vendor's catalogue or stock changes, like the grids."""
    if platform_id is None:
        loaded = _load_product(vendor, slug, stock)
    else:
        loaded = shared_cache.get_or_load(
            f"orion:catalog:product:{vendor.pk}:{platform_id}:{slug}",
            lambda: _load_product(vendor, slug, stock),
            scope=(categories.catalog_scope(vendor.pk), stock_scope(vendor.pk)),
        )
    if loaded is None:
        return None
    product = loaded.product
    rows = [
        VariantRow(
            variant=v,
            price=v.price if v.price is not None else product.price,
            availability=loaded.known.get(v.pk)
            or Availability(v.pk, tracked=False, available=None),
            label=" / ".join(str(value) for value in v.values.values()),
        )
        for v in loaded.variants
    ]
    options = [o for o in product.options if isinstance(o, dict)]
    wanted = _wanted(options, params)
    selected, unmatched = _select(rows, wanted, params.get("variant", ""))
    tree = categories.category_tree(vendor)
    trail = categories.trail_to(tree, product.category_id) if product.category_id else ()
    return ProductPage(
        product=product,
        images=list(loaded.images),
        rows=rows,
        selected=selected,
        groups=_groups(options, rows, selected, wanted),
        trail=trail,
        unmatched=unmatched,
        description_html=mark_safe(loaded.description_html),  # noqa: S308 - sanitised
    )


def _wanted(options: list[dict], params: Mapping[str, str]) -> dict[str, str]:
    wanted = {}
    for index, option in enumerate(options):
        value = params.get(f"o{index}")
        if value is not None and value in option.get("values", []):
            wanted[option["name"]] = value
    return wanted


def _select(
    rows: list[VariantRow], wanted: dict[str, str], variant: str
) -> tuple[VariantRow, bool]:
    if variant.isdigit():
        for row in rows:
            if row.variant.pk == int(variant):
                return row, False
    if wanted:
        matching = [r for r in rows if all(r.variant.values.get(k) == v for k, v in wanted.items())]
        if matching:
            in_stock = [r for r in matching if r.availability.in_stock]
            return (in_stock or matching)[0], False
    in_stock = [r for r in rows if r.availability.in_stock]
    return (in_stock or rows)[0], bool(wanted)


def _groups(
    options: list[dict], rows: list[VariantRow], selected: VariantRow, wanted: dict[str, str]
) -> list[OptionGroup]:
    groups = []
    chosen = dict(selected.variant.values)
    for index, option in enumerate(options):
        name = option["name"]
        others = {k: v for k, v in chosen.items() if k != name}
        choices = []
        for value in option.get("values", []):
            sold = [
                r
                for r in rows
                if r.variant.values.get(name) == value
                and all(r.variant.values.get(k) == v for k, v in others.items())
            ]
            choices.append(
                OptionChoice(
                    value=value,
                    selected=chosen.get(name) == value,
                    available=any(r.availability.in_stock for r in sold),
                )
            )
        groups.append(OptionGroup(index=index, name=name, choices=tuple(choices)))
    return groups
