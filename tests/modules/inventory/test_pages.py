"""The vendor portal's inventory pages: overview, history, receive, adjust, locations,
thresholds; bad input, roles, another vendor's rows, query budgets."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.factories import StockLocationFactory
from modules.inventory.models import (
    LowStockThreshold,
    StockLevel,
    StockLocation,
    StockMovement,
)
from orion_core.contracts.stock import StockLine
from tests.modules.inventory.conftest import HOST, make_variant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

PORTAL = "/vendor/shop-a/inventory/"


def skus(response) -> list[str]:
    return [row.sku for row in response.context["rows"]]


def inventory_rows(vendor):
    with scopes_disabled():
        return {
            model.__name__: list(model.objects.filter(vendor=vendor).order_by("pk").values())
            for model in (StockLocation, StockLevel, StockMovement, LowStockThreshold)
        }


# --- overview ----------------------------------------------------------------------------------


@pytest.fixture
def stock(shop, other_shop, variant, their_variant):
    """TEE-M: 10 on hand, 3 reserved; MUG: 2 (low); POSTER: untracked; B's THEIR-1: 50."""
    services.receive(shop, variant, 10)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 3)])
    mug = make_variant(shop, "MUG", title="Mug")
    services.receive(shop, mug, 2)
    make_variant(shop, "POSTER", title="Poster")
    services.receive(other_shop, their_variant, 50)
    return {"tee": variant, "mug": mug}


def test_the_overview_shows_every_variant_of_this_vendor(manager, stock):
    response = manager.get(PORTAL)
    assert response.status_code == 200
    assert skus(response) == ["MUG", "POSTER", "TEE-M"]  # by product title
    rows = {row.sku: row for row in response.context["rows"]}
    assert (rows["TEE-M"].on_hand, rows["TEE-M"].reserved, rows["TEE-M"].available) == (10, 3, 7)
    assert rows["POSTER"].levels == 0
    body = response.content.decode()
    assert "THEIR-1" not in body and "Their thing" not in body
    assert "Not tracked" in body and "Low stock" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "mug"}, ["MUG"]),
        ({"q": "t-shirt"}, ["TEE-M"]),
        ({"status": "low"}, ["MUG"]),
        ({"status": "untracked"}, ["POSTER"]),
        ({"status": "tracked"}, ["MUG", "TEE-M"]),
        ({"status": "out"}, []),
        ({"q": "THEIR"}, []),
    ],
)
def test_overview_filters(manager, stock, query, expected):
    assert skus(manager.get(PORTAL, query)) == expected


def test_overview_by_location(manager, shop, stock):
    depot = services.create_location(shop, name="Depot", code="depot")
    services.receive(shop, stock["mug"], 4, location=depot)
    response = manager.get(PORTAL, {"location": depot.pk})
    assert skus(response) == ["MUG"]
    (row,) = response.context["rows"]
    assert (row.on_hand, row.total_available) == (4, 6)


def test_another_vendors_location_is_not_a_filter_choice(manager, other_shop, stock):
    theirs = StockLocationFactory(vendor=other_shop)
    response = manager.get(PORTAL, {"location": theirs.pk})
    assert response.context["filter_form"].errors["location"]
    assert "THEIR-1" not in response.content.decode()


def test_overview_pagination(manager, shop):
    for index in range(55):
        make_variant(shop, f"V-{index:03d}", title=f"Item {index:03d}")
    assert len(manager.get(PORTAL).context["rows"]) == 50
    assert len(manager.get(PORTAL, {"page": 2}).context["rows"]) == 5


# --- history -----------------------------------------------------------------------------------


def test_movement_history(manager, shop, stock, user):
    services.adjust(shop, stock["mug"], -1, reason="damaged", note="dropped", user=user)
    response = manager.get(f"{PORTAL}movements/")
    assert response.status_code == 200
    kinds = [(m.kind, m.sku) for m in response.context["movements"]]
    assert kinds == [
        ("adjust", "MUG"),
        ("receive", "MUG"),
        ("reserve", "TEE-M"),
        ("receive", "TEE-M"),
    ]
    body = response.content.decode()
    assert "dropped" in body and user.username in body and "THEIR-1" not in body
    assert [
        m.sku for m in manager.get(f"{PORTAL}movements/", {"kind": "reserve"}).context["movements"]
    ] == ["TEE-M"]
    assert len(manager.get(f"{PORTAL}movements/", {"q": "order-1"}).context["movements"]) == 1
    assert manager.get(f"{PORTAL}movements/", {"q": "THEIR"}).context["movements"].count() == 0


