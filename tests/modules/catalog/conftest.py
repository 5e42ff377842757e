"""Fixtures of the catalog's tests: two shops on the ``acme`` platform with the catalog on, team
members by role, and clients pointed at the platform's host."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory, override_module

HOST = "acme.test"
PORTAL = "/vendor/shop-a/catalog/"
SHOP = "/shop/shop-a/"
API = "/api/v1/vendor/shop-a/catalog/"
SHOP_API = "/api/v1/shop/shop-a/catalog/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Images made by the tests (the media library's files) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog_on(platform):
    with override_module(platform, "catalog"):
        yield platform


@pytest.fixture
def shop(catalog_on):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[catalog_on])


@pytest.fixture
def other_shop(catalog_on):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[catalog_on])


def team_member(vendor, role):
    user = UserFactory()
    MembershipFactory(user=user, vendor=vendor, role=role)
    return user


def logged_in(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


@pytest.fixture
def manager(shop):
    return team_member(shop, Membership.Role.MANAGER)


@pytest.fixture
def viewer(shop):
    return team_member(shop, Membership.Role.VIEWER)


@pytest.fixture
def manager_client(manager):
    return logged_in(manager)


@pytest.fixture
def viewer_client(viewer):
    return logged_in(viewer)


@pytest.fixture
def visitor():
    return Client(HTTP_HOST=HOST)


def api_client(user=None) -> APIClient:
    client = APIClient(HTTP_HOST=HOST)
    if user is not None:
        client.force_authenticate(user)
    return client
