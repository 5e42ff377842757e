"""Fixtures of the query-budget tests."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings

from orion_core import state


@pytest.fixture
def redis_sessions(redis_url):
    """Production shape: the shared cache in Redis (a prefix of this test's own) and sessions
    read from it."""
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"orion-test-{uuid.uuid4().hex[:10]}",
        }
    }
    engine = "django.contrib.sessions.backends.cached_db"
    with override_settings(CACHES=caches, SESSION_ENGINE=engine):
        state.invalidate()
        yield
        from django.core.cache import cache

        cache.delete_pattern("*")
