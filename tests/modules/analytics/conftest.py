"""Fixtures of the analytics tests: two shops on the ``acme`` platform (tests/conftest.py) with
analytics and orders on, orders placed at chosen moments, and clients by role."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from modules.orders.factories import OrderFactory, OrderLineFactory
from modules.orders.models import Order
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"
PORTAL = "/vendor/shop-a/analytics/"
LUX = ZoneInfo("Europe/Luxembourg")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analytics_on(platform):
    with override_module(platform, "analytics"), override_module(platform, "orders"):
        yield platform


@pytest.fixture
def shop(analytics_on):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[analytics_on])


@pytest.fixture
def other_shop(analytics_on):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[analytics_on])


def sale(vendor, platform, when: datetime.datetime, total: str = "19.90", **kwargs) -> Order:
    """A paid order of ``vendor`` on ``platform`` placed at ``when`` (one line, SKU by kwarg)."""
    sku = kwargs.pop("sku", "TEE")
    amount = Decimal(total)
    order = OrderFactory(
        vendor=vendor,
        platform=platform,
        placed_at=when,
        status=kwargs.pop("status", Order.Status.PAID),
        subtotal=amount,
        total=amount,
        **kwargs,
    )
    OrderLineFactory(
        order=order, vendor=vendor, sku=sku, title=sku.title(), unit_price=amount, total=amount
    )
    return order


def lux(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LUX)


@pytest.fixture
def owner_client(shop):
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=shop, role="owner")
    client = Client(HTTP_HOST=HOST)
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(analytics_on):
    client = Client(HTTP_HOST=HOST)
    client.force_login(StaffUserFactory())
    return client
