"""The Django admin shows every vendor's catalog to staff (scopes disabled on purpose)."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.catalog.factories import CategoryFactory, ProductFactory, ProductImageFactory
from orion_core.testing import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_staff_see_every_vendors_catalog(shop, other_shop):
    staff = StaffUserFactory(is_superuser=True)
    client = Client()
    client.force_login(staff)
    product = ProductFactory(vendor=shop, title="Mine")
    ProductFactory(vendor=other_shop, title="Theirs")
    ProductImageFactory(product=product)
    category = CategoryFactory(vendor=other_shop, name="Their category")
    listing = client.get("/admin/catalog/product/")
    assert listing.status_code == 200
    assert "Mine" in listing.content.decode() and "Theirs" in listing.content.decode()
    for url in (
        f"/admin/catalog/product/{product.pk}/change/",
        "/admin/catalog/variant/",
        "/admin/catalog/productimage/",
        "/admin/catalog/category/",
        f"/admin/catalog/category/{category.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/catalog/category/add/").status_code == 403
