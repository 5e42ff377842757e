"""The catalog's routes are where the project-wide walks find them: every portal, API and
storefront view is mounted behind the tenant guard, so the isolation walk
(tests/isolation), the guard contract (tests/orion_core/test_tenant_guard_contract.py) and the
module contract (tests/orion_core/test_module_contracts.py) cover each of them."""

from __future__ import annotations

from orion_core.modules.definition import FrontendType
from orion_core.urls import mounted_views
from tests.isolation.test_vendor_isolation import vendor_owned_models, vendor_views
from tests.orion_core.test_module_contracts import SWITCHABLE, module_routes
from tests.orion_core.test_tenant_guard_contract import PORTAL, STOREFRONT


def test_every_catalog_view_is_guarded():
    views = mounted_views("catalog")
    assert views, "the catalog mounts no views"
    unguarded = [v.name for v in views if v.guard is None]
    assert unguarded == []
    by_frontend = {
        frontend: {v.name for v in views if v.guard.frontend is frontend}
        for frontend in (FrontendType.VENDOR, FrontendType.STOREFRONT)
    }
    assert {
        "catalog:vendor-products",
        "catalog:vendor-product-edit",
        "catalog:vendor-product-export",
        "catalog:vendor-category-delete",
        "catalog:api-product-detail",
        "catalog:api-category-list",
    } <= by_frontend[FrontendType.VENDOR]
    assert {
        "catalog:products",
        "catalog:category",
        "catalog:search",
        "catalog:product",
        "catalog:shop-api-product-detail",
        "catalog:shop-api-category-list",
    } <= by_frontend[FrontendType.STOREFRONT]


def test_the_project_walks_include_the_catalog():
    walked = {v.name for v in vendor_views()}
    assert {
        v.name for v in mounted_views("catalog") if v.guard.frontend is FrontendType.VENDOR
    } <= walked
    assert {"catalog.Product", "catalog.Variant", "catalog.Category"} <= {
        m._meta.label for m in vendor_owned_models()
    }
    assert "catalog" in PORTAL and "catalog" in STOREFRONT
    assert "catalog" in SWITCHABLE and module_routes("catalog")
