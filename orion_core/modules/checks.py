"""System checks that refuse to start Orion on a broken module declaration.

Each rule is a function of a registry so tests can feed it a deliberately broken one; the
functions registered with Django run them on the installed registry.

| id | problem |
| --- | --- |
| orion.E001 | a module requires an unknown module |
| orion.E002 | a dependency cycle |
| orion.E003 | a core module requires a non-core module |
| orion.E004 | two modules share a code |
| orion.E005 | an internal module declares VENDOR or STOREFRONT menus |
| orion.E006 | a menu item's URL name does not resolve in the module's namespace |
| orion.E007 | a stored config no longer validates against the module's schema (database) |
| orion.E008 | a module's default_config does not validate against its own schema |
| orion.E009 | a permission names a role that does not exist |
| orion.E010 | two permissions share a code |
| orion.E011 | a view taking a vendor code is mounted outside the vendor and storefront lists |
| orion.E012 | a vendor view declares a permission no module declares |
| orion.E013 | a view or menu item declares a feature no module declares |
| orion.E014 | a view declares a feature but is not behind the tenant guard |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connection
from django.urls import get_resolver

from orion_core.exceptions import ModuleConfigError
from orion_core.models import PlatformModule
from orion_core.modules.definition import VENDOR_ROLES, FrontendType
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.services.config import missing_required, required_fields, validate_config

ORION_TAG = "orion"


def check_requirements(registry: ModuleRegistry) -> list[CheckMessage]:
    return [
        Error(
            f"Module '{d.code}' requires unknown module '{req}'.",
            hint=f"Install the '{req}' app or remove it from {d.code}'s requires.",
            obj=d.code,
            id="orion.E001",
        )
        for d in registry
        for req in d.requires
        if req not in registry
    ]


def check_cycles(registry: ModuleRegistry) -> list[CheckMessage]:
    cycle = registry.find_cycle()
    if not cycle:
        return []
    return [
        Error(
            f"Module dependency cycle: {' -> '.join(cycle)}.",
            hint="A module cannot require itself, directly or through others.",
            obj=cycle[0],
            id="orion.E002",
        )
    ]


def check_core_requirements(registry: ModuleRegistry) -> list[CheckMessage]:
    return [
        Error(
            f"Core module '{d.code}' requires non-core module '{req}'.",
            hint="Core modules are always on, so they may only require core modules.",
            obj=d.code,
            id="orion.E003",
        )
        for d in registry
        if d.is_core
        for req in d.requires
        if req in registry and not registry.is_core(req)
    ]


def check_duplicates(registry: ModuleRegistry) -> list[CheckMessage]:
    return [
        Error(f"More than one module has the code '{code}'.", obj=code, id="orion.E004")
        for code in sorted(set(registry.duplicates))
    ]


def check_internal_menus(registry: ModuleRegistry) -> list[CheckMessage]:
    public = (FrontendType.VENDOR, FrontendType.STOREFRONT)
    return [
        Error(
            f"Internal module '{d.code}' declares {frontend} menus.",
            hint="Internal modules are for staff only; declare ADMIN menus instead.",
            obj=d.code,
            id="orion.E005",
        )
        for d in registry
        if d.is_internal
        for frontend in public
        if d.menus.get(frontend)
    ]


def check_menu_urls(registry: ModuleRegistry) -> list[CheckMessage]:
    namespaces = get_resolver().namespace_dict
    errors = []
    for d in registry:
        names = set(namespaces[d.code][1].reverse_dict) if d.code in namespaces else set()
        for frontend in FrontendType:
            for item in d.menu_items(frontend):
                if item.url_name not in names:
                    errors.append(
                        Error(
                            f"Menu item '{item.id}' of module '{d.code}' points to URL name "
                            f"'{d.code}:{item.url_name}', which does not exist.",
                            hint=f"Add a URL pattern named '{item.url_name}' to {d.code}/urls.py.",
                            obj=d.code,
                            id="orion.E006",
                        )
                    )
    return errors


def check_view_guards(registry: ModuleRegistry) -> list[CheckMessage]:
    """Vendor data is reached only through guarded views, and they guard with real permissions.

    A route with a ``vendor_code`` outside the vendor and storefront URL lists would serve a
    vendor's pages to anyone (orion.E011); a permission code nobody declares is held by nobody,
    not even the owner, so the view could never be used (orion.E012).
    """
    from orion_core.guards import declared_permissions, is_exempt
    from orion_core.urls import mounted_views

    declared = {perm.code for d in registry for perm in d.permissions}
    errors = []
    for code in registry.codes():
        for view in mounted_views(code):
            if "vendor_code" in view.params and view.guard is None and not is_exempt(view.callback):
                errors.append(
                    Error(
                        f"View {view.name or view.route} of module '{code}' takes a vendor code "
                        "but is not behind the tenant guard.",
                        hint="Mount it in vendor_urlpatterns, vendor_api_urlpatterns, "
                        "storefront_urlpatterns or storefront_api_urlpatterns (or mark it "
                        "@tenant_guard_exempt if it shows no vendor's data).",
                        obj=code,
                        id="orion.E011",
                    )
                )
            for permission in declared_permissions(view.callback) - declared:
                errors.append(
                    Error(
                        f"View {view.name or view.route} of module '{code}' requires permission "
                        f"'{permission}', which no module declares.",
                        hint="Declare it in the module's permissions or fix the code.",
                        obj=code,
                        id="orion.E012",
                    )
                )
    return errors


def check_features(registry: ModuleRegistry) -> list[CheckMessage]:
    """Features gated by a plan are real and gated where there is a vendor to ask about.

    A feature code no module declares in its ``features`` is a typo that no tier could ever
    include (orion.E013). A view outside the tenant guard has no vendor, so the feature it
    declares would never be checked (orion.E014).
    """
    from orion_core.guards import declared_feature
    from orion_core.urls import mounted_views

    known = {feature for d in registry for feature in d.features}
    hint = "Declare it in a module's features or fix the code."
    errors = [
        Error(
            f"Menu item '{item.id}' of module '{d.code}' requires feature '{item.feature}', "
            "which no module declares.",
            hint=hint,
            obj=d.code,
            id="orion.E013",
        )
        for d in registry
        for frontend in FrontendType
        for item in d.menu_items(frontend)
        if item.feature and item.feature not in known
    ]
    for code in registry.codes():
        for view in mounted_views(code):
            feature = declared_feature(view.callback)
            if not feature:
                continue
            where = f"View {view.name or view.route} of module '{code}'"
            if feature not in known:
                errors.append(
                    Error(
                        f"{where} requires feature '{feature}', which no module declares.",
                        hint=hint,
                        obj=code,
                        id="orion.E013",
                    )
                )
            if view.guard is None:
                errors.append(
                    Error(
                        f"{where} requires feature '{feature}' but is not behind the tenant "
                        "guard, so no vendor's plan is asked.",
                        hint="Gate vendor and storefront views only; a service called from "
                        "elsewhere checks with orion_core.features.require_feature.",
                        obj=code,
                        id="orion.E014",
                    )
                )
    return errors


def check_permissions(registry: ModuleRegistry) -> list[CheckMessage]:
    errors = []
    owners: dict[str, str] = {}
    for d in registry:
        for perm in d.permissions:
            for role in set(perm.roles) - set(VENDOR_ROLES):
                errors.append(
                    Error(
                        f"Permission '{perm.code}' of module '{d.code}' names unknown role "
                        f"'{role}'.",
                        hint=f"Roles are: {', '.join(VENDOR_ROLES)}.",
                        obj=d.code,
                        id="orion.E009",
                    )
                )
            if perm.code in owners:
                errors.append(
                    Error(
                        f"Permission '{perm.code}' is declared by both '{owners[perm.code]}' "
                        f"and '{d.code}'.",
                        obj=d.code,
                        id="orion.E010",
                    )
                )
            owners.setdefault(perm.code, d.code)
    return errors


def check_default_configs(registry: ModuleRegistry) -> list[CheckMessage]:
    """Defaults must validate; only settings with no default (required) may be missing.

    The defaults are passed as values so a key the schema does not know (a typo) is reported too.
    """
    errors = []
    for d in registry:
        if d.config_schema is None:
            continue
        try:
            validate_config(d, dict(d.default_config))
        except ModuleConfigError as exc:
            invalid = {f: m for f, m in exc.errors.items() if f not in required_fields(d)}
            if invalid:
                errors.append(
                    Error(
                        f"Default config of module '{d.code}' does not validate: "
                        f"{ModuleConfigError(d.code, invalid)}",
                        obj=d.code,
                        id="orion.E008",
                    )
                )
    return errors


def check_stored_configs(registry: ModuleRegistry) -> list[CheckMessage]:
    """Enabled modules must have a valid config (a setting made required by an upgrade counts);
    a disabled module's stored values must still validate, but its required settings may wait
    until it is enabled again (enabling refuses until they are set)."""
    errors = []
    rows = (
        PlatformModule.objects.select_related("platform")
        .exclude(config={}, is_enabled=False)
        .order_by("platform__code", "module_code")
    )
    for row in rows:
        if row.module_code not in registry:
            continue
        definition = registry.get(row.module_code)
        try:
            validate_config(definition, {}, current=row.config)
        except ModuleConfigError as exc:
            if not row.is_enabled:
                missing = set(missing_required(definition, row.config))
                exc = ModuleConfigError(
                    exc.code, {f: m for f, m in exc.errors.items() if f not in missing}
                )
                if not exc.errors:
                    continue
            errors.append(
                Error(
                    f"Stored config of module '{row.module_code}' on platform "
                    f"'{row.platform.code}' no longer validates: {exc}",
                    hint=f"Fix it with: manage.py module config set {row.module_code} "
                    f"--platform {row.platform.code} KEY=VALUE",
                    obj=f"{row.platform.code}:{row.module_code}",
                    id="orion.E007",
                )
            )
    return errors


DECLARATION_CHECKS: tuple[Callable[[ModuleRegistry], list[CheckMessage]], ...] = (
    check_requirements,
    check_cycles,
    check_core_requirements,
    check_duplicates,
    check_internal_menus,
    check_default_configs,
    check_permissions,
)


def run_declaration_checks(registry: ModuleRegistry) -> list[CheckMessage]:
    return [message for check in DECLARATION_CHECKS for message in check(registry)]


@register(ORION_TAG)
def module_declarations(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return run_declaration_checks(get_registry())


@register(ORION_TAG, Tags.urls)
def module_menu_urls(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    return check_menu_urls(get_registry())


@register(ORION_TAG, Tags.urls)
def module_view_guards(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return check_view_guards(get_registry())


@register(ORION_TAG, Tags.urls)
def module_features(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    return check_features(get_registry())


@register(ORION_TAG, Tags.database)
def module_stored_configs(
    app_configs: Iterable[Any] | None = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or PlatformModule._meta.db_table not in connection.introspection.table_names():
        return []  # `migrate` runs database checks before it has created our tables
    return check_stored_configs(get_registry())
