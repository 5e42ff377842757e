"""The icon browser's data: every icon name the modules' menus use, where, and whether the
project's stylesheet gives it a glyph (the sidebar renders ``<span class="icon icon-NAME">``,
which shows nothing without a ``.icon-NAME`` rule)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders

from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import ModuleRegistry, get_registry

STYLESHEET = "orion/orion.css"


@dataclass(frozen=True)
class IconUse:
    module: str
    frontend: str
    item: str  # the menu item's label


@dataclass(frozen=True)
class Icon:
    name: str
    uses: tuple[IconUse, ...]
    styled: bool  # the stylesheet has a ``.icon-<name>`` rule


def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    return Path(path).read_text(encoding="utf-8") if path else ""


def menu_icons(registry: ModuleRegistry | None = None) -> list[Icon]:
    """Each ``MenuItemDefinition.icon`` of every installed module and frontend, by name."""
    registry = registry if registry is not None else get_registry()
    uses: dict[str, list[IconUse]] = {}
    for code in registry.dependency_order():
        for frontend, sections in registry.get(code).menus.items():
            for section in sections:
                for item in section.items:
                    if item.icon:
                        uses.setdefault(item.icon, []).append(
                            IconUse(code, FrontendType(frontend).value, str(item.label))
                        )
    css = _stylesheet()
    return [
        Icon(name, tuple(found), styled=f".icon-{name}" in css)
        for name, found in sorted(uses.items())
    ]
