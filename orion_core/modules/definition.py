"""The vocabulary a module uses to describe itself.

A module is a Django app whose ``AppConfig`` subclasses ``ModuleConfig`` and declares these
values as class attributes. The registry turns each config into one frozen
:class:`ModuleDefinition`, which is what the rest of Orion reads.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rest_framework import serializers


class Tier(enum.StrEnum):
    """How a module may be switched: never (core), per platform (optional), or staff only."""

    CORE = "core"
    OPTIONAL = "optional"
    INTERNAL = "internal"


# Listing order of tiers wherever modules are shown or ordered.
TIER_RANK = {Tier.CORE: 0, Tier.OPTIONAL: 1, Tier.INTERNAL: 2}


class FrontendType(enum.StrEnum):
    """The four audiences a module can serve pages to (ARCHITECTURE.md §7)."""

    PLATFORM = "platform"
    ADMIN = "admin"
    VENDOR = "vendor"
    STOREFRONT = "storefront"


# Roles of a vendor's team, strongest first. The owner holds every permission; a permission
# names the other roles that hold it.
VENDOR_ROLES = ("owner", "manager", "staff", "viewer")


@dataclass(frozen=True)
class PermissionDefinition:
    """A permission a module lets roles grant, e.g. ``orders.view``.

    ``code`` is global (checked only while its module is enabled); ``roles`` are the vendor roles
    besides the owner that hold it (the owner holds every permission); ``module_code`` is the
    owner module, filled in by the registry.
    """

    code: str
    label: str
    description: str = ""
    roles: tuple[str, ...] = ()
    module_code: str = ""


@dataclass(frozen=True)
class MenuItemDefinition:
    """One link in a frontend's sidebar.

    ``url_name`` is reversed inside the module's URL namespace; ``permission`` (a permission
    code) hides the item from users who lack it; a ``mandatory`` item cannot be hidden by the
    platform's menu configuration; ``feature`` (a feature code some module declares) is the
    feature of the vendor's plan the page needs: without it the item is shown locked on the
    vendor portal and hidden on the storefront (``orion_core.menus``).
    """

    id: str
    label: str
    url_name: str
    icon: str = ""
    order: int = 100
    permission: str = ""
    mandatory: bool = False
    feature: str = ""


@dataclass(frozen=True)
class LimitDefinition:
    """A quantity a vendor's plan may cap, declared by the module that counts it (catalog:
    ``LimitDefinition("max_products", _("products"), usage="<dotted path>")``).

    ``name`` is what tiers set and ``orion_core.features.check_limit`` is asked about (the
    entitlements contract); ``label`` names what is counted, in the plural, for people
    ("100 products"); ``usage`` is the dotted path of a function ``(vendor_id) -> int`` that
    counts what the vendor has now, so billing can show usage against the limit without
    importing the counting module (resolved at call time). Billing asks it on every visit of
    the vendor's dashboard: answer from the shared cache, stale on commit of what changes the
    count. ``module_code`` is filled in by the registry.
    """

    name: str
    label: str
    usage: str = ""
    module_code: str = ""


@dataclass(frozen=True)
class MenuSectionDefinition:
    """A titled group of menu items on one frontend."""

    id: str
    label: str
    items: tuple[MenuItemDefinition, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class ScheduledTask:
    """A periodic task a module needs, written into django-celery-beat by ``module sync-schedule``.

    ``schedule`` is either a number of seconds or a five-field crontab string
    (``"*/5 * * * *"``). With ``per_platform`` the task is fanned out once per platform that has
    the module enabled, with ``platform_id`` as its keyword argument.
    """

    name: str
    task: str
    schedule: int | str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    per_platform: bool = False
    description: str = ""


Hook = Callable[..., Any]


def _no_hook(*args: Any, **kwargs: Any) -> None:
    return None


def _healthy() -> None:
    return None


@dataclass(frozen=True)
class ModuleDefinition:
    """Everything Orion knows about one module: declared data plus lifecycle hooks.

    Built by the registry from a module's ``ModuleConfig``; tests may build one directly.
    ``urls`` is the dotted path of the module's URL lists (``<app>.urls`` by convention);
    ``url_prefixes`` overrides where a frontend's list is mounted (see ``orion_core.urls``).
    ``providers`` maps a provider kind to a dotted path where a module deviates from the
    convention of ``<kind>_provider`` objects in ``providers_module`` (``<app>.providers``).
    ``name`` and ``description`` may be lazy translations: ``str()`` gives the active language.
    """

    code: str
    name: str
    description: str = ""
    version: str = "1.0.0"
    tier: Tier = Tier.OPTIONAL
    requires: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    limits: tuple[LimitDefinition, ...] = ()
    permissions: tuple[PermissionDefinition, ...] = ()
    menus: Mapping[FrontendType, tuple[MenuSectionDefinition, ...]] = field(default_factory=dict)
    config_schema: type[serializers.Serializer] | None = None
    default_config: Mapping[str, Any] = field(default_factory=dict)
    scheduled_tasks: tuple[ScheduledTask, ...] = ()
    urls: str | None = None
    url_prefixes: Mapping[str, str] = field(default_factory=dict)
    providers: Mapping[str, str] = field(default_factory=dict)
    providers_module: str | None = None
    app_label: str = ""
    on_enable: Hook = _no_hook
    on_disable: Hook = _no_hook
    on_startup: Hook = _no_hook
    on_purge: Hook = _no_hook
    health_check: Callable[[], Any] = _healthy

    @property
    def is_core(self) -> bool:
        return self.tier is Tier.CORE

    @property
    def is_internal(self) -> bool:
        return self.tier is Tier.INTERNAL

    def permission_codes(self) -> list[str]:
        return [perm.code for perm in self.permissions]

    def menu_items(self, frontend: FrontendType) -> list[MenuItemDefinition]:
        return [item for section in self.menus.get(frontend, ()) for item in section.items]
