"""Query budgets of the catalog's pages at 10 and at 200 products: the count must be the same at
both sizes (no query per product) and within the page's budget.

Each measured request follows a warm-up request to the same page, so what the shared cache
holds (platform, modules, vendor, category tree, featured products, the module's settings) is
warm: an anonymous storefront page spends SQL on its products only, never on the platform, the
vendor or the tree. With inventory on, the stock contract adds what inventory needs for its one
question per page.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from modules.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from modules.catalog.models import Product
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import PlatformFactory, UserFactory

HOST = "budget.test"
SIZES = (10, 200)
NOT_FOR_STOREFRONT = ("tenancy_vendor", "orion_core_platform", "catalog_category")


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    url: str
    budget: int
    portal: bool = False
    shows: str = ""  # a title the page must show at every size


PAGES = [
    Page("storefront home", "/shop/alpha/", 8, shows="Featured 0"),
    Page("storefront category", "/shop/alpha/c/top/?sort=price", 8, shows="Product 2"),
    Page("storefront search", "/shop/alpha/search/?q=product", 8, shows="Product"),
    Page("storefront product", "/shop/alpha/p/tee/", 8, shows="Tee"),
    Page("vendor product list", "/vendor/alpha/catalog/products/?o=title", 12, portal=True),
]


@dataclasses.dataclass
class World:
    vendor: object
    owner: object
    top: object
    sub: object

    def grow_to(self, count: int) -> None:
        with scopes_disabled():
            have = Product.objects.filter(vendor=self.vendor).count()
        for n in range(have, count):
            category = self.sub if n % 2 else self.top
            if n % 5 == 0:
                product = ProductFactory(
                    vendor=self.vendor,
                    title=f"Product {n} with sizes",
                    price=Decimal(n + 1),
                    category=category,
                    options=[{"name": "Size", "values": ["S", "M"]}],
                    is_featured=n < 40,
                )
                VariantFactory(product=product, values={"Size": "S"})
                VariantFactory(product=product, values={"Size": "M"}, price=Decimal(n + 2))
            else:
                ProductFactory(
                    vendor=self.vendor,
                    title=f"Product {n}",
                    price=Decimal(n + 1),
                    category=category,
                )


def build_world(modules: list[str]) -> World:
    platform = PlatformFactory(code="budget", domains=[HOST], modules=modules)
    vendor = VendorFactory(code="alpha", platforms=[platform])
    owner = UserFactory()
    MembershipFactory(vendor=vendor, user=owner, role=Membership.Role.OWNER)
    top = CategoryFactory(vendor=vendor, name="Top", slug="top")
    sub = CategoryFactory(vendor=vendor, name="Sub", slug="sub", parent=top)
    CategoryFactory(vendor=vendor, name="Other", slug="other")
    ProductFactory(vendor=vendor, title="Featured 0", is_featured=True, category=top)
    tee = ProductFactory(
        vendor=vendor,
        title="Tee",
        slug="tee",
        category=sub,
        options=[{"name": "Size", "values": ["S", "M", "L"]}],
    )
    for size in ("S", "M", "L"):
        VariantFactory(product=tee, values={"Size": size})
    return World(vendor=vendor, owner=owner, top=top, sub=sub)


def measure(client: Client, page: Page) -> list[str]:
    assert client.get(page.url).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    if page.shows:
        assert page.shows in response.content.decode(), page.name
    return [query["sql"] for query in captured.captured_queries]


def listing(queries: list[str]) -> str:
    return "\n".join(f"  {sql[:160]}" for sql in queries)


MODULE_SETS = [["catalog"]]
if apps.is_installed("modules.inventory"):
    MODULE_SETS.append(["catalog", "inventory"])


@pytest.mark.django_db
@pytest.mark.parametrize("modules", MODULE_SETS, ids=lambda m: "+".join(m))
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_costs_the_same_queries_at_10_and_200_products(settings, modules, page):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(modules)
    client = Client(HTTP_HOST=HOST)
    if page.portal:
        client.force_login(world.owner)
    counts = []
    for size in SIZES:
        world.grow_to(size)
        queries = measure(client, page)
        counts.append(len(queries))
        assert len(queries) <= page.budget, (
            f"{page.name} at {size} products: {len(queries)} queries, budget {page.budget}:\n"
            f"{listing(queries)}"
        )
        if not page.portal:
            leaked = [q for q in queries if any(t in q for t in NOT_FOR_STOREFRONT)]
            assert not leaked, f"{page.name}: not from the cache:\n{listing(leaked)}"
    assert counts[0] == counts[1], f"{page.name}: {counts[0]} then {counts[1]} queries"
