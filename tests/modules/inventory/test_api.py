"""Inventory's vendor API: levels, movements, receive and adjust."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.factories import StockLocationFactory
from modules.inventory.models import StockLevel, StockLocation, StockMovement
from orion_core.contracts.stock import StockLine
from tests.modules.inventory.conftest import make_variant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

API = "/api/v1/vendor/shop-a/inventory/"


def post(client, path, data):
    return client.post(f"{API}{path}", data, content_type="application/json")


def rows(vendor):
    with scopes_disabled():
        return {
            model.__name__: list(model.objects.filter(vendor=vendor).order_by("pk").values())
            for model in (StockLocation, StockLevel, StockMovement)
        }


@pytest.fixture
def stock(shop, other_shop, variant, their_variant):
    services.receive(shop, variant, 10)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 4)])
    mug = make_variant(shop, "MUG")
    services.receive(shop, mug, 2)
    services.receive(other_shop, their_variant, 50)
    return {"tee": variant, "mug": mug, "theirs": their_variant}


def test_levels(manager, stock):
    response = manager.get(f"{API}levels/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    tee = next(r for r in body["results"] if r["sku"] == "TEE-M")
    assert (tee["on_hand"], tee["reserved"], tee["available"]) == (10, 4, 6)
    assert tee["variant"] == stock["tee"].pk and tee["location_code"] == "main"
    assert tee["product_title"] == "T-shirt"
    assert manager.get(f"{API}levels/{tee['id']}/").json()["available"] == 6


def test_level_filters(manager, stock):
    def skus(**params):
        return [r["sku"] for r in manager.get(f"{API}levels/", params).json()["results"]]

    assert skus(search="mug") == ["MUG"]
    assert skus(variant=stock["tee"].pk) == ["TEE-M"]
    assert skus(low="true") == ["MUG"]
    assert skus(variant=stock["theirs"].pk) == []
    assert manager.get(f"{API}levels/", {"variant": "x"}).status_code == 400
    assert manager.get(f"{API}levels/", {"location": "-1"}).status_code == 400


def test_movements(manager, stock):
    body = manager.get(f"{API}movements/").json()
    assert [m["kind"] for m in body["results"]] == ["receive", "reserve", "receive"]
    assert {m["sku"] for m in body["results"]} == {"TEE-M", "MUG"}
    kinds = manager.get(f"{API}movements/", {"kind": "reserve"}).json()["results"]
    assert [m["reserved_delta"] for m in kinds] == [4]
    assert manager.get(f"{API}movements/", {"kind": "steal"}).status_code == 400


def test_another_vendors_rows_are_404(manager, other_shop, stock):
    with scopes_disabled():
        theirs = StockLevel.objects.get(vendor=other_shop)
        movement = StockMovement.objects.get(vendor=other_shop)
    assert manager.get(f"{API}levels/{theirs.pk}/").status_code == 404
    assert manager.get(f"{API}movements/{movement.pk}/").status_code == 404


def test_movements_cannot_be_changed_through_the_api(manager, shop, stock):
    with scopes_disabled():
        mine = StockMovement.objects.filter(vendor=shop).first()
    url = f"{API}movements/{mine.pk}/"
    assert manager.delete(url).status_code == 405
    assert manager.patch(url, {"note": "x"}, content_type="application/json").status_code == 405


def test_receive(manager, shop, stock):
    response = post(manager, "receive/", {"sku": "MUG", "quantity": 3, "reference": "DN-9"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["on_hand_delta"], body["on_hand_after"]) == ("receive", 3, 5)
    assert body["user"] == manager.user.username
    by_id = post(manager, "receive/", {"variant": stock["tee"].pk, "quantity": 1})
    assert by_id.status_code == 201
    assert by_id.json()["on_hand_after"] == 11


def test_adjust(manager, shop, stock):
    response = post(
        manager, "adjust/", {"sku": "TEE-M", "change": -6, "reason": "lost", "note": "theft"}
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["on_hand_after"], response.json()["reason"]) == (4, "lost")


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("receive/", {"sku": "MUG", "quantity": 0}, "quantity"),
        ("receive/", {"sku": "MUG", "quantity": -3}, "quantity"),
        ("receive/", {"sku": "MUG", "quantity": "lots"}, "quantity"),
        ("receive/", {"sku": "MUG"}, "quantity"),
        ("receive/", {"quantity": 1}, "variant"),
        ("receive/", {"sku": "MUG", "variant": 1, "quantity": 1}, "variant"),
        ("receive/", {"sku": "NOPE", "quantity": 1}, "sku"),
        ("receive/", {"sku": "THEIR-1", "quantity": 1}, "sku"),
        ("receive/", {"variant": 10**20, "quantity": 1}, "variant"),
        ("receive/", {"sku": "MUG", "quantity": 1, "location": 999999}, "location"),
        ("receive/", {"sku": "MUG", "quantity": 1, "note": "x" * 201}, "note"),
        ("adjust/", {"sku": "TEE-M", "change": -7, "reason": "lost"}, "change"),  # 4 reserved
        ("adjust/", {"sku": "TEE-M", "change": -11, "reason": "lost"}, "change"),
        ("adjust/", {"sku": "TEE-M", "change": 0, "reason": "lost"}, "change"),
        ("adjust/", {"sku": "TEE-M", "change": 1, "reason": "feed"}, "reason"),
        ("adjust/", {"sku": "TEE-M", "change": 1}, "reason"),
        ("adjust/", {"sku": "TEE-M", "change": 1, "reason": "other"}, "note"),
    ],
)
def test_bad_input_is_a_400_per_field_and_nothing_is_saved(
    manager, shop, other_shop, stock, path, data, field
):
    before = rows(shop), rows(other_shop)
    response = post(manager, path, data)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert (rows(shop), rows(other_shop)) == before


def test_another_vendors_variant_or_location_in_a_body(manager, shop, other_shop, stock):
    theirs = StockLocationFactory(vendor=other_shop)
    before = rows(shop), rows(other_shop)
    response = post(manager, "receive/", {"variant": stock["theirs"].pk, "quantity": 1})
    assert response.status_code == 400 and "variant" in response.json()
    response = post(manager, "receive/", {"sku": "MUG", "quantity": 1, "location": theirs.pk})
    assert response.status_code == 400 and "location" in response.json()
    assert (rows(shop), rows(other_shop)) == before


def test_viewers_read_but_do_not_write(viewer, shop, stock):
    assert viewer.get(f"{API}levels/").status_code == 200
    assert post(viewer, "receive/", {"sku": "MUG", "quantity": 1}).status_code == 403
    assert (
        post(viewer, "adjust/", {"sku": "MUG", "change": 1, "reason": "found"}).status_code == 403
    )


def test_another_vendors_api_is_a_404(client_of, other_shop, stock):
    outsider = client_of("owner", vendor=other_shop)
    assert outsider.get(f"{API}levels/").status_code == 404
    assert post(outsider, "receive/", {"sku": "MUG", "quantity": 1}).status_code == 404


# The fixed cost is none (the session and its user come from the cache); the count and the page,
# with joins.
LIST_QUERIES = 2


@pytest.mark.parametrize("size", [3, 60])
def test_list_query_budgets(manager, shop, size, django_assert_num_queries):
    for index in range(size):
        variant = make_variant(shop, f"Q-{index:03d}")
        services.receive(shop, variant, 3)
    manager.get(f"{API}levels/")
    with django_assert_num_queries(LIST_QUERIES):
        assert manager.get(f"{API}levels/").status_code == 200
    with django_assert_num_queries(LIST_QUERIES):
        assert manager.get(f"{API}movements/").status_code == 200
