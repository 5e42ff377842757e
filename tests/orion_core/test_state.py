"""Module state resolution (orion_core.state): correctness, the warm-path budget, the
generation protocol that keeps a racing reader from restoring an old state, and cache outages.

Every behavioural test runs twice: on the local-memory cache and on a real Redis through
django-redis (skipped without Redis on a laptop, a failure in CI)."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from prometheus_client import REGISTRY

from orion_core import state
from orion_core.models import PlatformDomain
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory

HOST = "acme.test"
CACHE_OPS = ("get", "get_many", "set", "set_many", "add", "incr", "delete", "delete_many")


def cache_errors() -> float:
    return REGISTRY.get_sample_value("orion_state_cache_errors_total") or 0.0


def core_codes() -> set[str]:
    return {d.code for d in get_registry() if d.is_core}


class CacheSpy:
    """Counts the calls made on the real cache backend (the calls still reach it).

    Only outermost calls count: locmem's ``get_many`` calls its own ``get`` per key, which is one
    round trip for a networked cache.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        self._depth = 0
        backend = caches["default"]
        for name in CACHE_OPS:
            real = getattr(backend, name)
            monkeypatch.setattr(backend, name, self._wrap(name, real))

    def _wrap(self, name: str, real: Any) -> Any:
        def spy(*args: Any, **kwargs: Any) -> Any:
            if not self._depth:
                self.calls[name] += 1
            self._depth += 1
            try:
                return real(*args, **kwargs)
            finally:
                self._depth -= 1

        return spy

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""}}


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request: pytest.FixtureRequest):
    """The default cache replaced by a fresh local-memory cache or by Redis at REDIS_URL."""
    if request.param == "locmem":
        caches_setting = {"default": {**LOCMEM["default"], "LOCATION": f"state-{uuid.uuid4().hex}"}}
    else:
        url = request.getfixturevalue("redis_url")
        caches_setting = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                # A prefix of its own: nothing another test or process wrote can answer here.
                "KEY_PREFIX": f"orion-test-{uuid.uuid4().hex}",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
            }
        }
    # Django's setting_changed handler (django/test/signals.py) closes and rebuilds
    # django.core.cache.caches, so orion_core.state's `cache` proxy follows the override.
    with override_settings(CACHES=caches_setting):
        assert type(caches["default"]).__module__.startswith(
            "django_redis" if request.param == "redis" else "django.core.cache.backends.locmem"
        )
        state.invalidate()  # as the autouse fixture did for the cache it replaced
        yield request.param
        if request.param == "redis":
            caches["default"].delete_pattern("*")


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, cache_backend: str) -> CacheSpy:
    return CacheSpy(monkeypatch)


# --- what a host resolves to --------------------------------------------------------------------


@pytest.mark.django_db
def test_domain_resolves_to_its_platform_with_core_always_enabled(platform, cache_backend):
    ModuleService().enable(platform, "billing")
    state.invalidate()

    found = state.state_for_host(HOST)

    assert found is not None
    assert found.platform == platform
    assert found.enabled == core_codes() | {"billing", "payments"}
    assert found.is_enabled("core") and not found.is_enabled("orders")
    # Host names are case-insensitive.
    assert state.state_for_host("ACME.Test") == found


@pytest.mark.django_db
def test_core_modules_count_even_without_their_rows(platform, cache_backend):
    platform.modules.filter(module_code__in=core_codes()).delete()
    state.invalidate()

    assert core_codes() <= state.state_for_host(HOST).enabled


@pytest.mark.django_db
def test_rows_of_uninstalled_modules_are_ignored(platform, cache_backend):
    platform.modules.create(module_code="not_installed", is_enabled=True)
    state.invalidate()

    assert "not_installed" not in state.state_for_host(HOST).enabled


@pytest.mark.django_db
def test_unknown_host_falls_back_to_the_default_platform(platform, other_platform, cache_backend):
    with override_settings(ORION_DEFAULT_PLATFORM="globex"):
        found = state.state_for_host("nowhere.test")
    assert found is not None and found.platform == other_platform


@pytest.mark.django_db
def test_unknown_host_without_default_is_none(platform, cache_backend):
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert state.state_for_host("nowhere.test") is None


@pytest.mark.django_db
def test_default_platform_code_that_does_not_exist_is_none(platform, cache_backend):
    with override_settings(ORION_DEFAULT_PLATFORM="missing"):
        assert state.state_for_host("nowhere.test") is None


@pytest.mark.django_db
def test_inactive_platform_resolves_to_none(platform, cache_backend):
    platform.is_active = False
    platform.save()
    state.invalidate()

    assert state.state_for_host(HOST) is None
    with override_settings(ORION_DEFAULT_PLATFORM="acme"):
        state.invalidate()
        assert state.state_for_host("nowhere.test") is None


