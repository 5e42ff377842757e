"""Fixtures of the customers tests: two shops on the ``acme`` platform, a team member of the
first, and clients pointed at the platform's host."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.customers.factories import CustomerFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory

HOST = "acme.test"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(platform):
    return VendorFactory(
        code="shop-a", name="Shop A", platforms=[platform], theme={"primary": "#112233"}
    )


@pytest.fixture
def other_shop(platform):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[platform])


@pytest.fixture
def client():
    return Client(HTTP_HOST=HOST)


def team_member(vendor, role):
    user = UserFactory()
    MembershipFactory(user=user, vendor=vendor, role=role)
    return user


@pytest.fixture
def manager(shop):
    return team_member(shop, Membership.Role.MANAGER)


@pytest.fixture
def viewer(shop):
    return team_member(shop, Membership.Role.VIEWER)


@pytest.fixture
def manager_client(manager):
    client = Client(HTTP_HOST=HOST)
    client.force_login(manager)
    return client


@pytest.fixture
def customer(shop):
    return CustomerFactory(vendor=shop, email="ann@example.com", first_name="Ann")
