"""Which platform a request is on and which modules it has, read from a shared cache.

The warm path costs one cache round trip and no SQL: ``get_many`` fetches the global module
state generation together with the entry for the host (or platform). An entry is trusted only
if it was written at the current generation. Every committed change bumps the generation
(``invalidate``), so every process sees the change on its next request.

Why a reader can never put an old state back: it reads the generation *before* it reads the
database and tags what it stores with that generation. A state read before a change commits is
therefore tagged with a generation the change has already bumped past. A lost generation key is
re-created from the clock, never reset to a value an old entry could carry.

If the cache is down, every lookup falls back to the database and requests keep working.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

from orion_core import metrics
from orion_core.models import Platform, PlatformDomain, PlatformModule
from orion_core.modules.registry import get_registry

logger = logging.getLogger(__name__)

GENERATION_KEY = "orion:modules:generation"


@dataclass(frozen=True)
class PlatformState:
    """A platform and the codes of its enabled modules, as of one generation."""

    platform: Platform
    enabled: frozenset[str]

    def is_enabled(self, code: str) -> bool:
        return code in self.enabled


def _host_key(host: str) -> str:
    return f"orion:modules:host:{host}"


def _platform_key(platform_id: int) -> str:
    return f"orion:modules:platform:{platform_id}"


def state_for_host(host: str) -> PlatformState | None:
    """The state of the platform serving ``host``; None when no active platform does."""
    host = host.lower()
    return _cached(_host_key(host), lambda: _load_for_host(host))


def state_for_platform(platform: Platform | int) -> PlatformState:
    """The state of one platform, for code outside requests (tasks, commands, services)."""
    platform_id = platform if isinstance(platform, int) else platform.pk
    state = _cached(_platform_key(platform_id), lambda: _load_for_platform(platform_id))
    if state is None:
        raise Platform.DoesNotExist(f"Platform {platform_id} does not exist.")
    return state


def invalidate() -> None:
    """Make every cached state stale. Call on commit of any change to platforms or modules."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted or never written
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a committed change
        logger.warning("Could not bump the module state generation", exc_info=True)
        metrics.cache_errors.inc()


def _cached(key: str, load: Any) -> PlatformState | None:
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # noqa: BLE001 - degrade to the database, never fail the request
        logger.warning("Module state cache unavailable; reading the database", exc_info=True)
        metrics.cache_errors.inc()
        return load()
    generation = found.get(GENERATION_KEY)
    entry = found.get(key)
    if generation is not None and entry is not None and entry[0] == generation:
        return _thaw(entry[1])
    if generation is None:
        try:
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        except Exception:  # noqa: BLE001
            logger.warning("Module state cache unavailable; reading the database", exc_info=True)
            metrics.cache_errors.inc()
            return load()
    # Outside the cache's error handling: a database error is not a cache outage, and the
    # database is read once even when storing the result fails.
    state = load()
    if generation is not None:
        try:
            cache.set(key, (generation, _freeze(state)), timeout=settings.ORION_STATE_CACHE_TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("Could not store the module state in the cache", exc_info=True)
            metrics.cache_errors.inc()
    return state


# Entries hold plain tuples, not model instances: unpickling a Platform costs more than the rest
# of the warm path together (bench/resolution.py).
_PLATFORM_FIELDS = tuple(f.attname for f in Platform._meta.concrete_fields)
Frozen = tuple[tuple[Any, ...], tuple[str, ...]] | None


def _freeze(state: PlatformState | None) -> Frozen:
    if state is None:
        return None
    values = tuple(getattr(state.platform, name) for name in _PLATFORM_FIELDS)
    return values, tuple(sorted(state.enabled))


def _thaw(frozen: Frozen) -> PlatformState | None:
    if frozen is None:
        return None
    values, enabled = frozen
    platform = Platform.from_db(DEFAULT_DB_ALIAS, _PLATFORM_FIELDS, values)
    return PlatformState(platform=platform, enabled=frozenset(enabled))


def _load_for_host(host: str) -> PlatformState | None:
    domain = PlatformDomain.objects.select_related("platform").filter(domain=host).first()
    if domain is not None:
        platform = domain.platform
    elif settings.ORION_DEFAULT_PLATFORM:
        platform = Platform.objects.filter(code=settings.ORION_DEFAULT_PLATFORM).first()
    else:
        platform = None
    if platform is None or not platform.is_active:
        return None
    return PlatformState(platform=platform, enabled=_enabled_codes(platform.pk))


def _load_for_platform(platform_id: int) -> PlatformState | None:
    platform = Platform.objects.filter(pk=platform_id).first()
    if platform is None:
        return None
    return PlatformState(platform=platform, enabled=_enabled_codes(platform_id))


def _enabled_codes(platform_id: int) -> frozenset[str]:
    registry = get_registry()
    stored = PlatformModule.objects.filter(platform_id=platform_id, is_enabled=True).values_list(
        "module_code", flat=True
    )
    # Core modules are always on; rows of modules no longer installed are ignored.
    core = (d.code for d in registry if d.is_core)
    return frozenset(code for code in stored if code in registry).union(core)
