"""Shared by tests that start other processes (servers, Celery workers) against this test's
database and Redis: those processes can only see what the test has committed, so these tests
run on PostgreSQL with ``transaction=True``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from orion_core import state


def subprocess_database_url() -> str:
    """The URL of the database this test runs on, for a subprocess."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


@pytest.fixture
def shared_cache(redis_url: str) -> Iterator[dict[str, str]]:
    """This process's cache is the Redis the subprocesses use, under a prefix unique to the
    test; yields the environment that points a subprocess at the same cache."""
    prefix = f"orion-test-{uuid.uuid4().hex[:10]}"
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    # Django's setting_changed receiver closes and rebuilds the cache handlers for CACHES.
    with override_settings(CACHES=caches):
        state.invalidate()
        try:
            yield {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix}
        finally:
            cache.delete_pattern("*")  # only keys under this test's prefix