@pytest.mark.django_db
def test_state_for_platform_by_instance_and_id(platform, cache_backend):
    assert state.state_for_platform(platform).platform == platform
    assert state.state_for_platform(platform.pk).enabled == core_codes()
    with pytest.raises(type(platform).DoesNotExist):
        state.state_for_platform(platform.pk + 1000)


# --- the warm path ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_warm_lookup_costs_no_sql_and_one_cache_round_trip(
    platform, spy, django_assert_num_queries
):
    first = state.state_for_host(HOST)  # cold: loads and stores
    spy.reset()

    with django_assert_num_queries(0):
        warm = state.state_for_host(HOST)

    assert warm == first
    assert spy.calls == {"get_many": 1}


@pytest.mark.django_db
def test_warm_platform_lookup_costs_no_sql_and_one_cache_round_trip(
    platform, spy, django_assert_num_queries
):
    state.state_for_platform(platform)
    spy.reset()

    with django_assert_num_queries(0):
        state.state_for_platform(platform.pk)

    assert spy.calls == {"get_many": 1}


@pytest.mark.django_db
def test_cold_lookup_is_bounded(platform, spy, django_assert_num_queries):
    """Cold: one query for the domain and platform, one for the enabled codes, one for the menu
    configuration."""
    with django_assert_num_queries(3):
        state.state_for_host(HOST)
    # The generation already exists (the autouse fixture bumped it): read both, write the entry.
    assert spy.calls == {"get_many": 1, "set": 1}


