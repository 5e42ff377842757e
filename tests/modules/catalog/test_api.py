"""The catalog APIs: /api/v1/vendor/<code>/catalog/ for the vendor's team (session or token, by
role) and the public, read-only /api/v1/shop/<code>/catalog/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from modules.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from modules.catalog.models import Category, Product
from modules.catalog.services import categories
from modules.tenancy.scoping import vendor_scope
from tests.modules.catalog.conftest import API, HOST, SHOP_API, api_client, team_member
from tests.modules.catalog.helpers import FixedStock, snapshot

pytestmark = pytest.mark.django_db

PRODUCTS = f"{API}products/"
CATS = f"{API}categories/"


@pytest.fixture
def api(manager):
    return api_client(manager)


def new_product(**overrides):
    return {"title": "Blue mug", "sku": "MUG-1", "price": "9.90", "status": "active", **overrides}


# --- products ------------------------------------------------------------------------------------


def test_list_is_paginated_filtered_and_vendor_only(api, shop, other_shop):
    kitchen = CategoryFactory(vendor=shop, name="Kitchen")
    ProductFactory(
        vendor=shop, title="Mug", category=kitchen, description="**Bold** <script>x</script>"
    )
    ProductFactory(vendor=shop, title="Rug", status="draft")
    ProductFactory(vendor=other_shop, title="Theirs")
    response = api.get(PRODUCTS)
    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [p["title"] for p in response.data["results"]] == ["Mug", "Rug"]
    mug = response.data["results"][0]
    assert mug["price"] == "19.90" and mug["category"] == kitchen.pk
    assert mug["variants"][0]["is_default"] is True
    assert (
        "<script>" not in mug["description_html"]
        and "<strong>Bold</strong>" in mug["description_html"]
    )
    assert [p["title"] for p in api.get(PRODUCTS, {"status": "draft"}).data["results"]] == ["Rug"]
    assert [p["title"] for p in api.get(PRODUCTS, {"search": "mug"}).data["results"]] == ["Mug"]
    found = api.get(PRODUCTS, {"category": kitchen.pk}).data["results"]
    assert [p["title"] for p in found] == ["Mug"]


def test_create_update_and_delete_with_variants(api, shop):
    body = new_product(
        title="Tee",
        sku="TEE",
        options=[{"name": "Size", "values": ["S", "M"]}],
        variants=[
            {"sku": "TEE-S", "values": {"Size": "S"}},
            {"sku": "TEE-M", "values": {"Size": "M"}, "price": "21.00"},
        ],
    )
    response = api.post(PRODUCTS, body, format="json")
    assert response.status_code == 201, response.data
    created = response.data
    assert created["slug"] == "tee"
    assert [(v["sku"], v["price"]) for v in created["variants"]] == [
        ("TEE-S", None),
        ("TEE-M", "21.00"),
    ]
    url = f"{PRODUCTS}{created['id']}/"
    patched = api.patch(url, {"price": "25.50", "status": "archived"}, format="json")
    assert patched.status_code == 200, patched.data
    assert (patched.data["price"], patched.data["status"]) == ("25.50", "archived")
    assert len(patched.data["variants"]) == 2  # PATCH without variants keeps them
    put = api.put(url, new_product(title="Tee", sku="TEE", price="30", options=[]), format="json")
    assert put.status_code == 200, put.data
    assert [v["is_default"] for v in put.data["variants"]] == [True]  # no options: one default
    assert api.get(url).data["price"] == "30.00"
    assert api.delete(url).status_code == 204
    with vendor_scope(shop):
        assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_product(sku="TAKEN"), "sku"),
        (new_product(price="-1"), "price"),
        (new_product(price="abc"), "price"),
        (new_product(price="1.234"), "price"),
        (new_product(compare_at_price="-2"), "compare_at_price"),
        (new_product(title="Taken", sku="NEW"), "slug"),
        (new_product(slug="taken"), "slug"),
        (new_product(currency="euro"), "currency"),
        (new_product(status="sold"), "status"),
        (new_product(category="THEIRS"), "category"),
        (new_product(category=2**70), "category"),
        (
            new_product(
                options=[{"name": "Size", "values": ["S"]}],
                variants=[{"sku": "TAKEN", "values": {"Size": "S"}}],
            ),
            "variants.0.sku",
        ),
        (
            new_product(
                options=[{"name": "Size", "values": ["S"]}],
                variants=[{"sku": "A-S", "values": {"Size": "XL"}}],
            ),
            "variants.0.values",
        ),
        (new_product(options=[{"name": "Size", "values": ["S"]}]), "variants"),
    ],
)
def test_bad_input_is_a_400_per_field_and_saves_nothing(api, shop, other_shop, body, field):
    ProductFactory(vendor=shop, title="Taken", slug="taken", sku="TAKEN")
    if body.get("category") == "THEIRS":
        body = {**body, "category": CategoryFactory(vendor=other_shop).pk}
    before = snapshot()
    response = api.post(PRODUCTS, body, format="json")
    assert response.status_code == 400
    assert field in response.data, response.data
    assert all(isinstance(m, str) for messages in response.data.values() for m in messages)
    assert snapshot() == before


def test_a_bad_update_saves_nothing(api, shop):
    product = ProductFactory(vendor=shop, sku="MUG", title="Mug")
    ProductFactory(vendor=shop, sku="OTHER")
    before = snapshot()
    response = api.patch(f"{PRODUCTS}{product.pk}/", {"sku": "OTHER"}, format="json")
    assert response.status_code == 400 and "sku" in response.data
    assert snapshot() == before


def test_another_vendors_product_is_a_404_and_unchanged(api, other_shop):
    theirs = ProductFactory(vendor=other_shop, title="Theirs")
    before = snapshot()
    url = f"{PRODUCTS}{theirs.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"title": "Mine now"}, format="json").status_code == 404
    assert api.put(url, new_product(), format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert snapshot() == before


def test_roles_a_viewer_reads_and_cannot_write(shop):
    ProductFactory(vendor=shop, title="Mug")
    viewer = api_client(team_member(shop, "viewer"))
    assert viewer.get(PRODUCTS).status_code == 200
    before = snapshot()
    response = viewer.post(PRODUCTS, new_product(sku="NEW"), format="json")
    assert response.status_code == 403 and "detail" in response.data
    assert viewer.post(CATS, {"name": "X"}, format="json").status_code == 403
    assert snapshot() == before
    staff_member = api_client(team_member(shop, "staff"))
    assert staff_member.post(PRODUCTS, new_product(sku="NEW"), format="json").status_code == 201


def test_strangers_are_refused(shop, other_shop):
    assert api_client().get(PRODUCTS).status_code in (401, 403)
    outsider = api_client(team_member(other_shop, "owner"))
    assert outsider.get(PRODUCTS).status_code == 404


def test_token_authentication(shop, manager):
    token = Token.objects.create(user=manager)
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(PRODUCTS, new_product(), format="json").status_code == 201
    assert client.get(PRODUCTS).data["count"] == 1


# --- categories ----------------------------------------------------------------------------------


def test_categories_add_move_rename_delete(
    api, shop, other_shop, django_capture_on_commit_callbacks
):
    def call(method, url, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(api, method)(url, body, format="json")

    home = call("post", CATS, {"name": "Home"})
    assert home.status_code == 201, home.data
    cups = call("post", CATS, {"name": "Cups", "parent": home.data["id"]})
    assert (cups.data["parent"], cups.data["depth"]) == (home.data["id"], 2)
    garden = call("post", CATS, {"name": "Garden"}).data
    moved = call("patch", f"{CATS}{cups.data['id']}/", {"parent": garden["id"], "name": "Mugs"})
    assert moved.status_code == 200, moved.data
    listed = api.get(CATS).data["results"]
    assert [(c["name"], c["parent"]) for c in listed] == [
        ("Garden", None),
        ("Mugs", garden["id"]),
        ("Home", None),
    ]
    theirs = CategoryFactory(vendor=other_shop)
    before = snapshot()
    assert call("post", CATS, {"name": "Sub", "parent": theirs.pk}).status_code == 400
    assert call("post", CATS, {"name": "Again", "slug": "home"}).data.keys() == {"slug"}
    into_itself = call("patch", f"{CATS}{garden['id']}/", {"parent": cups.data["id"]})
    assert into_itself.status_code == 400 and "parent" in into_itself.data
    assert api.get(f"{CATS}{theirs.pk}/").status_code == 404
    assert call("delete", f"{CATS}{theirs.pk}/").status_code == 404
    assert snapshot() == before
    assert call("delete", f"{CATS}{garden['id']}/").status_code == 204
    assert [n.name for n in categories.category_tree(shop)] == ["Home"]
    with vendor_scope(shop):
        assert Category.objects.count() == 1


# --- the public storefront API -------------------------------------------------------------------


def test_storefront_api_is_public_read_only_and_active_only(shop, other_shop, monkeypatch):
    from modules.catalog.services import storefront

    home = CategoryFactory(vendor=shop, name="Home", slug="home")
    kitchen = CategoryFactory(vendor=shop, name="Kitchen", slug="kitchen", parent=home)
    sizes = [{"name": "Size", "values": ["S", "M"]}]
    tee = ProductFactory(
        vendor=shop, title="Tee", slug="tee", price=Decimal("20"), category=kitchen, options=sizes
    )
    small = VariantFactory(product=tee, sku="TEE-S", values={"Size": "S"})
    VariantFactory(product=tee, sku="TEE-M", values={"Size": "M"}, price=Decimal("18"))
    ProductFactory(vendor=shop, title="Draft", slug="draft", status="draft")
    ProductFactory(vendor=other_shop, title="Theirs", slug="theirs")
    monkeypatch.setattr(storefront, "stock_for", lambda modules: FixedStock({small.pk: 0}))
    anonymous = api_client()
    listed = anonymous.get(f"{SHOP_API}products/")
    assert listed.status_code == 200
    assert [(p["title"], p["price"], p["in_stock"]) for p in listed.data["results"]] == [
        ("Tee", "18.00", True)
    ]
    assert anonymous.get(f"{SHOP_API}products/", {"category": "home"}).data["count"] == 1
    assert anonymous.get(f"{SHOP_API}products/", {"category": "nope"}).status_code == 400
    assert anonymous.get(f"{SHOP_API}products/", {"min_price": "-1"}).status_code == 400
    detail = anonymous.get(f"{SHOP_API}products/tee/")
    assert detail.status_code == 200
    assert detail.data["category"] == "kitchen"
    assert [(v["sku"], v["in_stock"], v["available"]) for v in detail.data["variants"]] == [
        ("TEE-S", False, 0),
        ("TEE-M", True, None),
    ]
    assert anonymous.get(f"{SHOP_API}products/draft/").status_code == 404
    assert anonymous.get(f"{SHOP_API}products/theirs/").status_code == 404
    assert anonymous.post(f"{SHOP_API}products/", {}, format="json").status_code == 405
    cats = anonymous.get(f"{SHOP_API}categories/").data
    assert [(c["slug"], c["depth"]) for c in cats] == [("home", 1), ("kitchen", 2)]
    with scopes_disabled():
        assert Product.objects.count() == 3
