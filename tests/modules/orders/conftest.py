"""Fixtures of the orders tests: two shops on the ``acme`` platform (tests/conftest.py) with
orders on (and so payments and catalog), products to buy, clients by role and shoppers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory, VariantFactory
from modules.catalog.models import Product, Variant
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"
SHOP = "/shop/shop-a/orders/"
PORTAL = "/vendor/shop-a/orders/"
API = "/api/v1/vendor/shop-a/orders/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def orders_on(platform):
    with override_module(platform, "orders"):
        yield platform


@pytest.fixture
def shop(orders_on):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[orders_on])


@pytest.fixture
def other_shop(orders_on):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[orders_on])


def make_variant(vendor, sku: str, price: str = "10.00", **product) -> Variant:
    """An active product of ``vendor`` with its default variant (SKU ``sku``), returned."""
    made = ProductFactory(vendor=vendor, sku=sku, price=Decimal(price), **product)
    with scopes_disabled():
        return Variant.objects.select_related("product").get(product=made)


def make_sized(vendor, sku: str, price: str = "30.00") -> tuple[Variant, Variant]:
    """A product with two sizes, S (the product's price) and L (5.00 more)."""
    product = ProductFactory(
        vendor=vendor,
        sku=sku,
        price=Decimal(price),
        options=[{"name": "Size", "values": ["S", "L"]}],
    )
    small = VariantFactory(vendor=vendor, product=product, sku=f"{sku}-S", values={"Size": "S"})
    large = VariantFactory(
        vendor=vendor,
        product=product,
        sku=f"{sku}-L",
        values={"Size": "L"},
        price=Decimal(price) + 5,
        position=1,
    )
    return small, large


@pytest.fixture
def tee(shop):
    return make_variant(shop, "TEE", "10.00", title="T-shirt", slug="t-shirt")


@pytest.fixture
def mug(shop):
    return make_variant(shop, "MUG", "7.50", title="Mug", slug="mug")


@pytest.fixture
def their_variant(other_shop):
    return make_variant(other_shop, "THEIRS", "3.00", title="Their thing", slug="their-thing")


@pytest.fixture
def draft_variant(shop):
    return make_variant(shop, "DRAFT", "5.00", title="Draft", status=Product.Status.DRAFT)


@pytest.fixture
def client_of(shop):
    """``client_of("viewer")``: a client logged in as a member of ``shop`` with that role."""

    def make(role: str, vendor=None) -> Client:
        user = UserFactory()
        MembershipFactory(user=user, vendor=vendor or shop, role=role)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def manager(client_of):
    return client_of("manager")


@pytest.fixture
def viewer(client_of):
    return client_of("viewer")


@pytest.fixture
def staff(platform):
    client = Client(HTTP_HOST=HOST)
    client.force_login(StaffUserFactory())
    return client


@pytest.fixture
def shopper(shop):
    return Client(HTTP_HOST=HOST)
