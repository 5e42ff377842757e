"""Inventory as a module: the project-wide walks cover it, its dashboards, its admin, and the
catalog with inventory on and off."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.models import (
    LowStockThreshold,
    Reservation,
    ReservationLine,
    StockLevel,
    StockLocation,
    StockMovement,
)
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, StockLine
from orion_core.menus import declared_items
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.providers import collect_metrics, collect_widgets
from orion_core.services import ModuleService
from orion_core.testing import override_module
from tests.isolation.test_vendor_isolation import (
    factory_for,
    vendor_owned_models,
    vendor_views,
)
from tests.modules.inventory.conftest import HOST
from tests.orion_core.test_module_contracts import ROUTED, SWITCHABLE

INVENTORY_MODELS = {
    StockLocation,
    StockLevel,
    StockMovement,
    Reservation,
    ReservationLine,
    LowStockThreshold,
}


# --- the project-wide walks find everything of inventory's -----------------------------------


def test_the_isolation_walk_covers_every_route_and_model():
    names = {view.name for view in vendor_views()}
    assert {
        "inventory:vendor-stock",
        "inventory:vendor-movements",
        "inventory:vendor-receive",
        "inventory:vendor-adjust",
        "inventory:vendor-locations",
        "inventory:vendor-threshold",
        "inventory:api-level-list",
        "inventory:api-level-detail",
        "inventory:api-movement-list",
        "inventory:api-movement-detail",
        "inventory:api-receive",
        "inventory:api-adjust",
    } <= names
    assert set(vendor_owned_models()) >= INVENTORY_MODELS
    assert all(factory_for(model) is not None for model in INVENTORY_MODELS)


def test_the_gate_and_guard_walks_cover_inventory():
    assert "inventory" in ROUTED and "inventory" in SWITCHABLE
    assert {item.key for item in declared_items(FrontendType.VENDOR)} >= {
        "inventory:stock",
        "inventory:receive",
    }


def test_the_declaration():
    definition = get_registry().get("inventory")
    assert definition.requires == ("catalog",)
    assert [p.code for p in definition.permissions] == ["inventory.view", "inventory.adjust"]
    assert ModuleService().registry.get("inventory").config_schema is not None


# --- dashboards -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_for_staff_and_no_second_widget(platform, shop, other_shop, variant, their_variant):
    services.receive(shop, variant, 2)  # low
    services.receive(other_shop, their_variant, 30)
    with override_module(platform, "inventory"):
        enabled = ModuleService().enabled_codes(platform)
        metrics = {m.key: m.value for m in collect_metrics(platform, enabled)}
        widgets = [w for w in collect_widgets(platform, None, enabled) if w.module == "inventory"]
    assert metrics["inventory.low_stock"] == 1
    assert metrics["inventory.on_hand"] == 32
    assert widgets == []  # the metrics show the platform's figures already
    # Off: silent.
    enabled = ModuleService().enabled_codes(platform)
    assert not [m for m in collect_metrics(platform, enabled) if m.module == "inventory"]


@pytest.mark.django_db
def test_the_staff_dashboard_shows_the_figures(platform, staff_user, shop, variant):
    services.receive(shop, variant, 2)
    client = Client(HTTP_HOST=HOST)
    client.force_login(staff_user)
    with override_module(platform, "inventory"):
        body = client.get(reverse("core:dashboard")).content.decode()
    assert "Low-stock variants" in body and "Units on hand" in body


def stat(html: str, label: str) -> str:
    """The figure a rendered widget shows above ``label``."""
    found = re.search(rf'stat-value">([^<]*)</span><span class="stat-label">{label}<', html)
    assert found, html
    return found.group(1)


@pytest.mark.django_db
def test_the_vendor_widget_counts_only_the_vendors_stock(
    platform, manager, shop, other_shop, variant, their_variant
):
    services.receive(shop, variant, 3)
    services.receive(other_shop, their_variant, 99)
    with override_module(platform, "inventory"):
        response = manager.get("/vendor/shop-a/")
    (item,) = [w for w in response.context["widgets"] if w.widget.module == "inventory"]
    assert stat(item.html, "Units on hand") == "3"
    assert "99" not in item.html


@pytest.mark.django_db
def test_the_vendor_widget_follows_stock_changes(
    platform, manager, shop, variant, django_capture_on_commit_callbacks
):
    """The figures are cached, and stale once the vendor's stock changes (its stock scope)."""

    def on_hand() -> int:
        response = manager.get("/vendor/shop-a/")
        (item,) = [w for w in response.context["widgets"] if w.widget.module == "inventory"]
        return int(stat(item.html, "Units on hand"))

    with override_module(platform, "inventory"):
        with django_capture_on_commit_callbacks(execute=True):
            services.receive(shop, variant, 3)
        assert on_hand() == on_hand() == 3
        with django_capture_on_commit_callbacks(execute=True):
            services.receive(shop, variant, 2)
        assert on_hand() == 5


