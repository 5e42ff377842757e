"""Which platform a request is on and which modules it has, read from the shared cache.

The warm path costs one cache round trip and no SQL (``orion_core.shared_cache``): an entry per
host (or per platform) is trusted only while the generation it was read under is current. Every
committed change of platforms or modules calls ``invalidate``, so every process sees the change
on its next request. If the cache is down, every lookup falls back to the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from orion_core import shared_cache
from orion_core.models import Platform, PlatformDomain, PlatformMenuConfig, PlatformModule
from orion_core.modules.registry import get_registry

GENERATION_KEY = shared_cache.GENERATION_KEY
CONFIG_SCOPE = "module-config"  # config changes bump only this scope (see ``module_config``)


@dataclass(frozen=True)
class PlatformState:
    """What every request needs to know about its platform, as of one generation: the platform,
    the codes of its enabled modules, and the menu items it hides (frontend → item keys).

    ``by_domain`` is False when a host matched no platform domain and fell back to
    ``ORION_DEFAULT_PLATFORM`` (development): such a host may still be a vendor's own domain.
    """

    platform: Platform
    enabled: frozenset[str]
    by_domain: bool = True
    hidden_menu_items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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


def all_platforms() -> list[Platform]:
    """Every platform, by code (the staff dashboard's switcher): no SQL when warm. Platform
    edits invalidate it like every state (``orion_core.receivers``)."""
    frozen = shared_cache.get_or_load(
        "orion:platforms",
        lambda: [_platform_values(p) for p in Platform.objects.order_by("code")],
    )
    return [_platform(values) for values in frozen]


def module_config(platform: Platform | int, code: str) -> dict[str, Any]:
    """A module's effective config on ``platform`` (defaults under stored values, secrets
    masked): no SQL when warm. For settings read on every page or widget (a low-stock
    threshold). A config change bumps ``CONFIG_SCOPE`` on commit, which leaves the platform
    states cached; whatever invalidates the states invalidates this too. Code that needs secrets
    reads them through ``ModuleService.get_config(..., reveal_secrets=True)``, never from here,
    so they are never written to the cache."""
    from orion_core.services import ModuleService

    platform_id = platform if isinstance(platform, int) else platform.pk
    return shared_cache.get_or_load(
        f"orion:modules:config:{platform_id}:{code}",
        lambda: ModuleService().get_config(platform_id, code),
        scope=CONFIG_SCOPE,
    )


def invalidate() -> None:
    """Make every cached state stale. Call on commit of any change to platforms or modules."""
    shared_cache.bump()


def _cached(key: str, load: Any) -> PlatformState | None:
    return shared_cache.get_or_load(key, load, freeze=_freeze, thaw=_thaw)


# Entries hold plain tuples, not model instances: unpickling a Platform costs more than the rest
# of the warm path together (bench/resolution.py).
_PLATFORM_FIELDS = tuple(f.attname for f in Platform._meta.concrete_fields)
Frozen = tuple[tuple[Any, ...], tuple[str, ...], bool, dict[str, tuple[str, ...]]] | None


def _platform_values(platform: Platform) -> tuple[Any, ...]:
    return tuple(getattr(platform, name) for name in _PLATFORM_FIELDS)


def _platform(values: tuple[Any, ...]) -> Platform:
    return Platform.from_db(DEFAULT_DB_ALIAS, _PLATFORM_FIELDS, values)


def _freeze(state: PlatformState | None) -> Frozen:
    if state is None:
        return None
    values = _platform_values(state.platform)
    return values, tuple(sorted(state.enabled)), state.by_domain, dict(state.hidden_menu_items)


def _thaw(frozen: Frozen) -> PlatformState | None:
    if frozen is None:
        return None
    values, enabled, by_domain, hidden = frozen
    return PlatformState(
        platform=_platform(values),
        enabled=frozenset(enabled),
        by_domain=by_domain,
        hidden_menu_items=hidden,
    )


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
    return PlatformState(
        platform=platform,
        enabled=_enabled_codes(platform.pk),
        by_domain=domain is not None,
        hidden_menu_items=_hidden_menu_items(platform.pk),
    )


def _load_for_platform(platform_id: int) -> PlatformState | None:
    platform = Platform.objects.filter(pk=platform_id).first()
    if platform is None:
        return None
    return PlatformState(
        platform=platform,
        enabled=_enabled_codes(platform_id),
        hidden_menu_items=_hidden_menu_items(platform_id),
    )


def _enabled_codes(platform_id: int) -> frozenset[str]:
    registry = get_registry()
    stored = PlatformModule.objects.filter(platform_id=platform_id, is_enabled=True).values_list(
        "module_code", flat=True
    )
    # Core modules are always on; rows of modules no longer installed are ignored.
    core = (d.code for d in registry if d.is_core)
    return frozenset(code for code in stored if code in registry).union(core)


def _hidden_menu_items(platform_id: int) -> dict[str, tuple[str, ...]]:
    rows = PlatformMenuConfig.objects.filter(platform_id=platform_id).values_list(
        "frontend", "hidden_items"
    )
    return {
        frontend: tuple(sorted(k for k in (hidden or ()) if isinstance(k, str)))
        for frontend, hidden in rows
    }
