"""The catalog's services: the category tree per vendor, products with variants saved all or
nothing, bulk status changes, search, and the events they send."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from modules.catalog.factories import CategoryFactory, ProductFactory
from modules.catalog.models import Category, Product, Variant
from modules.catalog.services import categories, products
from modules.catalog.services.errors import CatalogError
from modules.catalog.services.products import ProductInput, VariantInput
from modules.catalog.services.search import search_products
from modules.tenancy.factories import VendorFactory
from modules.tenancy.scoping import vendor_scope
from orion_core.domain_events import product_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor(platform):
    return VendorFactory(code="shop-a", platforms=[platform])


@pytest.fixture
def other_vendor(platform):
    return VendorFactory(code="shop-b", platforms=[platform])


def snapshot():
    with scopes_disabled():
        return (
            list(Product.objects.values().order_by("pk")),
            list(Variant.objects.values().order_by("pk")),
            list(Category.objects.values().order_by("pk")),
        )


# --- categories ------------------------------------------------------------------------------


def test_each_vendor_has_a_tree_of_its_own(vendor, other_vendor):
    home = categories.add_category(vendor, "Home")
    kitchen = categories.add_category(vendor, "Kitchen", parent=home)
    theirs = categories.add_category(other_vendor, "Home")  # same path, another tree
    assert home.path == theirs.path
    categories.add_category(vendor, "Garden")

    tree = categories.category_tree(vendor)
    assert [n.name for n in tree] == ["Garden", "Home"]
    assert [c.name for c in tree[1].children] == ["Kitchen"]
    assert [n.slug for n in categories.find(tree, "kitchen")] == ["home", "kitchen"]
    assert categories.descendant_ids(tree[1]) == [home.pk, kitchen.pk]
    assert [n.name for n in categories.category_tree(other_vendor)] == ["Home"]


def test_moving_a_subtree_touches_no_other_vendor(vendor, other_vendor):
    home = categories.add_category(vendor, "Home")
    kitchen = categories.add_category(vendor, "Kitchen", parent=home)
    categories.add_category(vendor, "Cups", parent=kitchen)
    garden = categories.add_category(vendor, "Garden")
    their_home = categories.add_category(other_vendor, "Home")
    categories.add_category(other_vendor, "Tools", parent=their_home)
    theirs_before = snapshot()[2]
    theirs_before = [row for row in theirs_before if row["vendor_id"] == other_vendor.pk]

    categories.move_category(kitchen, garden)

    tree = categories.category_tree(vendor)
    assert [(n.name, [c.name for c in n.children]) for n in tree] == [
        ("Garden", ["Kitchen"]),
        ("Home", []),
    ]
    assert [c.name for c in tree[0].children[0].children] == ["Cups"]
    after = [row for row in snapshot()[2] if row["vendor_id"] == other_vendor.pk]
    assert after == theirs_before


def test_bad_category_input_is_refused_and_saves_nothing(vendor, other_vendor):
    home = categories.add_category(vendor, "Home")
    before = snapshot()
    with pytest.raises(CatalogError) as error:
        categories.add_category(vendor, "   ")
    assert "name" in error.value.errors
    with pytest.raises(CatalogError) as error:
        categories.add_category(vendor, "Home again", slug="home")
    assert "slug" in error.value.errors
    with pytest.raises(CatalogError) as error:
        categories.add_category(other_vendor, "Sub", parent=home)
    assert "parent" in error.value.errors
    with pytest.raises(CatalogError):
        categories.move_category(home, home)
    assert snapshot() == before


def test_deleting_a_category_keeps_its_products_uncategorised(vendor):
    home = categories.add_category(vendor, "Home")
    kitchen = categories.add_category(vendor, "Kitchen", parent=home)
    product = ProductFactory(vendor=vendor, category=kitchen)
    assert categories.delete_category(home) == 2
    product.refresh_from_db()
    assert product.category is None


# --- products -----------------------------------------------------------------------------------


def simple(**overrides) -> ProductInput:
    return ProductInput(**{"title": "Blue mug", "sku": "MUG-1", "price": "9.90", **overrides})


def test_a_simple_product_gets_one_default_variant_that_follows_it(vendor):
    product = products.save_product(vendor, simple(description="A *mug*."))
    assert (product.slug, product.price, product.currency) == ("blue-mug", Decimal("9.90"), "EUR")
    with vendor_scope(vendor):
        (variant,) = product.variants.all()
    assert (variant.sku, variant.is_default, variant.effective_price) == (
        "MUG-1",
        True,
        Decimal("9.90"),
    )

    products.save_product(vendor, simple(sku="MUG-2", price="12"), product=product)
    with vendor_scope(vendor):
        (variant,) = product.variants.all()
    assert variant.sku == "MUG-2" and variant.effective_price == Decimal("12.00")


def test_a_product_with_options_keeps_one_variant_per_combination(vendor):
    options = [{"name": "Size", "values": ["S", "M"]}, {"name": "Colour", "values": ["Red"]}]
    combos = products.generate_variants(options)
    assert combos == [{"Size": "S", "Colour": "Red"}, {"Size": "M", "Colour": "Red"}]
    variants = [
        VariantInput("TEE-S", combos[0]),
        VariantInput("TEE-M", combos[1], price="21.00"),
    ]
    product = products.save_product(
        vendor, simple(title="Tee", sku="TEE", price="19", options=options, variants=variants)
    )
    with vendor_scope(vendor):
        rows = list(product.variants.values_list("sku", "price", "is_default"))
        medium_pk = product.variants.get(sku="TEE-M").pk
    assert rows == [("TEE-S", None, False), ("TEE-M", Decimal("21.00"), False)]

    # The two swap SKUs, and the medium one keeps its row (its stock and history).
    swapped = [VariantInput("TEE-M", combos[0]), VariantInput("TEE-S", combos[1])]
    products.save_product(
        vendor, simple(title="Tee", sku="TEE", price="19", options=options, variants=swapped),
        product=product,
    )  # fmt: skip
    with vendor_scope(vendor):
        assert product.variants.get(values={"Size": "M", "Colour": "Red"}).pk == medium_pk
        assert product.variants.get(pk=medium_pk).sku == "TEE-S"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "1e20"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"currency": "euro"}, "currency"),
        ({"sku": "has space"}, "sku"),
        ({"sku": ""}, "sku"),
        ({"status": "sold"}, "status"),
        ({"options": [{"name": "Size", "values": []}]}, "options"),
        ({"options": [{"name": "Size", "values": ["S", "s"]}]}, "options"),
    ],
)
def test_bad_product_input_names_the_field_and_saves_nothing(vendor, overrides, field):
    before = snapshot()
    with pytest.raises(CatalogError) as error:
        products.save_product(vendor, simple(**overrides))
    assert field in error.value.errors, error.value.errors
    assert snapshot() == before


def test_skus_and_slugs_are_unique_per_vendor_only(vendor, other_vendor):
    products.save_product(vendor, simple())
    before = snapshot()
    with pytest.raises(CatalogError) as error:
        products.save_product(vendor, simple(title="Other mug"))  # same SKU
    assert list(error.value.errors) == ["sku"]
    with pytest.raises(CatalogError) as error:
        products.save_product(vendor, simple(sku="MUG-9"))  # same slug
    assert list(error.value.errors) == ["slug"]
    options = [{"name": "Size", "values": ["S"]}]
    with pytest.raises(CatalogError) as error:  # a variant SKU clashing with another product
        products.save_product(
            vendor,
            simple(title="Tee", sku="TEE", options=options,
                   variants=[VariantInput("MUG-1", {"Size": "S"})]),
        )  # fmt: skip
    assert "variants.0.sku" in error.value.errors
    assert snapshot() == before
    products.save_product(other_vendor, simple())  # another vendor may use both


def test_a_category_of_another_vendor_is_refused(vendor, other_vendor):
    theirs = CategoryFactory(vendor=other_vendor)
    with pytest.raises(CatalogError) as error:
        products.save_product(vendor, simple(category=theirs))
    assert "category" in error.value.errors


def test_variants_must_match_the_options(vendor):
    options = [{"name": "Size", "values": ["S", "M"]}]
    cases = [
        ([], "variants"),
        ([VariantInput("A", {"Size": "XL"})], "variants.0.values"),
        ([VariantInput("A", {"Size": "S"}), VariantInput("B", {"Size": "S"})], "variants.1.values"),
        ([VariantInput("A", {"Size": "S"}), VariantInput("A", {"Size": "M"})], "variants.1.sku"),
        ([VariantInput("A", {"Size": "S"}, price="-3")], "variants.0.price"),
    ]
    for variants, field in cases:
        with pytest.raises(CatalogError) as error:
            products.save_product(vendor, simple(options=options, variants=variants))
        assert field in error.value.errors, (variants, error.value.errors)


def test_publishing_sends_product_published_once(vendor, django_capture_on_commit_callbacks):
    heard = []
    product_published.connect(lambda sender, **kw: heard.append(kw["sku"]), weak=False,
                              dispatch_uid="test_catalog_heard")  # fmt: skip
    try:
        with django_capture_on_commit_callbacks(execute=True):
            product = products.save_product(vendor, simple())  # a draft: nothing
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            products.save_product(vendor, simple(status="active"), product=product)
            products.save_product(vendor, simple(status="active"), product=product)
        assert heard == ["MUG-1"]
        with django_capture_on_commit_callbacks(execute=True), vendor_scope(vendor):
            other = products.save_product(vendor, simple(title="Cup", sku="CUP"))
            changed = products.set_status(
                vendor, Product.objects.filter(pk__in=[product.pk, other.pk]), "active"
            )
        assert changed == 1 and heard == ["MUG-1", "CUP"]
    finally:
        product_published.disconnect(dispatch_uid="test_catalog_heard")


def test_bulk_changes_reach_only_the_vendors_own_products(vendor, other_vendor):
    mine = ProductFactory(vendor=vendor, status="draft")
    theirs = ProductFactory(vendor=other_vendor, status="draft")
    category = CategoryFactory(vendor=vendor)
    with vendor_scope(vendor):
        everything = Product.objects.filter(pk__in=[mine.pk, theirs.pk])
        assert products.set_status(vendor, everything, "archived") == 1
        assert products.set_category(vendor, everything, category) == 1
    theirs.refresh_from_db()
    assert theirs.status == "draft" and theirs.category_id is None


# --- search ---------------------------------------------------------------------------------


def test_search_finds_words_and_prefixes_in_title_sku_and_description(vendor, other_vendor):
    ProductFactory(vendor=vendor, title="Blue ceramic mug", sku="MUG-1", description="Holds tea")
    ProductFactory(vendor=vendor, title="Teapot", sku="POT-1", description="Pours tea for four")
    ProductFactory(vendor=vendor, title="Red scarf", sku="SCARF", description="Wool")
    ProductFactory(vendor=other_vendor, title="Blue mug elsewhere", sku="MUG-1")
    with vendor_scope(vendor):
        everything = Product.objects.all()

        def titles(query: str) -> set[str]:
            return set(search_products(everything, query).values_list("title", flat=True))

        assert titles("mug") == {"Blue ceramic mug"}
        assert titles("Tea") == {"Blue ceramic mug", "Teapot"}  # description, title prefix
        assert titles("cer") == {"Blue ceramic mug"}  # a prefix
        assert titles("scarf") == {"Red scarf"}
        assert titles("") == {"Blue ceramic mug", "Teapot", "Red scarf"}
        assert titles("zzz") == set()
        for odd in ('"unclosed', "-", "a & b | c", "()<>:*!", "t-shirt", "é" * 300, "'; drop"):
            list(search_products(everything, odd))  # never a database error


def test_full_text_search_ranks_title_matches_first(vendor, postgres):
    ProductFactory(vendor=vendor, title="Cotton bag", description="Carries a mug")
    ProductFactory(vendor=vendor, title="Mug", description="Plain")
    with vendor_scope(vendor):
        ranked = list(search_products(Product.objects.all(), "mug").values_list("title", flat=True))
    assert ranked == ["Mug", "Cotton bag"]
    assert connection.vendor == "postgresql"
