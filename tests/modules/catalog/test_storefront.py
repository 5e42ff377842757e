"""The storefront's catalog: the home's featured products, category pages (with subcategories),
search, pagination, sorting and price filters, the product page with its variants and their
availability; only active products, on /shop/<code>/ and on the vendor's verified domain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from modules.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from modules.catalog.models import Variant
from modules.catalog.services import storefront
from modules.tenancy.factories import VendorDomainFactory
from orion_core.services import ModuleService
from orion_core.testing import override_module
from tests.modules.catalog.conftest import SHOP, SHOP_API, api_client
from tests.modules.catalog.helpers import FixedStock

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [card.title for card in response.context["cards"]]


@pytest.fixture
def tree(shop):
    home = CategoryFactory(vendor=shop, name="Home", slug="home")
    kitchen = CategoryFactory(vendor=shop, name="Kitchen", slug="kitchen", parent=home)
    garden = CategoryFactory(vendor=shop, name="Garden", slug="garden")
    return {"home": home, "kitchen": kitchen, "garden": garden}


@pytest.fixture
def stock(monkeypatch):
    """What the stock contract answers: set ``stock.levels[variant_id] = n`` to track one."""
    fixed = FixedStock({})
    monkeypatch.setattr(storefront, "stock_for", lambda modules: fixed)
    return fixed


def test_home_shows_the_featured_products(visitor, shop, other_shop):
    ProductFactory(
        vendor=shop, title="Featured mug", is_featured=True, compare_at_price=Decimal("25")
    )
    ProductFactory(vendor=shop, title="Plain mug")
    ProductFactory(vendor=shop, title="Draft mug", is_featured=True, status="draft")
    ProductFactory(vendor=other_shop, title="Their mug", is_featured=True)
    response = visitor.get(SHOP)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Featured mug" in body and "Plain mug" not in body and "Draft mug" not in body
    assert "Their mug" not in body
    assert "<del" in body and "€25.00" in body  # the compare-at price, struck through
    assert "Welcome to Shop A" in body


def test_home_shows_the_newest_when_nothing_is_featured(visitor, shop):
    ProductFactory(vendor=shop, title="Newest", published_at=timezone.now())
    assert "Newest" in visitor.get(SHOP).content.decode()


def test_home_works_with_the_catalog_off(visitor, shop, catalog_on):
    ProductFactory(vendor=shop, title="Featured mug", is_featured=True)
    with override_module(catalog_on, "catalog", enabled=False):
        response = visitor.get(SHOP)
        assert response.status_code == 200
        assert "Featured mug" not in response.content.decode()
        assert visitor.get(f"{SHOP}products/").status_code == 404


def test_only_active_products_have_a_page(visitor, shop, other_shop):
    ProductFactory(vendor=shop, slug="active")
    ProductFactory(vendor=shop, slug="draft", status="draft")
    ProductFactory(vendor=shop, slug="archived", status="archived")
    ProductFactory(vendor=other_shop, slug="theirs")
    assert visitor.get(f"{SHOP}p/active/").status_code == 200
    for slug in ("draft", "archived", "theirs", "nothing"):
        assert visitor.get(f"{SHOP}p/{slug}/").status_code == 404, slug
    listed = {card.slug for card in visitor.get(f"{SHOP}products/").context["cards"]}
    assert listed == {"active"}


def test_a_category_page_includes_its_subcategories(visitor, shop, other_shop, tree):
    ProductFactory(vendor=shop, title="Pan", category=tree["kitchen"])
    ProductFactory(vendor=shop, title="Rug", category=tree["home"])
    ProductFactory(vendor=shop, title="Spade", category=tree["garden"])
    ProductFactory(vendor=shop, title="Hidden pot", category=tree["kitchen"], status="draft")
    theirs = CategoryFactory(vendor=other_shop, slug="theirs")
    ProductFactory(vendor=other_shop, title="Their pan", category=theirs)
    response = visitor.get(f"{SHOP}c/home/", {"sort": "title"})
    assert titles(response) == ["Pan", "Rug"]
    assert [c["name"] for c in response.context["breadcrumbs"]] == ["Home"]
    assert titles(visitor.get(f"{SHOP}c/kitchen/")) == ["Pan"]
    crumbs = visitor.get(f"{SHOP}c/kitchen/").context["breadcrumbs"]
    assert [c["name"] for c in crumbs] == ["Home", "Kitchen"]
    assert visitor.get(f"{SHOP}c/theirs/").status_code == 404
    assert visitor.get(f"{SHOP}c/nothing/").status_code == 404


def test_sorting_price_filters_and_pagination(visitor, shop, catalog_on):
    now = timezone.now()
    for n, (title, price) in enumerate(
        [("Cup", "5"), ("Bowl", "15"), ("Jug", "25"), ("Dish", "35")]
    ):
        ProductFactory(vendor=shop, title=title, price=Decimal(price),
                       published_at=now - timezone.timedelta(days=n))  # fmt: skip
    url = f"{SHOP}products/"
    assert titles(visitor.get(url)) == ["Cup", "Bowl", "Jug", "Dish"]  # newest first
    assert titles(visitor.get(url, {"sort": "price"})) == ["Cup", "Bowl", "Jug", "Dish"]
    assert titles(visitor.get(url, {"sort": "-price"})) == ["Dish", "Jug", "Bowl", "Cup"]
    assert titles(visitor.get(url, {"sort": "title"})) == ["Bowl", "Cup", "Dish", "Jug"]
    assert titles(visitor.get(url, {"min_price": "10", "max_price": "30", "sort": "price"})) == [
        "Bowl",
        "Jug",
    ]
    bad = visitor.get(url, {"min_price": "-3", "sort": "nonsense"})
    assert titles(bad) == ["Cup", "Bowl", "Jug", "Dish"]  # ignored, and said so
    assert "min_price" in bad.context["filter_errors"]
    with override_module(catalog_on, "catalog", config={"products_per_page": 3}):
        first = visitor.get(url, {"sort": "price"})
        assert titles(first) == ["Cup", "Bowl", "Jug"]
        assert "page=2" in first.content.decode() and "sort=price" in first.content.decode()
        assert titles(visitor.get(url, {"sort": "price", "page": 2})) == ["Dish"]
        assert titles(visitor.get(url, {"sort": "price", "page": "999"})) == ["Dish"]  # the last
        assert titles(visitor.get(url, {"sort": "price", "page": "x"})) == ["Cup", "Bowl", "Jug"]


def test_search_results(visitor, shop, other_shop):
    ProductFactory(vendor=shop, title="Blue ceramic mug", description="Holds tea")
    ProductFactory(vendor=shop, title="Teapot")
    ProductFactory(vendor=shop, title="Draft mug", status="draft")
    ProductFactory(vendor=other_shop, title="Their mug")
    url = f"{SHOP}search/"
    assert titles(visitor.get(url, {"q": "mug"})) == ["Blue ceramic mug"]
    assert set(titles(visitor.get(url, {"q": "tea"}))) == {"Blue ceramic mug", "Teapot"}
    assert titles(visitor.get(url, {"q": "zzz"})) == []
    assert "No products match" in visitor.get(url, {"q": "zzz"}).content.decode()
    empty = visitor.get(url)
    assert empty.status_code == 200 and "Type what you are looking for" in empty.content.decode()
    assert visitor.get(url, {"q": '"unclosed -( & |'}).status_code == 200


def test_the_product_page_shows_variants_and_their_availability(visitor, shop, tree, stock):
    tee = ProductFactory(
        vendor=shop,
        title="Tee",
        slug="tee",
        price=Decimal("20"),
        compare_at_price=Decimal("30"),
        category=tree["kitchen"],
        options=[
            {"name": "Size", "values": ["S", "M", "L"]},
            {"name": "Colour", "values": ["Red"]},
        ],
    )
    small = VariantFactory(product=tee, sku="TEE-S", values={"Size": "S", "Colour": "Red"})
    medium = VariantFactory(product=tee, sku="TEE-M", values={"Size": "M", "Colour": "Red"},
                            price=Decimal("22"))  # fmt: skip
    stock.levels.update({small.pk: 0, medium.pk: 4})
    response = visitor.get(f"{SHOP}p/tee/")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.selected.variant.pk == medium.pk  # the first in stock
    body = response.content.decode()
    assert "In stock: 4 available" in body and "TEE-M" in body and "€22.00" in body
    assert "<del" in body and "€30.00" in body
    assert [c["name"] for c in response.context["breadcrumbs"]] == ["Home", "Kitchen", "Tee"]
    sizes = page.groups[0].choices
    assert [(c.value, c.selected, c.available) for c in sizes] == [
        ("S", False, False),
        ("M", True, True),
        ("L", False, False),  # not sold at all
    ]
    # A screen reader hears what the greyed-out pills show (text, not colour only).
    assert body.count('<span class="visually-hidden"> (Sold out)</span>') == 2
    assert len(stock.calls) == 1  # one question for the page

    chosen = visitor.get(f"{SHOP}p/tee/", {"o0": "S", "o1": "Red"})
    assert chosen.context["page"].selected.variant.pk == small.pk
    assert "Sold out" in chosen.content.decode()
    unsold = visitor.get(f"{SHOP}p/tee/", {"o0": "L"})
    assert unsold.context["page"].unmatched
    assert "not sold" in unsold.content.decode()
    by_id = visitor.get(f"{SHOP}p/tee/", {"variant": small.pk})
    assert by_id.context["page"].selected.variant.pk == small.pk


def test_listings_show_sold_out_products(visitor, shop, stock):
    gone = ProductFactory(vendor=shop, title="Gone")
    ProductFactory(vendor=shop, title="Here")
    stock.levels[Variant.objects.with_scopes_disabled().get(product=gone).pk] = 0
    response = visitor.get(f"{SHOP}products/", {"sort": "title"})
    assert [(c.title, c.in_stock) for c in response.context["cards"]] == [
        ("Gone", False),
        ("Here", True),
    ]
    assert "Sold out" in response.content.decode()
    assert len(stock.calls) == 1


@pytest.mark.skipif(not apps.is_installed("modules.inventory"), reason="inventory not installed")
@pytest.mark.parametrize("inventory", [True, False], ids=["inventory on", "inventory off"])
def test_the_catalog_works_with_inventory_on_or_off(visitor, shop, catalog_on, inventory):
    ProductFactory(vendor=shop, title="Mug", slug="mug", is_featured=True)
    with override_module(catalog_on, "inventory", enabled=inventory):
        for url in (SHOP, f"{SHOP}products/", f"{SHOP}search/?q=mug", f"{SHOP}p/mug/"):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert "Mug" in response.content.decode()
        assert "In stock" in visitor.get(f"{SHOP}p/mug/").content.decode()  # untracked: available
        assert api_client().get(f"{SHOP_API}products/mug/").data["variants"][0]["in_stock"]


def test_served_on_the_vendors_verified_domain(shop):
    VendorDomainFactory(vendor=shop, domain="shop-a.example.com", verified_at=timezone.now())
    ProductFactory(vendor=shop, title="Mug", slug="mug")
    client = Client(HTTP_HOST="shop-a.example.com")
    assert titles(client.get("/products/")) == ["Mug"]
    assert client.get("/p/mug/").status_code == 200
    assert client.get("/search/", {"q": "mug"}).status_code == 200


# --- XSS -----------------------------------------------------------------------------------------

EVIL = """# Hello
<script>alert('s')</script>
<img src=x onerror="alert('i')">
[click](javascript:alert('j'))
<a href="javascript:alert('a')" onclick="alert('c')">link</a>
<svg onload="alert('v')"></svg>
<iframe src="https://evil.example"></iframe>
**fine** and [a real link](https://example.com)
"""


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for bad in (
        "<script>alert",
        "onerror=",
        "onclick=",
        "onload=",
        "javascript:",
        "<iframe",
        "<svg",
    ):
        assert bad not in lowered, bad


def test_descriptions_render_inert_everywhere(visitor, manager, shop):
    product = ProductFactory(vendor=shop, slug="evil", description=EVIL,
                             title="<script>alert('t')</script>Evil")  # fmt: skip
    page = visitor.get(f"{SHOP}p/evil/").content.decode()
    main = page.split('<main id="main"', 1)[1]
    assert_inert(main)
    assert "<strong>fine</strong>" in main and 'href="https://example.com"' in main
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;Evil" in main  # the title, escaped
    for url in (f"{SHOP}products/", f"{SHOP}search/?q=evil", SHOP):
        assert_inert(visitor.get(url).content.decode().split('<main id="main"', 1)[1])
    shop_api = api_client().get(f"{SHOP_API}products/evil/").data["description_html"]
    assert_inert(shop_api)
    vendor_api = api_client(manager).get(f"/api/v1/vendor/shop-a/catalog/products/{product.pk}/")
    assert_inert(vendor_api.data["description_html"])
    assert vendor_api.data["description"] == EVIL  # the source as written, for editing


def test_a_config_change_reaches_the_storefront_on_commit(
    visitor, shop, catalog_on, django_capture_on_commit_callbacks
):
    """An operator's ``module config set catalog … products_per_page=2`` is seen by the next
    request, although the page's settings come from the shared cache."""
    for title in ("Cup", "Bowl", "Jug"):
        ProductFactory(vendor=shop, title=title)
    url = f"{SHOP}products/"
    assert len(titles(visitor.get(url))) == 3  # cached from here on
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().set_config(catalog_on, "catalog", {"products_per_page": 2})
    assert len(titles(visitor.get(url))) == 2
