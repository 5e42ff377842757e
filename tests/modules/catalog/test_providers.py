"""What the catalog gives dashboards and layouts: metrics, the recent-products widget, and
``module_context.catalog`` for the storefront (cheap: no SQL when warm, storefront only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from modules.catalog.factories import CategoryFactory, ProductFactory
from modules.catalog.providers import context_provider, metrics_provider, widgets_provider
from modules.tenancy.context import tenant_context
from modules.tenancy.factories import VendorFactory
from orion_core.modules.definition import FrontendType
from orion_core.testing import PlatformFactory, StaffUserFactory
from tests.modules.catalog.conftest import HOST, PORTAL, logged_in

pytestmark = pytest.mark.django_db


def test_metrics_count_the_platforms_products(shop, other_shop, catalog_on):
    ProductFactory(vendor=shop)
    ProductFactory(vendor=shop, status="draft")
    ProductFactory(vendor=other_shop)
    elsewhere = VendorFactory(platforms=[PlatformFactory(code="elsewhere")])
    ProductFactory(vendor=elsewhere)
    metrics = {m.key: m.value for m in metrics_provider.get_metrics(catalog_on)}
    assert metrics == {"catalog.products": 3, "catalog.active_products": 2}


def test_the_widget_shows_the_vendors_recent_products(shop, other_shop, catalog_on, manager):
    ProductFactory(vendor=shop, title="Mine")
    ProductFactory(vendor=other_shop, title="Theirs")
    with tenant_context(catalog_on, shop):
        (widget,) = widgets_provider.get_widgets(catalog_on, manager)
    assert [row["title"] for row in widget.context["rows"]] == ["Mine"]
    assert widget.context["rows"][0]["url"].startswith(f"{PORTAL}products/")
    (staff_widget,) = widgets_provider.get_widgets(catalog_on, StaffUserFactory())
    assert {row["title"] for row in staff_widget.context["rows"]} == {"Mine", "Theirs"}
    dashboard = logged_in(manager).get("/vendor/shop-a/")
    assert dashboard.status_code == 200
    assert "Mine" in dashboard.content.decode() and "Theirs" not in dashboard.content.decode()


def storefront_request(vendor, catalog_on):
    request = RequestFactory().get("/shop/shop-a/", HTTP_HOST=HOST)
    request.frontend, request.vendor = FrontendType.STOREFRONT, vendor
    request.platform, request.modules = catalog_on, frozenset({"catalog"})
    return request


def test_the_storefront_context_is_the_cached_tree_and_costs_no_sql(shop, catalog_on):
    home = CategoryFactory(vendor=shop, name="Home", slug="home")
    CategoryFactory(vendor=shop, name="Kitchen", slug="kitchen", parent=home)
    ProductFactory(vendor=shop, title="Mug", is_featured=True)
    request = storefront_request(shop, catalog_on)
    context_provider.get_context(request)  # warm
    with CaptureQueriesContext(connection) as queries:
        context = context_provider.get_context(request)
    assert len(queries) == 0
    assert context["search_url"] == "/shop/shop-a/search/"
    assert context["products_url"] == "/shop/shop-a/products/"
    assert context["categories"] == [
        {
            "name": "Home",
            "slug": "home",
            "url": "/shop/shop-a/c/home/",
            "children": [
                {
                    "name": "Kitchen",
                    "slug": "kitchen",
                    "url": "/shop/shop-a/c/kitchen/",
                    "children": [],
                }
            ],
        }
    ]
    assert context["featured"].cards  # warm the featured grid too
    with CaptureQueriesContext(connection) as queries:
        featured = context_provider.get_context(request)["featured"]
        assert [card.title for card in featured.cards] == ["Mug"]
        assert ">Mug</h3>" in featured.markup  # rendered, links and all
    assert len(queries) == 0


def test_the_context_is_for_the_storefront_only(shop, catalog_on):
    request = storefront_request(shop, catalog_on)
    request.frontend = FrontendType.VENDOR
    assert context_provider.get_context(request) == {}
    request.frontend, request.vendor = FrontendType.STOREFRONT, None
    assert context_provider.get_context(request) == {}


def test_the_vendor_widget_is_cached_until_the_catalogue_changes(
    shop, catalog_on, manager, django_capture_on_commit_callbacks
):
    from modules.catalog.services import products
    from modules.catalog.services.products import ProductInput

    ProductFactory(vendor=shop, title="Mine")
    with tenant_context(catalog_on, shop):
        widgets_provider.get_widgets(catalog_on, manager)  # warm
        with CaptureQueriesContext(connection) as queries:
            (widget,) = widgets_provider.get_widgets(catalog_on, manager)
        assert [row["title"] for row in widget.context["rows"]] == ["Mine"] and not queries
        with django_capture_on_commit_callbacks(execute=True):
            products.save_product(shop, ProductInput(title="Newer", sku="NEW", price="5"))
        (widget,) = widgets_provider.get_widgets(catalog_on, manager)
    assert [row["title"] for row in widget.context["rows"]] == ["Newer", "Mine"]


def test_staff_figures_and_product_counts_are_cached_until_the_catalogue_changes(
    shop, other_shop, catalog_on, django_capture_on_commit_callbacks
):
    """The staff dashboard's metrics and recent products, and the product count billing shows a
    vendor: no SQL when warm, and stale on commit of any vendor's product change."""
    from modules.catalog.services import products
    from modules.catalog.services.products import ProductInput

    staff = StaffUserFactory()

    def figures() -> tuple:
        metrics = {m.key: m.value for m in metrics_provider.get_metrics(catalog_on)}
        (widget,) = widgets_provider.get_widgets(catalog_on, staff)
        titles = [row["title"] for row in widget.context["rows"]]
        return metrics["catalog.products"], titles, products.cached_product_count(shop.pk)

    ProductFactory(vendor=other_shop, title="Theirs")
    assert figures() == (1, ["Theirs"], 0)
    with CaptureQueriesContext(connection) as queries:
        assert figures() == (1, ["Theirs"], 0)
    assert not queries
    with django_capture_on_commit_callbacks(execute=True):
        mine = products.save_product(shop, ProductInput(title="Mine", sku="MINE", price="5"))
    assert figures() == (2, ["Mine", "Theirs"], 1)
    with django_capture_on_commit_callbacks(execute=True):
        products.delete_product(shop, mine)
    assert figures() == (1, ["Theirs"], 0)