@pytest.mark.django_db
def test_invalidate_makes_the_next_lookup_reload(
    platform, spy, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert not state.state_for_host(HOST).is_enabled("billing")

    # A committed change bumps the generation on commit: no explicit invalidate here.
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().enable(platform, "billing")

    with django_assert_num_queries(3):
        assert state.state_for_host(HOST).is_enabled("billing")
    with django_assert_num_queries(0):
        assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_without_invalidation_the_cached_state_still_answers(platform, cache_backend):
    """The counterpart of the test above: the cache is really used."""
    state.state_for_host(HOST)
    ModuleService().enable(platform, "billing")  # on_commit never runs inside the test

    assert not state.state_for_host(HOST).is_enabled("billing")
    state.invalidate()
    assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_platform_and_domain_edits_invalidate_on_commit(
    platform, cache_backend, django_capture_on_commit_callbacks
):
    assert state.state_for_host(HOST) is not None
    with django_capture_on_commit_callbacks(execute=True):
        PlatformDomain.objects.filter(domain=HOST).delete()
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert state.state_for_host(HOST) is None

    with django_capture_on_commit_callbacks(execute=True):
        PlatformDomain.objects.create(platform=platform, domain=HOST, is_primary=True)
    assert state.state_for_host(HOST).platform == platform

    with django_capture_on_commit_callbacks(execute=True):
        platform.is_active = False
        platform.save()
    assert state.state_for_host(HOST) is None


# --- the generation protocol --------------------------------------------------------------------


def _racing_load(platform, host: str, django_capture_on_commit_callbacks):
    """A loader that reads the old state and then, before it can store it, loses the race to a
    writer that commits a change (and bumps the generation on commit)."""

    def load():
        old = state._load_for_host(host)
        with django_capture_on_commit_callbacks(execute=True):
            ModuleService().enable(platform, "billing")
        return old

    return load


@pytest.mark.django_db
def test_a_reader_racing_a_writer_never_puts_the_old_state_back(
    platform, cache_backend, django_capture_on_commit_callbacks
):
    state.state_for_host(HOST)
    state.invalidate()  # the entry is stale: the next reader goes to the database

    # The real flow of `_cached`: read the generation, load (old), writer commits, store.
    stale = state._cached(
        state._host_key(HOST), _racing_load(platform, HOST, django_capture_on_commit_callbacks)
    )
    assert not stale.is_enabled("billing")  # it did read before the commit...

    # ...but what it stored carries a generation the commit has already bumped past.
    assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_a_racing_reader_on_a_cold_cache_never_puts_the_old_state_back(
    platform, cache_backend, django_capture_on_commit_callbacks
):
    cache.delete(state.GENERATION_KEY)

    stale = state._cached(
        state._host_key(HOST), _racing_load(platform, HOST, django_capture_on_commit_callbacks)
    )
    assert not stale.is_enabled("billing")
    assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_a_stale_entry_written_by_hand_with_the_old_generation_is_ignored(
    platform, cache_backend, django_capture_on_commit_callbacks
):
    """The same argument, spelled out step by step as a second process would interleave."""
    state.state_for_host(HOST)
    old_generation = cache.get(state.GENERATION_KEY)
    old_state = state._load_for_host(HOST)

    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().enable(platform, "billing")
    cache.set(state._host_key(HOST), (old_generation, old_state))

    assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_a_lost_generation_key_never_serves_an_older_entry(platform, cache_backend):
    state.state_for_host(HOST)
    old_generation = cache.get(state.GENERATION_KEY)
    ModuleService().enable(platform, "billing")  # committed, but its bump is lost with the key…
    cache.delete(state.GENERATION_KEY)  # …because the key was evicted

    assert state.state_for_host(HOST).is_enabled("billing")
    assert cache.get(state.GENERATION_KEY) != old_generation


@pytest.mark.django_db
def test_a_lost_generation_key_with_a_racing_reader(
    platform, cache_backend, django_capture_on_commit_callbacks
):
    """Reader reads generation G and the old state; the change commits (G+1); the key is then
    evicted and re-created by another process; the reader finally stores (G, old)."""
    state.state_for_host(HOST)
    old_generation = cache.get(state.GENERATION_KEY)
    old_state = state._load_for_host(HOST)
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().enable(platform, "billing")
    cache.delete(state.GENERATION_KEY)
    assert state.state_for_host(HOST).is_enabled("billing")  # another process re-creates it

    cache.set(state._host_key(HOST), (old_generation, old_state))

    assert state.state_for_host(HOST).is_enabled("billing")


@pytest.mark.django_db
def test_invalidate_after_the_key_was_lost_recreates_it(platform, cache_backend):
    cache.delete(state.GENERATION_KEY)
    state.invalidate()
    first = cache.get(state.GENERATION_KEY)
    assert first
    state.invalidate()
    second = cache.get(state.GENERATION_KEY)
    assert second and second != first  # a fresh token each time, never a reused one


# --- cache outage -------------------------------------------------------------------------------


def _break_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache is down")

    backend = caches["default"]
    for name in CACHE_OPS:
        monkeypatch.setattr(backend, name, down)


@pytest.mark.django_db
def test_cache_outage_falls_back_to_the_database(platform, cache_backend, monkeypatch):
    state.state_for_host(HOST)  # a warm entry that the outage must not keep serving
    _break_cache(monkeypatch)
    before = cache_errors()

    ModuleService().enable(platform, "billing")
    state.invalidate()  # must not raise: the change is already committed

    found = state.state_for_host(HOST)
    assert found is not None and found.platform == platform
    assert found.is_enabled("billing")
    assert state.state_for_platform(platform).is_enabled("billing")
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert state.state_for_host("nowhere.test") is None
    assert cache_errors() >= before + 4


@pytest.mark.django_db
def test_cache_failing_on_write_only_still_answers(
    platform, cache_backend, monkeypatch, django_assert_num_queries
):
    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache is read-only")

    monkeypatch.setattr(caches["default"], "set", down)
    before = cache_errors()

    with django_assert_num_queries(3):  # the database is read once, not again after the failure
        assert state.state_for_host(HOST).platform == platform
    assert cache_errors() == before + 1


@pytest.mark.django_db
def test_a_database_error_is_not_reported_as_a_cache_error(platform, cache_backend, monkeypatch):
    calls = []

    def broken_load():
        calls.append(1)
        raise RuntimeError("database is down")

    before = cache_errors()
    with pytest.raises(RuntimeError, match="database is down"):
        state._cached(state._host_key(HOST), broken_load)
    assert len(calls) == 1
    assert cache_errors() == before


@pytest.mark.django_db
def test_unreachable_redis_falls_back_to_the_database(platform):
    """A real outage, not a patch: django-redis pointed at a port nobody listens on."""
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    before = cache_errors()
    with override_settings(CACHES=unreachable):
        state.invalidate()
        found = state.state_for_host(HOST)
        assert found is not None and found.platform == platform
        assert state.state_for_platform(platform).enabled == core_codes()
    assert cache_errors() >= before + 3


@pytest.mark.django_db
def test_many_platforms_do_not_share_entries(cache_backend):
    platforms = [
        PlatformFactory(code=f"p{i}", modules=["catalog"] if i % 2 else []) for i in range(6)
    ]
    for index, item in enumerate(platforms):
        found = state.state_for_host(f"p{index}.test")
        assert found.platform == item
        assert found.is_enabled("catalog") is bool(index % 2)


# --- module config --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_module_config_is_cached_and_a_config_change_reaches_it_on_commit(
    platform, cache_backend, django_assert_num_queries, django_capture_on_commit_callbacks
):
    service = ModuleService()
    service.enable(platform, "billing")
    assert state.module_config(platform, "billing")["invoice_prefix"] == "INV-"
    with django_assert_num_queries(0):
        assert state.module_config(platform.pk, "billing")["invoice_prefix"] == "INV-"

    with django_capture_on_commit_callbacks(execute=True):
        service.set_config(platform, "billing", {"invoice_prefix": "ACME-"})
    assert state.module_config(platform, "billing")["invoice_prefix"] == "ACME-"


@pytest.mark.django_db
def test_module_config_never_puts_a_secret_in_the_cache(platform, cache_backend):
    service = ModuleService()
    service.enable(platform, "payments")
    service.set_config(platform, "payments", {"provider": "stripe", "api_key": "sk_live_hidden"})
    assert "sk_live_hidden" not in repr(state.module_config(platform, "payments"))
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == (
        "sk_live_hidden"
    )
