"""Fixtures of the tenancy tests: two vendors on the ``acme`` platform and their teams."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory

HOST = "acme.test"


@pytest.fixture
def vendor(platform):
    return VendorFactory(code="alpha", name="Alpha Shop", platforms=[platform])


@pytest.fixture
def other_vendor(platform):
    return VendorFactory(code="beta", name="Beta Shop", platforms=[platform])


def member(vendor, role, **user_kwargs):
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, vendor=vendor, role=role)
    return user


@pytest.fixture
def owner(vendor):
    return member(vendor, Membership.Role.OWNER, username="olivia")


@pytest.fixture
def manager(vendor):
    return member(vendor, Membership.Role.MANAGER, username="manny")


@pytest.fixture
def staff_member(vendor):
    return member(vendor, Membership.Role.STAFF, username="stan")


@pytest.fixture
def viewer(vendor):
    return member(vendor, Membership.Role.VIEWER, username="vera")


@pytest.fixture
def web():
    """A test client on the acme platform's host."""
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def login(web):
    def as_user(user):
        web.force_login(user)
        return web

    return as_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing a password with the production hasher costs ~100 ms; tests make dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
