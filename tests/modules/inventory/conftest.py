"""Fixtures of the inventory tests: two shops on the ``acme`` platform (tests/conftest.py),
inventory switched on there, clients by role, and variants to keep stock of."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.catalog.models import Variant
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(platform):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[platform])


@pytest.fixture
def other_shop(platform):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[platform])


@pytest.fixture
def module_on(platform):
    with override_module(platform, "inventory"):
        yield platform


def make_variant(vendor, sku: str | None = None, **product) -> Variant:
    """A product of ``vendor`` with its default variant (SKU ``sku``), returned."""
    if sku is not None:
        product.setdefault("sku", sku)
    made = ProductFactory(vendor=vendor, **product)
    with scopes_disabled():
        return Variant.objects.select_related("product").get(product=made)


@pytest.fixture
def variant(shop):
    return make_variant(shop, "TEE-M", title="T-shirt")


@pytest.fixture
def their_variant(other_shop):
    return make_variant(other_shop, "THEIR-1", title="Their thing")


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
