"""The storefront's grids of product cards are rendered once and served from the shared cache,
and so is what a product page reads: a warm listing, home or product page runs no SQL, and a
change of the vendor's catalogue or stock (through the services, in any process) shows on the
next request, in every language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.catalog.models import Product
from modules.catalog.services import products
from modules.inventory import services as inventory
from modules.tenancy.scoping import vendor_scope
from orion_core.testing import override_module
from tests.modules.catalog.conftest import SHOP

pytestmark = pytest.mark.django_db

PAGES = [SHOP, f"{SHOP}products/", f"{SHOP}search/?q=mug", f"{SHOP}c/kitchen/"]
PRODUCT = f"{SHOP}p/blue-mug/"


@pytest.fixture
def stocked(shop, catalog_on):
    """A mug with 2 units, inventory on."""
    from modules.catalog.factories import CategoryFactory

    kitchen = CategoryFactory(vendor=shop, name="Kitchen", slug="kitchen")
    mug = ProductFactory(
        vendor=shop, title="Blue mug", slug="blue-mug", is_featured=True, category=kitchen
    )
    with scopes_disabled():
        mug.variant = mug.variants.get()
    with override_module(catalog_on, "inventory"):
        inventory.receive(shop, mug.variant, 2)
        yield mug


def body_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", [*PAGES, PRODUCT])
def test_a_warm_grid_runs_no_sql(visitor, stocked, url, django_capture_on_commit_callbacks):
    assert "Blue mug" in body_of(visitor, url)
    with CaptureQueriesContext(connection) as queries:
        assert "Blue mug" in body_of(visitor, url)
    assert not [q for q in queries if "catalog_" in q["sql"] or "inventory_" in q["sql"]]


@pytest.mark.parametrize("url", PAGES)
def test_stock_and_catalogue_changes_show_on_the_next_request(
    visitor, shop, stocked, url, django_capture_on_commit_callbacks
):
    assert "Sold out" not in body_of(visitor, url)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.adjust(shop, stocked.variant, -2, reason="damaged")
    assert "Sold out" in body_of(visitor, url)  # the stock contract's scope was bumped

    with django_capture_on_commit_callbacks(execute=True), vendor_scope(shop):
        products.set_status(shop, Product.objects.filter(pk=stocked.pk), "archived")
    assert "Blue mug" not in body_of(visitor, url)  # the catalogue's scope was bumped


def test_each_language_gets_its_own_grid(
    visitor, shop, stocked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inventory.adjust(shop, stocked.variant, -2, reason="damaged")
    assert "Sold out" in body_of(visitor, f"{SHOP}products/")
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = body_of(visitor, f"{SHOP}products/")
    assert "Épuisé" in french and "Sold out" not in french


def test_the_product_page_follows_stock_and_catalogue_changes(
    visitor, shop, stocked, django_capture_on_commit_callbacks
):
    assert "In stock: 2 available" in body_of(visitor, PRODUCT)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.adjust(shop, stocked.variant, -1, reason="damaged")
    assert "In stock: 1 available" in body_of(visitor, PRODUCT)
    with django_capture_on_commit_callbacks(execute=True), vendor_scope(shop):
        products.set_status(shop, Product.objects.filter(pk=stocked.pk), "archived")
    assert visitor.get(PRODUCT).status_code == 404
