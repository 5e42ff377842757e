"""Fixtures of billing's tests: two shops on the ``acme`` platform (tests/conftest.py) with
billing on (and so payments), three tiers (Starter, Growth, Pro), clients by role, and staff.

Nothing here runs ``seed_demo``: tiers and subscriptions come from the factories, or from the
services when what is tested is how they are made."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from modules.billing.factories import TierFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"
PORTAL = "/vendor/shop-a/billing/"
API = "/api/v1/vendor/shop-a/billing/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def billing_on(platform):
    with override_module(platform, "billing"):
        yield platform


@pytest.fixture
def shop(billing_on):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[billing_on])


@pytest.fixture
def other_shop(billing_on):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[billing_on])


@pytest.fixture
def starter(billing_on):
    return TierFactory(
        platform=billing_on,
        code="starter",
        name="Starter",
        monthly_price=Decimal("9.00"),
        yearly_price=Decimal("90.00"),
        features=["products"],
        limits={"max_products": 2, "max_team_members": 2},
        position=10,
    )


@pytest.fixture
def growth(billing_on):
    return TierFactory(
        platform=billing_on,
        code="growth",
        name="Growth",
        monthly_price=Decimal("30.00"),
        yearly_price=Decimal("300.00"),
        features=["products", "reports"],
        limits={"max_products": 10, "max_team_members": 5},
        position=20,
    )


@pytest.fixture
def pro(billing_on):
    return TierFactory(
        platform=billing_on,
        code="pro",
        name="Pro",
        monthly_price=Decimal("90.00"),
        yearly_price=Decimal("900.00"),
        features=["products", "reports", "invoices"],
        limits={},
        position=30,
    )


@pytest.fixture
def tiers(starter, growth, pro):
    return starter, growth, pro


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
    client.user = StaffUserFactory(is_superuser=True)
    client.force_login(client.user)
    return client
