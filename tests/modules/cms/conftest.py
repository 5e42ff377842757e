"""Fixtures of the content tests: two shops on the ``acme`` platform, team members of the first,
clients pointed at the platform's host, and a media storage of the test's own."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory

HOST = "acme.test"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of the test go to a folder of its own (the default storage is the file
    system; its location follows the setting)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


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


def member_client(vendor, role) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, vendor=vendor, role=role)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def manager_client(shop):
    return member_client(shop, Membership.Role.MANAGER)


@pytest.fixture
def viewer_client(shop):
    return member_client(shop, Membership.Role.VIEWER)


@pytest.fixture
def other_manager_client(other_shop):
    return member_client(other_shop, Membership.Role.MANAGER)
