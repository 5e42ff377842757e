"""The module registry: every installed module's definition and the lookups built on them.

Built from Django's app registry the first time it is asked for (never at import time, never
touching the database). Tests build their own ``ModuleRegistry`` from definitions.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from orion_core.exceptions import UnknownModuleError
from orion_core.modules.config import ModuleConfig
from orion_core.modules.definition import TIER_RANK, LimitDefinition, ModuleDefinition, Tier


class ModuleRegistry:
    """An immutable index of module definitions by code, tier, dependency and feature."""

    def __init__(self, definitions: Iterable[ModuleDefinition]) -> None:
        self._by_code: dict[str, ModuleDefinition] = {}
        self.duplicates: list[str] = []
        for definition in definitions:
            if definition.code in self._by_code:
                self.duplicates.append(definition.code)
            else:
                self._by_code[definition.code] = definition
        self._provider_cache: dict[tuple[str, str], Any] = {}
        self._order: list[str] | None = None
        self._lock = threading.Lock()

    # --- lookups -----------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[ModuleDefinition]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def all(self) -> list[ModuleDefinition]:
        return list(self._by_code.values())

    def codes(self) -> list[str]:
        return list(self._by_code)

    def get(self, code: str) -> ModuleDefinition:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownModuleError(code, known=self.codes()) from None

    def by_tier(self, tier: Tier | str) -> list[ModuleDefinition]:
        tier = Tier(tier)
        return [d for d in self._by_code.values() if d.tier is tier]

    def codes_by_tier(self, tier: Tier | str) -> list[str]:
        return [d.code for d in self.by_tier(tier)]

    def tier_of(self, code: str) -> Tier:
        return self.get(code).tier

    def is_core(self, code: str) -> bool:
        return code in self._by_code and self._by_code[code].is_core

    def is_internal(self, code: str) -> bool:
        return code in self._by_code and self._by_code[code].is_internal

    def module_for_feature(self, feature: str) -> ModuleDefinition | None:
        return next((d for d in self._by_code.values() if feature in d.features), None)

    def limits(self) -> list[LimitDefinition]:
        """Every limit a module declares (``ModuleDefinition.limits``), in registry order."""
        return [limit for d in self._by_code.values() for limit in d.limits]

    # --- the dependency graph ----------------------------------------------------------------

    def requirements(self, code: str, *, transitive: bool = True) -> set[str]:
        """Codes ``code`` needs enabled (known modules only; unknown ones are a system check)."""
        direct = {c for c in self.get(code).requires if c in self._by_code}
        if not transitive:
            return direct
        return self._closure(direct, lambda c: self._by_code[c].requires)

    def dependents(self, code: str, *, transitive: bool = True) -> set[str]:
        """Codes that need ``code``: switching it off switches them off."""
        self.get(code)
        direct = {d.code for d in self._by_code.values() if code in d.requires}
        if not transitive:
            return direct
        return self._closure(direct, lambda c: self.dependents(c, transitive=False))

    def _closure(self, start: set[str], step: Any) -> set[str]:
        seen: set[str] = set()
        todo = list(start)
        while todo:
            code = todo.pop()
            if code in seen:
                continue
            seen.add(code)
            todo.extend(c for c in step(code) if c in self._by_code and c not in seen)
        return seen

    def find_cycle(self) -> list[str] | None:
        """One dependency cycle as a closed path (``[a, b, a]``), or None."""
        state: dict[str, int] = {}
        path: list[str] = []

        def visit(code: str) -> list[str] | None:
            state[code] = 1
            path.append(code)
            for req in self._by_code[code].requires:
                if req not in self._by_code:
                    continue
                if state.get(req) == 1:
                    return [*path[path.index(req) :], req]
                if req not in state and (cycle := visit(req)):
                    return cycle
            path.pop()
            state[code] = 2
            return None

        for code in sorted(self._by_code):
            if code not in state and (cycle := visit(code)):
                return cycle
        return None

    def dependency_order(self, codes: Iterable[str] | None = None) -> list[str]:
        """Codes with every requirement before its dependents; ties broken by tier, then code.

        Raises ValueError on a cycle (start-up refuses cycles through system check orion.E002).
        The order of all modules is computed once; filtering it gives a valid order for any
        subset, which is what request-time callers use.
        """
        if codes is None:
            if self._order is None:
                self._order = self._sorted(set(self._by_code))
            return list(self._order)
        return self._sorted(set(codes))

    def tier_order(self) -> list[str]:
        """Core modules first, then optional, then internal ones; each tier in dependency order.
        The order of listings, and of demo data (core modules' vendors exist before others')."""
        order = self.dependency_order()
        return sorted(order, key=lambda c: (TIER_RANK[self.tier_of(c)], order.index(c)))

    def _sorted(self, wanted: set[str]) -> list[str]:
        ordered: list[str] = []
        placed: set[str] = set()
        remaining = sorted(wanted, key=lambda c: (TIER_RANK[self.tier_of(c)], c))
        while remaining:
            ready = [
                c
                for c in remaining
                if all(
                    r in placed or r not in wanted for r in self.requirements(c, transitive=False)
                )
            ]
            if not ready:
                raise ValueError(f"Dependency cycle among modules: {', '.join(remaining)}")
            ordered.extend(ready)
            placed.update(ready)
            remaining = [c for c in remaining if c not in placed]
        return ordered

    # --- providers (resolved lazily, once) ---------------------------------------------------

    def provider(self, code: str, kind: str) -> Any | None:
        """The module's ``kind`` provider object, or None if it declares none."""
        key = (code, kind)
        if key not in self._provider_cache:
            with self._lock:
                self._provider_cache[key] = self._resolve_provider(self.get(code), kind)
        return self._provider_cache[key]

    @staticmethod
    def _resolve_provider(definition: ModuleDefinition, kind: str) -> Any | None:
        if kind in definition.providers:
            return import_string(definition.providers[kind])
        if definition.providers_module:
            module = importlib.import_module(definition.providers_module)
            return getattr(module, f"{kind}_provider", None)
        return None


@functools.cache
def get_registry() -> ModuleRegistry:
    """The registry of the installed modules (built once per process, after apps load)."""
    apps.check_apps_ready()
    return ModuleRegistry(
        config.definition() for config in apps.get_app_configs() if isinstance(config, ModuleConfig)
    )


@receiver(setting_changed)
def _reset_on_installed_apps_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":
        get_registry.cache_clear()


# Names the original platform used, kept so callers read the same way.


def get_core_module_codes() -> list[str]:
    return get_registry().codes_by_tier(Tier.CORE)


def get_optional_module_codes() -> list[str]:
    return get_registry().codes_by_tier(Tier.OPTIONAL)


def get_internal_module_codes() -> list[str]:
    return get_registry().codes_by_tier(Tier.INTERNAL)


def get_module_tier(code: str) -> Tier:
    return get_registry().tier_of(code)


def is_core_module(code: str) -> bool:
    return get_registry().is_core(code)


def is_internal_module(code: str) -> bool:
    return get_registry().is_internal(code)


def get_modules_by_tier(tier: Tier | str) -> list[ModuleDefinition]:
    return get_registry().by_tier(tier)
