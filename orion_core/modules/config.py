"""``ModuleConfig``: the AppConfig every Orion module subclasses.

The class attributes are the module's declaration (ARCHITECTURE.md §4); the methods are its
lifecycle hooks, overridden like ``ready()``. Nothing here touches the database: the registry
reads these attributes once the app registry is ready.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig

from orion_core.modules.definition import (
    FrontendType,
    LimitDefinition,
    MenuSectionDefinition,
    ModuleDefinition,
    PermissionDefinition,
    ScheduledTask,
    Tier,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from rest_framework import serializers

    from orion_core.models import Platform


class ModuleConfig(AppConfig):
    """Base AppConfig for a module. Subclasses declare the module; see docs/modules.md."""

    # Django picks the single AppConfig subclass in an app's apps.py as its default; this base
    # is imported there too, so it opts out and every subclass opts back in (below).
    default = False

    tier: ClassVar[Tier] = Tier.OPTIONAL
    description: ClassVar[str] = ""
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[tuple[str, ...]] = ()
    features: ClassVar[tuple[str, ...]] = ()
    # Quantities a vendor's plan may cap that this module counts (entitlements' limits).
    limits: ClassVar[tuple[LimitDefinition, ...]] = ()
    permissions: ClassVar[tuple[PermissionDefinition, ...]] = ()
    menus: ClassVar[dict[FrontendType, tuple[MenuSectionDefinition, ...]]] = {}
    config_schema: ClassVar[type[serializers.Serializer] | None] = None
    default_config: ClassVar[dict[str, Any]] = {}
    scheduled_tasks: ClassVar[tuple[ScheduledTask, ...]] = ()
    # Dotted paths, only to deviate from <app>.urls and <app>.providers.<kind>_provider.
    urls_module: ClassVar[str | None] = None
    # Mount points that deviate from orion_core.urls.FRONTEND_MOUNTS, e.g. {"admin": "dashboard/"}.
    url_prefixes: ClassVar[dict[str, str]] = {}
    providers: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)

    # --- lifecycle hooks: run inside the enabling/disabling transaction ----------------------

    def on_enable(self, platform: Platform, user: AbstractBaseUser | None) -> None:
        """Called when the module is enabled on ``platform``; raising rolls the change back."""

    def on_disable(self, platform: Platform, user: AbstractBaseUser | None) -> None:
        """Called when the module is disabled on ``platform``; raising rolls the change back."""

    def on_purge(self, platform: Platform, user: AbstractBaseUser | None) -> None:
        """Delete this module's data on ``platform`` (``module purge``, after confirmation)."""

    def on_startup(self) -> None:
        """Called once per process after every app is ready. Must not query the database."""

    def health_check(self) -> None:
        """Raise an exception whose message says what is wrong; return when healthy."""

    def seed_demo(self, platforms: dict[str, Platform]) -> Iterable[str] | None:
        """Add this module's demo data (``manage.py seed_demo``); must be idempotent.

        May return lines for the command's summary (demo logins, where to look); the command
        prints them, so a hook never writes to the console itself.
        """

    # --- the definition ----------------------------------------------------------------------

    def definition(self) -> ModuleDefinition:
        """Freeze the declaration into a ModuleDefinition, filling conventional paths."""
        return ModuleDefinition(
            code=self.label,
            # Kept lazy (gettext_lazy): each page shows them in its visitor's language.
            name=self.verbose_name,
            description=self.description,
            version=self.version,
            tier=Tier(self.tier),
            requires=tuple(self.requires),
            features=tuple(self.features),
            limits=tuple(
                LimitDefinition(limit.name, limit.label, limit.usage, module_code=self.label)
                for limit in self.limits
            ),
            permissions=tuple(
                PermissionDefinition(
                    p.code, p.label, p.description, tuple(p.roles), module_code=self.label
                )
                for p in self.permissions
            ),
            menus={FrontendType(k): tuple(v) for k, v in self.menus.items()},
            config_schema=self.config_schema,
            default_config=dict(self.default_config),
            scheduled_tasks=tuple(self.scheduled_tasks),
            urls=self.urls_module or self._conventional("urls"),
            url_prefixes=dict(self.url_prefixes),
            providers=dict(self.providers),
            providers_module=self._conventional("providers"),
            app_label=self.label,
            on_enable=self.on_enable,
            on_disable=self.on_disable,
            on_startup=self.on_startup,
            on_purge=self.on_purge,
            health_check=self.health_check,
        )

    def _conventional(self, submodule: str) -> str | None:
        dotted = f"{self.name}.{submodule}"
        return dotted if importlib.util.find_spec(dotted) is not None else None
