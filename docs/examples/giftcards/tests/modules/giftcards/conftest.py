"""Fixtures of the Giftcards tests.

Two shops on the ``acme`` platform (tests/conftest.py), the module switched on there, and
clients: anonymous, staff, and members of the first shop's team.
"""

import pytest
from django.test import Client

from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"  # the ``platform`` fixture's domain


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
    with override_module(platform, "giftcards"):
        yield platform


@pytest.fixture
def anonymous(platform):
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def staff(platform):
    client = Client(HTTP_HOST=HOST)
    client.force_login(StaffUserFactory())
    return client


@pytest.fixture
def client_of(shop):
    """``client_of("viewer")``: a client logged in as a team member of ``shop`` with that role."""

    def make(role: str) -> Client:
        user = UserFactory()
        MembershipFactory(user=user, vendor=shop, role=role)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def manager(client_of):
    return client_of("manager")
