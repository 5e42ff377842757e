"""The vendor portal's catalog: the product list (filters, sorting, pagination, bulk actions),
the product form with its variant editor, CSV export and the category pages. Bad input is a 400
with the error at its field and nothing saved."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from modules.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from modules.catalog.models import Category, Product
from modules.catalog.services import categories
from modules.tenancy.scoping import vendor_scope
from tests.modules.catalog.conftest import PORTAL, logged_in, team_member
from tests.modules.catalog.helpers import snapshot

pytestmark = pytest.mark.django_db

LIST = f"{PORTAL}products/"
ADD = f"{PORTAL}products/add/"


def titles(response) -> list[str]:
    return [row["product"].title for row in response.context["rows"]]


# --- the list ------------------------------------------------------------------------------------


def test_the_list_is_for_the_team_only(visitor, shop, other_shop):
    assert visitor.get(LIST).status_code == 302
    outsider = logged_in(team_member(other_shop, "owner"))
    assert outsider.get(LIST).status_code == 404


def test_the_list_shows_only_the_vendors_products(manager_client, shop, other_shop):
    ProductFactory(vendor=shop, title="Mine")
    ProductFactory(vendor=other_shop, title="Theirs zzmarker")
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Mine"]
    assert "zzmarker" not in response.content.decode()


def test_filters_search_and_sorting(manager_client, shop):
    home = categories.add_category(shop, "Home")
    kitchen = categories.add_category(shop, "Kitchen", parent=home)
    ProductFactory(vendor=shop, title="Pan", price=Decimal("30"), category=kitchen, sku="PAN")
    ProductFactory(vendor=shop, title="Rug", price=Decimal("10"), category=home, status="draft")
    ProductFactory(vendor=shop, title="Mug", price=Decimal("20"), is_featured=True)
    tee = ProductFactory(vendor=shop, title="Tee", price=Decimal("5"), status="archived",
                         options=[{"name": "Size", "values": ["S"]}])  # fmt: skip
    VariantFactory(product=tee, sku="TEE-SMALL", values={"Size": "S"})

    def listed(**params) -> list[str]:
        return titles(manager_client.get(LIST, params))

    assert listed(o="price") == ["Tee", "Rug", "Mug", "Pan"]
    assert listed(o="-price") == ["Pan", "Mug", "Rug", "Tee"]
    assert listed(o="title") == ["Mug", "Pan", "Rug", "Tee"]
    assert listed(status="draft") == ["Rug"]
    assert listed(category=home.pk, o="title") == ["Pan", "Rug"]  # with its subcategories
    assert listed(category=kitchen.pk) == ["Pan"]
    assert listed(category="none", o="title") == ["Mug", "Tee"]
    assert listed(featured="yes") == ["Mug"]
    assert listed(q="pan") == ["Pan"]
    assert listed(q="TEE-SMALL") == ["Tee"]  # a variant's SKU
    assert listed(o="nonsense", q="") == listed()  # an unknown sort is the default


def test_the_list_is_paginated(manager_client, shop):
    for n in range(55):
        ProductFactory(vendor=shop, title=f"P{n:02d}")
    first = manager_client.get(LIST, {"o": "title"})
    assert len(first.context["rows"]) == 50 and first.context["total"] == 55
    second = manager_client.get(LIST, {"o": "title", "page": 2})
    assert titles(second) == [f"P{n}" for n in range(50, 55)]


def test_the_list_shows_stock_from_the_contract(manager_client, shop, monkeypatch):
    from modules.catalog.services import storefront
    from tests.modules.catalog.helpers import FixedStock

    counted = ProductFactory(vendor=shop, title="Counted")
    ProductFactory(vendor=shop, title="Uncounted")
    with vendor_scope(shop):
        variant = counted.variants.get()
    stock = FixedStock({variant.pk: 7})
    monkeypatch.setattr(storefront, "stock_for", lambda modules: stock)
    rows = {r["product"].title: r["stock"] for r in manager_client.get(LIST).context["rows"]}
    assert rows == {"Counted": 7, "Uncounted": None}
    assert len(stock.calls) == 1  # one question for the page


# --- bulk actions --------------------------------------------------------------------------------


def bulk(client, action, products=(), **extra):
    data = {"bulk-action": action, "bulk-selected": [p.pk for p in products], **extra}
    return client.post(LIST, data)


def test_bulk_publish_archive_and_move(manager_client, shop, other_shop):
    a = ProductFactory(vendor=shop, status="draft")
    b = ProductFactory(vendor=shop, status="draft")
    theirs = ProductFactory(vendor=other_shop, status="draft")
    response = bulk(manager_client, "publish", [a, b, theirs])
    assert response.status_code == 302
    with scopes_disabled():
        assert {p.status for p in Product.objects.filter(pk__in=[a.pk, b.pk])} == {"active"}
        assert Product.objects.get(pk=theirs.pk).status == "draft"
    category = CategoryFactory(vendor=shop)
    assert (
        bulk(manager_client, "category", [a], **{"bulk-category": category.pk}).status_code == 302
    )
    assert bulk(manager_client, "archive", [b]).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.category_id, b.status) == (category.pk, "archived")


def test_bulk_on_every_matching_product(manager_client, shop):
    for n in range(3):
        ProductFactory(vendor=shop, title=f"Mug {n}", status="draft")
    other = ProductFactory(vendor=shop, title="Pan", status="draft")
    response = bulk(
        manager_client, "publish", **{"bulk-select_across": "1", "filters": "q=mug&status=draft"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?q=mug&status=draft")
    with vendor_scope(shop):
        assert set(
            Product.objects.values_list("status", flat=True).filter(title__startswith="Mug")
        ) == {"active"}  # noqa: E501
    other.refresh_from_db()
    assert other.status == "draft"


def test_bulk_bad_input_is_a_400_and_changes_nothing(manager_client, shop, other_shop):
    mine = ProductFactory(vendor=shop, status="draft")
    theirs = CategoryFactory(vendor=other_shop)
    before = snapshot()
    response = bulk(manager_client, "category", [mine], **{"bulk-category": theirs.pk})
    assert response.status_code == 400
    assert response.context["bulk_form"].errors["category"]
    assert bulk(manager_client, "publish").status_code == 400  # nothing selected
    assert bulk(manager_client, "explode", [mine]).status_code == 400
    assert snapshot() == before


def test_a_viewer_reads_but_cannot_change(viewer_client, shop):
    product = ProductFactory(vendor=shop, status="draft")
    assert viewer_client.get(LIST).status_code == 200
    assert viewer_client.get(f"{PORTAL}products/{product.pk}/").status_code == 200
    before = snapshot()
    assert bulk(viewer_client, "publish", [product]).status_code == 403
    assert viewer_client.post(f"{PORTAL}products/{product.pk}/", {"title": "X"}).status_code == 403
    assert viewer_client.get(ADD).status_code == 403
    assert viewer_client.post(f"{PORTAL}products/{product.pk}/delete/").status_code == 403
    assert snapshot() == before


# --- the product form ----------------------------------------------------------------------------


def product_post(variants=(), options=(), **fields):
    data = {
        "title": "Blue mug",
        "sku": "MUG-1",
        "slug": "",
        "description": "A *mug*.",
        "price": "9.90",
        "compare_at_price": "",
        "currency": "EUR",
        "category": "",
        "status": "active",
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": "0",
        **fields,
    }
    for i, (name, values) in enumerate(options):
        data[f"options-{i}-name"] = name
        data[f"options-{i}-values"] = values
    for i, row in enumerate(variants):
        data[f"variants-{i}-values"] = json.dumps(row["values"])
        if row.get("enabled", True):
            data[f"variants-{i}-enabled"] = "on"
        data[f"variants-{i}-sku"] = row.get("sku", "")
        data[f"variants-{i}-price"] = row.get("price", "")
    return data


def test_create_a_simple_product(manager_client, shop):
    response = manager_client.post(ADD, product_post())
    assert response.status_code == 302, response.context and response.context["form"].errors
    with vendor_scope(shop):
        product = Product.objects.get()
        assert (product.slug, product.price, product.status) == (
            "blue-mug",
            Decimal("9.90"),
            "active",
        )
        assert list(product.variants.values_list("sku", "is_default")) == [("MUG-1", True)]


def test_the_variant_editor_lists_combinations_then_saves_them(manager_client, shop):
    options = [("Size", "S, M"), ("Colour", "Red, Blue")]
    before = snapshot()
    first = manager_client.post(ADD, product_post(options=options, sku="TEE", title="Tee"))
    assert first.status_code == 200 and first.context["regenerated"]  # rows first, no save
    assert snapshot() == before
    rows = [f.initial for f in first.context["variant_set"].forms]
    assert [json.loads(r["values"]) for r in rows] == [
        {"Size": "S", "Colour": "Red"},
        {"Size": "S", "Colour": "Blue"},
        {"Size": "M", "Colour": "Red"},
        {"Size": "M", "Colour": "Blue"},
    ]
    assert rows[0]["sku"] == "TEE-S-RED"
    variants = [
        {"values": json.loads(r["values"]), "sku": r["sku"], "enabled": i != 3,
         "price": "21.00" if i == 2 else ""}
        for i, r in enumerate(rows)
    ]  # fmt: skip
    response = manager_client.post(
        ADD, product_post(options=options, variants=variants, sku="TEE", title="Tee")
    )
    assert response.status_code == 302
    with vendor_scope(shop):
        product = Product.objects.get()
        assert list(product.variants.values_list("sku", "price")) == [
            ("TEE-S-RED", None),
            ("TEE-S-BLUE", None),
            ("TEE-M-RED", Decimal("21.00")),
        ]
    # The edit page offers the combination not sold, switched off.
    page = manager_client.get(f"{PORTAL}products/{product.pk}/")
    forms = page.context["variant_set"].forms
    assert [f.initial["enabled"] for f in forms] == [True, True, True, False]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku": "TAKEN"}, "sku"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"compare_at_price": "-5"}, "compare_at_price"),
        ({"title": "Taken", "sku": "NEW-1"}, "slug"),
        ({"slug": "taken"}, "slug"),
        ({"currency": "euro"}, "currency"),
        ({"sku": "has space"}, "sku"),
        ({"title": ""}, "title"),
        ({"status": "sold"}, "status"),
        ({"category": "theirs"}, "category"),
    ],
)
def test_bad_product_input_is_a_400_at_its_field(manager_client, shop, other_shop, change, field):
    ProductFactory(vendor=shop, title="Taken", slug="taken", sku="TAKEN")
    theirs = CategoryFactory(vendor=other_shop)
    if change.get("category") == "theirs":
        change = {"category": str(theirs.pk)}
    before = snapshot()
    response = manager_client.post(ADD, product_post(**change))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert snapshot() == before


def test_a_variant_sku_clash_is_shown_on_its_row(manager_client, shop):
    ProductFactory(vendor=shop, sku="MUG-9")
    options = [("Size", "S, M")]
    variants = [
        {"values": {"Size": "S"}, "sku": "TEE-S"},
        {"values": {"Size": "M"}, "sku": "MUG-9"},
    ]
    before = snapshot()
    response = manager_client.post(ADD, product_post(options=options, variants=variants))
    assert response.status_code == 400
    forms = response.context["variant_set"].forms
    assert not forms[0].errors and "sku" in forms[1].errors
    variants[1]["price"] = "-3"
    variants[1]["sku"] = "TEE-M"
    response = manager_client.post(ADD, product_post(options=options, variants=variants))
    assert (
        response.status_code == 400 and "price" in response.context["variant_set"].forms[1].errors
    )
    assert snapshot() == before


def test_editing_keeps_the_variants_and_another_vendors_product_is_404(
    manager_client, shop, other_shop
):
    product = ProductFactory(vendor=shop, title="Mug", sku="MUG")
    theirs = ProductFactory(vendor=other_shop, title="Theirs", sku="THEIRS")
    url = f"{PORTAL}products/{product.pk}/"
    page = manager_client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["sku"] == "MUG"
    response = manager_client.post(url, product_post(title="Mug 2", sku="MUG", **{"continue": "1"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Mug 2"
    before = snapshot()
    assert manager_client.get(f"{PORTAL}products/{theirs.pk}/").status_code == 404
    assert manager_client.post(f"{PORTAL}products/{theirs.pk}/", product_post()).status_code == 404
    assert manager_client.post(f"{PORTAL}products/{theirs.pk}/delete/").status_code == 404
    assert snapshot() == before


def test_delete_a_product(manager_client, shop):
    product = ProductFactory(vendor=shop)
    url = f"{PORTAL}products/{product.pk}/delete/"
    assert manager_client.get(url).status_code == 200
    assert manager_client.post(url).status_code == 302
    with vendor_scope(shop):
        assert not Product.objects.exists()


def test_variants_switched_off_on_the_platform(manager_client, shop, catalog_on):
    from orion_core.testing import override_module

    with override_module(catalog_on, "catalog", config={"allow_variants": False}):
        page = manager_client.get(ADD)
        assert not page.context["variants_allowed"]
        before = snapshot()
        options = [("Size", "S")]
        variants = [{"values": {"Size": "S"}, "sku": "A-S"}]
        response = manager_client.post(ADD, product_post(options=options, variants=variants))
        assert response.status_code == 400
        assert snapshot() == before


# --- CSV export ----------------------------------------------------------------------------------


def test_export_has_only_own_products_and_no_formulas(manager_client, shop, other_shop):
    ProductFactory(vendor=shop, title='=HYPERLINK("http://evil")', sku="A-1", price=Decimal("9.90"))
    tee = ProductFactory(
        vendor=shop, title="Tee", sku="TEE", options=[{"name": "Size", "values": ["S", "M"]}]
    )  # noqa: E501
    VariantFactory(product=tee, sku="TEE-S", values={"Size": "S"})
    VariantFactory(product=tee, sku="TEE-M", values={"Size": "M"}, price=Decimal("12.00"))
    ProductFactory(vendor=other_shop, title="Theirs zzmarker", sku="B-1")
    response = manager_client.get(f"{PORTAL}products/export.csv", {"o": "title"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "zzmarker" not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["title"] for r in rows] == ['\'=HYPERLINK("http://evil")', "Tee", "Tee"]
    assert [r["variant_sku"] for r in rows] == ["A-1", "TEE-S", "TEE-M"]
    assert rows[0]["price"] == "9.90" and rows[2]["variant_price"] == "12.00"


def test_export_needs_the_export_permission_and_a_valid_filter(viewer_client, manager_client, shop):
    assert viewer_client.get(f"{PORTAL}products/export.csv").status_code == 403
    response = manager_client.get(f"{PORTAL}products/export.csv", {"status": "nonsense"})
    assert response.status_code == 400


# --- categories ----------------------------------------------------------------------------------

CATEGORIES = f"{PORTAL}categories/"


def test_add_rename_move_and_delete_categories(
    manager_client, shop, django_capture_on_commit_callbacks
):
    def post(url, data=None):  # each request commits: its cache bumps run
        with django_capture_on_commit_callbacks(execute=True):
            return manager_client.post(url, data or {})

    assert post(CATEGORIES, {"name": "Home"}).status_code == 302
    with vendor_scope(shop):
        home = Category.objects.get(slug="home")
    assert post(CATEGORIES, {"name": "Cups", "parent": home.pk}).status_code == 302
    assert post(CATEGORIES, {"name": "Garden"}).status_code == 302
    with vendor_scope(shop):
        cups, garden = Category.objects.get(slug="cups"), Category.objects.get(slug="garden")
    page = manager_client.get(CATEGORIES)
    assert [row["node"].name for row in page.context["rows"]] == ["Garden", "Home", "Cups"]

    url = f"{CATEGORIES}{cups.pk}/"
    data = {"name": "Mugs", "slug": "mugs", "description": "", "parent": garden.pk}
    assert post(url, data).status_code == 302
    tree = categories.category_tree(shop)
    assert [(n.name, [c.name for c in n.children]) for n in tree] == [
        ("Garden", ["Mugs"]),
        ("Home", []),
    ]
    assert post(f"{CATEGORIES}{garden.pk}/delete/").status_code == 302
    assert [n.name for n in categories.category_tree(shop)] == ["Home"]


def test_bad_category_input_is_a_400_and_saves_nothing(manager_client, shop, other_shop):
    home = CategoryFactory(vendor=shop, name="Home", slug="home")
    child = CategoryFactory(vendor=shop, name="Child", slug="child", parent=home)
    theirs = CategoryFactory(vendor=other_shop)
    before = snapshot()
    cases = [
        (CATEGORIES, {"name": ""}, "name"),
        (CATEGORIES, {"name": "Again", "slug": "home"}, "slug"),
        (CATEGORIES, {"name": "Sub", "parent": theirs.pk}, "parent"),
        (f"{CATEGORIES}{home.pk}/", {"name": "Home", "parent": child.pk}, "parent"),  # into itself
        (f"{CATEGORIES}{child.pk}/", {"name": "Child", "slug": "home"}, "slug"),
    ]
    for url, data, field in cases:
        response = manager_client.post(url, data)
        assert response.status_code == 400, (url, data)
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    assert manager_client.get(f"{CATEGORIES}{theirs.pk}/").status_code == 404
    assert manager_client.post(f"{CATEGORIES}{theirs.pk}/delete/").status_code == 404
    assert snapshot() == before


def test_menu_entries_follow_the_permissions(shop, viewer_client, manager_client):
    page = viewer_client.get(LIST)
    assert f"{PORTAL}products/" in page.content.decode()
    assert "Add product" not in page.content.decode()
    assert "Add product" in manager_client.get(LIST).content.decode()
