"""Django admin pages (cross-vendor, scopes disabled) and the demo seed."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from modules.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerSegmentFactory,
    CustomerTaggingFactory,
)
from modules.customers.models import Customer
from modules.customers.services import DEMO_CUSTOMERS
from modules.tenancy.factories import VendorFactory
from modules.tenancy.scoping import scopes_disabled
from orion_core.testing import UserFactory
from tests.modules.customers.conftest import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client(HTTP_HOST=HOST)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_pages_show_every_vendor(admin_client, shop, other_shop):
    tagging = CustomerTaggingFactory(customer__vendor=shop, customer__email="a@shop-a.example")
    CustomerFactory(vendor=other_shop, email="b@shop-b.example")
    address = CustomerAddressFactory(customer=tagging.customer)
    segment = CustomerSegmentFactory(vendor=other_shop)
    objects = {
        "customer": tagging.customer,
        "customeraddress": address,
        "customertag": tagging.tag,
        "customertagging": tagging,
        "customersegment": segment,
    }
    for name, obj in objects.items():
        base = f"/admin/customers/{name}/"
        assert admin_client.get(base).status_code == 200, name
        assert admin_client.get(f"{base}?q=a").status_code == 200, name
        assert admin_client.get(f"{base}add/").status_code == 200, name
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200, name
        assert admin_client.get(f"{base}{obj.pk}/delete/").status_code == 200, name
    body = admin_client.get("/admin/customers/customer/").content.decode()
    assert "a@shop-a.example" in body and "b@shop-b.example" in body


def test_admin_can_add_a_tag(admin_client, shop):
    response = admin_client.post(
        "/admin/customers/customertag/add/", {"vendor": shop.pk, "name": "vip"}
    )
    assert response.status_code == 302
    response = admin_client.post(
        "/admin/customers/customertag/add/", {"vendor": shop.pk, "name": "VIP"}
    )
    assert response.status_code == 200  # unique per vendor, case-insensitively
    assert "already exists" in response.content.decode()


def test_seed_demo_adds_customers_to_demo_vendors_idempotently(platform):
    config = apps.get_app_config("customers")
    config.seed_demo({"acme": platform})  # no vendor yet: nothing to do
    with scopes_disabled():
        assert not Customer.objects.exists()
    vendor = VendorFactory(code="acme-shop", platforms=[platform])
    VendorFactory(code="elsewhere")  # not on a demo platform
    config.seed_demo({"acme": platform})
    config.seed_demo({"acme": platform})
    with scopes_disabled():
        assert Customer.objects.filter(vendor=vendor).count() == len(DEMO_CUSTOMERS)
        assert Customer.objects.count() == len(DEMO_CUSTOMERS)
