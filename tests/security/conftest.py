"""Fixtures of the security tests: clients on the ``acme`` platform's host, fast hashing."""

from __future__ import annotations

import pytest
from django.test import Client

HOST = "acme.test"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def web(platform) -> Client:
    """An anonymous visitor of the acme platform."""
    return Client(HTTP_HOST=HOST)
