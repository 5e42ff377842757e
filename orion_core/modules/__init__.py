"""The public API for module authors: declare a module with these names."""

from orion_core.modules.config import ModuleConfig
from orion_core.modules.definition import (
    FrontendType,
    LimitDefinition,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleDefinition,
    PermissionDefinition,
    ScheduledTask,
    Tier,
)

__all__ = [
    "FrontendType",
    "LimitDefinition",
    "MenuItemDefinition",
    "MenuSectionDefinition",
    "ModuleConfig",
    "ModuleDefinition",
    "PermissionDefinition",
    "ScheduledTask",
    "Tier",
]