# --- receive and adjust --------------------------------------------------------------------------


def test_a_manager_receives_stock(manager, shop, variant):
    response = manager.post(
        f"{PORTAL}receive/", {"sku": "TEE-M", "quantity": "6", "reference": "DN-7"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        movement = StockMovement.objects.get()
    assert (movement.kind, movement.on_hand_delta, movement.reference) == ("receive", 6, "DN-7")
    assert movement.user == manager.user
    assert "Received 6" in manager.get(response["Location"]).content.decode()


def test_receive_prefills_the_sku(manager, variant):
    response = manager.get(f"{PORTAL}receive/", {"sku": "TEE-M"})
    assert response.context["form"].initial["sku"] == "TEE-M"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sku": "TEE-M", "quantity": "0"}, "quantity"),
        ({"sku": "TEE-M", "quantity": "-4"}, "quantity"),
        ({"sku": "TEE-M", "quantity": "ten"}, "quantity"),
        ({"sku": "TEE-M", "quantity": "1.5"}, "quantity"),
        ({"sku": "TEE-M", "quantity": "99999999999"}, "quantity"),
        ({"sku": "TEE-M"}, "quantity"),
        ({"quantity": "3"}, "sku"),
        ({"sku": "NOPE", "quantity": "3"}, "sku"),
        ({"sku": "THEIR-1", "quantity": "3"}, "sku"),
        ({"sku": "TEE-M", "quantity": "3", "location": "999999"}, "location"),
        ({"sku": "TEE-M", "quantity": "3", "reference": "x" * 101}, "reference"),
    ],
)
def test_bad_receipts_are_refused_and_nothing_is_saved(
    manager, shop, other_shop, variant, their_variant, data, field
):
    before = inventory_rows(shop), inventory_rows(other_shop)
    response = manager.post(f"{PORTAL}receive/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert (inventory_rows(shop), inventory_rows(other_shop)) == before


def test_another_vendors_location_cannot_receive(manager, shop, other_shop, variant):
    theirs = StockLocationFactory(vendor=other_shop)
    before = inventory_rows(other_shop)
    response = manager.post(
        f"{PORTAL}receive/", {"sku": "TEE-M", "quantity": "3", "location": theirs.pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["location"]
    assert inventory_rows(other_shop) == before


def test_a_manager_adjusts_stock(manager, shop, variant):
    services.receive(shop, variant, 5)
    response = manager.post(
        f"{PORTAL}adjust/", {"sku": "TEE-M", "change": "-2", "reason": "damaged"}
    )
    assert response.status_code == 302
    assert services.stock_of(shop, [variant.pk])[variant.pk].on_hand == 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"change": "-6", "reason": "lost"}, "change", "Only 5 on hand here"),
        ({"change": "-4", "reason": "lost"}, "change", "2 of the 5 on hand are reserved"),
        ({"change": "0", "reason": "lost"}, "change", "other than zero"),
        ({"change": "many", "reason": "lost"}, "change", "Enter a whole number."),
        ({"change": "1", "reason": ""}, "reason", "This field is required."),
        ({"change": "1", "reason": "feed"}, "reason", "Select a valid choice."),
        ({"change": "1", "reason": "other"}, "note", "Say what happened"),
    ],
)
def test_bad_adjustments_are_refused_and_nothing_is_saved(
    manager, shop, variant, data, field, message
):
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 2)])
    before = inventory_rows(shop)
    response = manager.post(f"{PORTAL}adjust/", {"sku": "TEE-M", **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(":")[0] in response.content.decode()
    assert inventory_rows(shop) == before


def test_a_count_sets_the_level_and_tracks_a_variant_never_received(manager, shop, variant):
    assert not services.stock_of(shop, [variant.pk])[variant.pk].tracked
    response = manager.post(f"{PORTAL}count/", {"sku": "TEE-M", "quantity": "0"}, follow=True)
    assert "TEE-M: 0 on hand, as counted; nothing changed." in response.content.decode()
    counted = services.stock_of(shop, [variant.pk])[variant.pk]
    assert counted.tracked and counted.available == 0  # sold out now, no receipt invented
    assert not StockMovement.objects.with_scopes_disabled().filter(vendor=shop).exists()

    services.receive(shop, variant, 5)
    response = manager.post(f"{PORTAL}count/", {"sku": "TEE-M", "quantity": "3"}, follow=True)
    assert "counted 3 (-2)" in response.content.decode()
    with scopes_disabled():
        last = StockMovement.objects.filter(vendor=shop).first()
    assert (last.reason, last.on_hand_delta, last.on_hand_after) == ("count", -2, 3)


@pytest.mark.parametrize(
    ("data", "field"),
    [({"quantity": "-1"}, "quantity"), ({"quantity": "1"}, "quantity"), ({}, "quantity")],
)
def test_bad_counts_are_refused_and_nothing_is_saved(manager, shop, variant, data, field):
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 2)])  # below 2: refused
    before = inventory_rows(shop)
    response = manager.post(f"{PORTAL}count/", {"sku": "TEE-M", **data})
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert inventory_rows(shop) == before


