"""Shared fixtures. Tests that need PostgreSQL, Redis or Chromium skip with a reason on a laptop
without them; ``ORION_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns every such skip into a
failure so CI always runs them."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from django.db import connection
from django.utils import translation

from orion_core import state
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("ORION_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config) -> None:
    """Keep test runs off the developer's caches, and fast.

    Parallel workers (pytest -n), and other test runs at the same time, share one Redis: each
    worker of each run gets its own key prefix so one's generation bump never answers for
    another's test. Without Redis the default cache is a file cache (shared by local
    processes); tests get a directory of their own, and child processes inherit both through
    the environment."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
    prefix = f"orion-test-{run}-{worker or 'main'}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    settings.CACHES["default"]["KEY_PREFIX"] = prefix
    # Hashing a password takes about half a second with the production hasher, and the suite
    # creates thousands of users; what the tests check does not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions as in production (read from the shared cache, ``cached_db``) with or without
    # Redis, so a query budget counts the same on a laptop as in CI.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Pages and dashboards kept whole as in production (off by default with DEBUG, which the
    # settings default to), so every test goes through the path production serves.
    settings.ORION_PAGE_CACHE_TIMEOUT = 60
    # Uploads (media libraries, demo pictures) go to a directory of this run, never var/media.
    media = tempfile.mkdtemp(prefix=f"orion-test-media-{worker or 'main'}-")
    settings.MEDIA_ROOT = media
    os.environ["MEDIA_ROOT"] = media
    config.add_cleanup(lambda: shutil.rmtree(media, ignore_errors=True))
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        location = tempfile.mkdtemp(prefix=f"orion-test-cache-{worker or 'main'}-")
        settings.CACHES["default"]["LOCATION"] = location
        os.environ["CACHE_URL"] = f"filecache://{location}"
        config.add_cleanup(lambda: shutil.rmtree(location, ignore_errors=True))


def require(available: bool, reason: str) -> None:
    """Skip (or, in CI, fail) when a real service a test needs is not there."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (ORION_REQUIRE_SERVICES=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _stale_module_state():
    """Cached platform states from an earlier test must never answer for this one."""
    state.invalidate()
    yield
    state.invalidate()


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates a request's language and leaves it active on the thread, so a
    test that asked for French would otherwise leave French on for the tests after it."""
    yield
    translation.deactivate()


@pytest.fixture
def postgres(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            url = ""
    require(bool(url), "needs Redis: set REDIS_URL=redis://…")
    return url


@pytest.fixture
def chromium_path() -> str:
    require(shutil.which(CHROMIUM) is not None, f"needs Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def platform(db):
    return PlatformFactory(code="acme", name="Acme", domains=["acme.test"])


@pytest.fixture
def other_platform(db):
    return PlatformFactory(code="globex", name="Globex", domains=["globex.test"])


@pytest.fixture
def user(db):
    return UserFactory()


# What an operator who manages modules is granted (through a group, in production).
MODULE_MANAGER_PERMISSIONS = [
    "orion_core.change_platformmodule",
    "orion_core.change_platformmenuconfig",
]


@pytest.fixture
def staff_user(db):
    """Staff allowed to change modules and menus."""
    return StaffUserFactory(permissions=MODULE_MANAGER_PERMISSIONS)


@pytest.fixture
def readonly_staff(db):
    """Staff without the change permissions: may read the dashboard, change nothing."""
    return StaffUserFactory()
