"""The catalog asks the vendor's plan before it creates a product (``max_products``, through
``orion_core.features``), whoever answers the entitlements contract: here a fixed stub of the
contract, so the catalog is tested without billing (which it never imports)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.catalog.models import Product
from modules.catalog.services import products
from orion_core.contracts.entitlements import Entitlement, Limit, LimitReached, PlanTier
from orion_core.modules.registry import get_registry
from tests.modules.catalog.conftest import API, api_client, team_member

pytestmark = pytest.mark.django_db


class FixedPlan:
    """The entitlements contract answering one limit for everyone; counts what it is asked."""

    def __init__(self, maximum: int | None) -> None:
        self.maximum, self.asked = maximum, 0

    def entitlement(self, platform_id, vendor_id, feature):
        return Entitlement(feature, allowed=True)

    def limit(self, platform_id, vendor_id, name):
        self.asked += 1
        if name != "max_products" or self.maximum is None:
            return Limit(name, maximum=None)
        return Limit(name, maximum=self.maximum, tiers=(PlanTier("more", "More"),))


@pytest.fixture
def plan(monkeypatch):
    """The catalog (on, in the tests' platform) answers entitlements with a FixedPlan."""

    def install(maximum: int | None) -> FixedPlan:
        found, registry = FixedPlan(maximum), get_registry()
        real = registry.provider
        monkeypatch.setattr(
            registry,
            "provider",
            lambda code, kind: (
                found if (code, kind) == ("catalog", "entitlements") else real(code, kind)
            ),
        )
        return found

    return install


def simple(n: int) -> products.ProductInput:
    return products.ProductInput(title=f"Mug {n}", sku=f"MUG-{n}", price="9.90")


def count(vendor) -> int:
    with scopes_disabled():
        return Product.objects.filter(vendor=vendor).count()


def test_the_product_beyond_the_plan_is_refused_and_nothing_saved(shop, catalog_on, plan):
    plan(2)
    products.save_product(shop, simple(1), platform=catalog_on)
    products.save_product(shop, simple(2), platform=catalog_on.pk)
    with pytest.raises(LimitReached) as refused:
        products.save_product(shop, simple(3), platform=catalog_on)
    assert str(refused.value) == "Your plan allows 2 products. Upgrade to More for more."
    assert count(shop) == 2 and products.product_count(shop.pk) == 2


def test_every_status_counts_and_updates_are_free(shop, catalog_on, plan):
    plan(1)
    made = products.save_product(shop, simple(1), platform=catalog_on)
    products.set_status(shop, Product.objects.with_scopes_disabled().filter(pk=made.pk), "archived")
    with pytest.raises(LimitReached):
        products.save_product(shop, simple(2), platform=catalog_on)
    products.save_product(shop, simple(1), product=made, platform=catalog_on)


def test_unlimited_costs_no_count_and_no_platform_asks_nothing(shop, catalog_on, plan):
    found = plan(None)
    for n in range(3):
        products.save_product(shop, simple(n), platform=catalog_on)
    assert found.asked == 3
    limited = plan(0)
    products.save_product(shop, simple(9))  # no platform, no tenant: a command's import
    assert limited.asked == 0 and count(shop) == 4


def test_the_api_answers_403_naming_the_limit(shop, catalog_on, plan):
    plan(0)
    client = api_client(team_member(shop, "manager"))
    response = client.post(
        f"{API}products/", {"title": "Mug", "sku": "MUG-1", "price": "9.90"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["limit"] == "max_products" and response.json()["maximum"] == 0
    assert count(shop) == 0
