"""Running modules' ``health_check`` hooks, shared by the staff page and the scheduled task."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from orion_core.modules.registry import get_registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModuleHealth:
    code: str
    name: str
    ok: bool
    detail: str = ""


def module_health(codes: Iterable[str]) -> list[ModuleHealth]:
    """Health of each module in ``codes`` (dependency order); a failure never stops the rest."""
    registry = get_registry()
    results = []
    for code in registry.dependency_order(c for c in codes if c in registry):
        definition = registry.get(code)
        try:
            definition.health_check()
        except Exception as exc:
            logger.error("Module %s is unhealthy: %s", code, exc)
            results.append(
                ModuleHealth(code, definition.name, ok=False, detail=str(exc) or type(exc).__name__)
            )
        else:
            results.append(ModuleHealth(code, definition.name, ok=True))
    return results