@pytest.mark.parametrize("role", ["viewer"])
def test_viewers_see_stock_but_change_nothing(client_of, shop, variant, role):
    member = client_of(role)
    response = member.get(PORTAL)
    assert response.status_code == 200
    assert response.context["can_adjust"] is False
    assert "/receive/" not in response.content.decode()
    assert member.get(f"{PORTAL}movements/").status_code == 200
    assert member.get(f"{PORTAL}receive/").status_code == 403
    assert member.post(f"{PORTAL}receive/", {"sku": "TEE-M", "quantity": "1"}).status_code == 403
    assert member.post(f"{PORTAL}adjust/", {"sku": "TEE-M", "change": "1"}).status_code == 403
    assert member.post(f"{PORTAL}count/", {"sku": "TEE-M", "quantity": "1"}).status_code == 403
    assert member.post(f"{PORTAL}locations/", {"name": "X", "code": "x"}).status_code == 403
    assert (
        member.post(
            f"{PORTAL}products/{variant.product_id}/threshold/", {"threshold": "1"}
        ).status_code
        == 403
    )
    assert inventory_rows(shop) == {
        "StockLocation": [],
        "StockLevel": [],
        "StockMovement": [],
        "LowStockThreshold": [],
    }


def test_staff_role_may_adjust(client_of, shop, variant):
    member = client_of("staff")
    assert member.post(f"{PORTAL}receive/", {"sku": "TEE-M", "quantity": "1"}).status_code == 302


def test_strangers_and_other_teams_get_nothing(client_of, other_shop, stock):
    assert Client(HTTP_HOST=HOST).get(PORTAL).status_code == 302  # log in first
    outsider = client_of("owner", vendor=other_shop)
    assert outsider.get(PORTAL).status_code == 404
    assert outsider.post(f"{PORTAL}receive/", {"sku": "TEE-M", "quantity": "1"}).status_code == 404


# --- locations and thresholds ------------------------------------------------------------------


def test_locations(manager, shop, other_shop):
    StockLocationFactory(vendor=other_shop, name="Their depot", code="their-depot")
    assert (
        manager.post(f"{PORTAL}locations/", {"name": "Paris", "code": "paris"}).status_code == 302
    )
    response = manager.post(f"{PORTAL}locations/", {"name": "Again", "code": "paris"})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert manager.post(f"{PORTAL}locations/", {"name": "", "code": "bad code"}).status_code == 400
    # Another vendor's code is free here.
    assert (
        manager.post(f"{PORTAL}locations/", {"name": "Depot", "code": "their-depot"}).status_code
        == 302
    )
    body = manager.get(f"{PORTAL}locations/").content.decode()
    assert "Paris" in body and "Their depot" not in body
    with scopes_disabled():
        assert list(
            StockLocation.objects.filter(vendor=shop).values_list("code", "is_default")
        ) == [
            ("paris", True),
            ("their-depot", False),
        ]