@pytest.mark.django_db
def test_the_staff_metrics_follow_every_vendors_stock_changes(
    platform, shop, other_shop, variant, their_variant, django_capture_on_commit_callbacks
):
    """The platform's figures are cached (no SQL when warm), and stale once any vendor's stock
    or a threshold changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.inventory.providers import metrics_provider

    def figures() -> tuple[int, int]:
        found = {m.key: m.value for m in metrics_provider.get_metrics(platform)}
        return found["inventory.on_hand"], found["inventory.low_stock"]

    with override_module(platform, "inventory"):
        with django_capture_on_commit_callbacks(execute=True):
            services.receive(shop, variant, 30)
        assert figures() == (30, 0)
        with CaptureQueriesContext(connection) as queries:
            assert figures() == (30, 0)
        assert not queries
        with django_capture_on_commit_callbacks(execute=True):
            services.receive(other_shop, their_variant, 2)
        assert figures() == (32, 1)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_threshold(shop, variant.product, 40)
        assert figures() == (32, 2)


# --- the admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_everything_and_changes_no_stock(shop, variant):
    from orion_core.testing import StaffUserFactory

    services.receive(shop, variant, 4)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 1)])
    services.set_threshold(shop, variant.product, 2)
    admin = StaffUserFactory(is_superuser=True)
    client = Client()
    client.force_login(admin)
    with scopes_disabled():
        movement = StockMovement.objects.first()
        stock = StockLevel.objects.get()
        reservation = Reservation.objects.get()
    for model in INVENTORY_MODELS - {ReservationLine}:  # lines: inline on their reservation
        url = reverse(f"admin:inventory_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("admin:inventory_stockmovement_change", args=[movement.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:inventory_reservation_change", args=[reservation.pk])).status_code
        == 200
    )
    # Read-only: no adding, changing or deleting movements, levels or reservations.
    assert client.get(reverse("admin:inventory_stockmovement_add")).status_code == 403
    for name, pk in (("stockmovement", movement.pk), ("stocklevel", stock.pk)):
        assert (
            client.post(
                reverse(f"admin:inventory_{name}_delete", args=[pk]), {"post": "yes"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse(f"admin:inventory_{name}_change", args=[pk]), {"on_hand": 99}
            ).status_code
            == 403
        )
    assert services.check_ledger() == []


# --- the catalog with inventory on and off ---------------------------------------------------


@pytest.mark.django_db
def test_the_catalog_asks_inventory_only_while_it_is_on(platform, shop, variant):
    services.set_level(shop, variant, 0)  # tracked, sold out
    with override_module(platform, "inventory"):
        stock = provider_for(STOCK, ModuleService().enabled_codes(platform))
        assert not stock.availability(shop.pk, [variant.pk])[variant.pk].in_stock
    with override_module(platform, "catalog"):
        enabled = ModuleService().enabled_codes(platform)
        assert "inventory" not in enabled
        stock = provider_for(STOCK, enabled)
        assert stock.availability(shop.pk, [variant.pk])[variant.pk].in_stock


@pytest.mark.django_db
def test_disabling_inventory_leaves_the_catalog_working(platform, shop, variant):
    try:
        url = reverse("catalog:products", kwargs={"vendor_code": shop.code})
    except NoReverseMatch:
        pytest.skip("the catalog has no storefront listing yet")
    services.set_level(shop, variant, 0)
    visitor = Client(HTTP_HOST=HOST)
    with override_module(platform, "inventory"):
        on = visitor.get(url)
        assert on.status_code == 200
        with override_module(platform, "inventory", enabled=False):
            off = visitor.get(url)
            assert off.status_code == 200
            assert "T-shirt" in off.content.decode()