def test_threshold_set_and_cleared(manager, shop, variant):
    url = f"{PORTAL}products/{variant.product_id}/threshold/"
    assert manager.get(url).status_code == 200
    assert manager.post(url, {"threshold": "12"}).status_code == 302
    with scopes_disabled():
        assert LowStockThreshold.objects.get(product=variant.product).threshold == 12
    assert manager.get(url).context["form"].initial == {"threshold": 12}
    assert manager.post(url, {"threshold": "-1"}).status_code == 400
    assert manager.post(url, {"threshold": "x"}).status_code == 400
    assert manager.post(url, {"threshold": ""}).status_code == 302
    with scopes_disabled():
        assert not LowStockThreshold.objects.exists()


def test_another_vendors_product_threshold_is_a_404_and_unchanged(
    manager, other_shop, their_variant
):
    services.set_threshold(other_shop, their_variant.product, 7)
    url = f"{PORTAL}products/{their_variant.product_id}/threshold/"
    assert manager.get(url).status_code == 404
    assert manager.post(url, {"threshold": "1"}).status_code == 404
    assert manager.post(url, {"threshold": ""}).status_code == 404
    with scopes_disabled():
        assert LowStockThreshold.objects.get(product=their_variant.product).threshold == 7


def test_a_products_threshold_flags_its_variants(manager, shop, stock):
    services.set_threshold(shop, stock["tee"].product, 8)  # 7 available: now low
    assert skus(manager.get(PORTAL, {"status": "low"})) == ["MUG", "TEE-M"]


# --- menus and the dashboard --------------------------------------------------------------------


def test_the_sidebar_and_the_dashboard_widget(manager, shop, stock):
    body = manager.get("/vendor/shop-a/").content.decode()
    assert 'href="/vendor/shop-a/inventory/"' in body
    assert 'href="/vendor/shop-a/inventory/receive/"' in body
    assert 'id="widget-inventorystock"' in body
    assert "Low-stock variants" in body
    assert 'href="/vendor/shop-a/inventory/?status=low"' in body


def test_with_inventory_off_the_pages_are_gone(manager, platform, variant):
    from orion_core.testing import override_module

    with override_module(platform, "inventory", enabled=False):
        assert manager.get(PORTAL).status_code == 404
        body = manager.get("/vendor/shop-a/").content.decode()
        assert "/inventory/" not in body


# --- query budgets ------------------------------------------------------------------------------

# Warm, the session, its user, the vendor, its membership, the switcher and the platform's
# default threshold (module config) come from the shared cache. Then: count, location choices,
# the page of variants (sums, threshold and product in one query).
OVERVIEW_QUERIES = 3
# count, location choices, the page of movements (locations and users joined)
HISTORY_QUERIES = 3


def grow(shop, size: int) -> None:
    depot = services.create_location(shop, name="Depot", code="depot")
    for index in range(size):
        variant = make_variant(shop, f"B-{index:04d}", title=f"Bulk {index:04d}")
        if index % 3:
            services.receive(shop, variant, 5 + index, location=depot)
            services.receive(shop, variant, 1)
        if index % 5 == 0:
            services.set_threshold(shop, variant.product, 3)
        if index % 4 == 1:
            services.reserve(shop, f"order-{index}", [StockLine(variant.pk, 1)])


@pytest.mark.parametrize("size", [4, 70])
def test_overview_query_budget(manager, shop, size, django_assert_num_queries):
    grow(shop, size)
    manager.get(PORTAL)  # warm caches
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = manager.get(PORTAL, {"status": "tracked"})
    assert response.status_code == 200
    tracked = sum(1 for index in range(size) if index % 3)
    assert len(response.context["rows"]) == min(tracked, 50)


@pytest.mark.parametrize("size", [4, 70])
def test_history_query_budget(manager, shop, user, size, django_assert_num_queries):
    grow(shop, size)
    manager.get(f"{PORTAL}movements/")
    with django_assert_num_queries(HISTORY_QUERIES):
        response = manager.get(f"{PORTAL}movements/")
    assert response.status_code == 200
    assert len(response.context["movements"]) == min(
        StockMovement.objects.with_scopes_disabled().filter(vendor=shop).count(), 50
    )
