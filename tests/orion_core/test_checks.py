"""System checks: one deliberately broken registry per check id (orion.E001 … orion.E008)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path
from rest_framework import serializers

from orion_core.models import PlatformModule
from orion_core.modules import checks
from orion_core.modules.definition import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleDefinition,
    PermissionDefinition,
    Tier,
)
from orion_core.modules.registry import ModuleRegistry, get_registry


def _view(request):  # pragma: no cover - never requested, only resolved
    return HttpResponse("ok")


# This module doubles as a URLconf for the E006 tests: module "probe" has one named URL.
urlpatterns = [
    path(
        "",
        include(([path("dashboard/probe/", _view, name="overview")], "probe"), namespace="probe"),
    )
]


def make(
    code: str, tier: Tier = Tier.OPTIONAL, requires: tuple[str, ...] = (), **kw
) -> ModuleDefinition:
    return ModuleDefinition(code=code, name=code.title(), tier=tier, requires=requires, **kw)


def menu(frontend: FrontendType, *url_names: str) -> dict:
    items = tuple(MenuItemDefinition(id=f"item-{n}", label=n, url_name=n) for n in url_names)
    return {frontend: (MenuSectionDefinition(id="section", label="Section", items=items),)}


def ids(messages) -> list[str]:
    return [m.id for m in messages]


class DaysSchema(serializers.Serializer):
    days = serializers.IntegerField(min_value=0, default=7)


class KeySchema(serializers.Serializer):
    api_key = serializers.CharField()  # required, no default
    days = serializers.IntegerField(min_value=0, default=7)


def test_a_sound_registry_passes_every_declaration_check():
    reg = ModuleRegistry(
        [
            make("base", Tier.CORE),
            make("money", requires=("base",), config_schema=DaysSchema),
            make("tools", Tier.INTERNAL, menus=menu(FrontendType.ADMIN, "x")),
        ]
    )
    assert checks.run_declaration_checks(reg) == []


def test_e001_unknown_requirement():
    reg = ModuleRegistry([make("billing", requires=("paymnets",)), make("payments")])
    messages = checks.check_requirements(reg)
    assert ids(messages) == ["orion.E001"]
    assert "'billing'" in messages[0].msg and "'paymnets'" in messages[0].msg
    assert messages[0].obj == "billing"
    assert ids(checks.run_declaration_checks(reg)) == ["orion.E001"]


def test_e002_cycle_names_the_path():
    reg = ModuleRegistry(
        [make("a", requires=("b",)), make("b", requires=("c",)), make("c", requires=("a",))]
    )
    messages = checks.check_cycles(reg)
    assert ids(messages) == ["orion.E002"]
    assert "a -> b -> c -> a" in messages[0].msg
    assert "orion.E002" in ids(checks.run_declaration_checks(reg))


def test_e002_self_requirement():
    messages = checks.check_cycles(ModuleRegistry([make("loop", requires=("loop",))]))
    assert ids(messages) == ["orion.E002"]
    assert "loop -> loop" in messages[0].msg


def test_e003_core_requires_non_core():
    reg = ModuleRegistry([make("base", Tier.CORE, requires=("extra",)), make("extra")])
    messages = checks.check_core_requirements(reg)
    assert ids(messages) == ["orion.E003"]
    assert "'base'" in messages[0].msg and "'extra'" in messages[0].msg
    # Requiring another core module is fine.
    ok = ModuleRegistry([make("base", Tier.CORE), make("site", Tier.CORE, requires=("base",))])
    assert checks.check_core_requirements(ok) == []


def test_e004_duplicate_code():
    reg = ModuleRegistry([make("shop"), make("shop", description="again"), make("other")])
    messages = checks.check_duplicates(reg)
    assert ids(messages) == ["orion.E004"]
    assert "'shop'" in messages[0].msg
    assert ids(checks.run_declaration_checks(reg)) == ["orion.E004"]


@pytest.mark.parametrize("frontend", [FrontendType.VENDOR, FrontendType.STOREFRONT])
def test_e005_internal_module_on_public_menus(frontend):
    reg = ModuleRegistry([make("tools", Tier.INTERNAL, menus=menu(frontend, "x"))])
    messages = checks.check_internal_menus(reg)
    assert ids(messages) == ["orion.E005"]
    assert "'tools'" in messages[0].msg and str(frontend) in messages[0].msg
    # The same menus are fine on an optional module, and ADMIN menus are fine on an internal one.
    assert (
        checks.check_internal_menus(ModuleRegistry([make("tools", menus=menu(frontend, "x"))]))
        == []
    )
    admin_only = ModuleRegistry([make("tools", Tier.INTERNAL, menus=menu(FrontendType.ADMIN, "x"))])
    assert checks.check_internal_menus(admin_only) == []


def test_e006_menu_url_missing_in_real_namespace():
    real = get_registry().get("dev_tools")
    broken = make("dev_tools", Tier.INTERNAL, menus=menu(FrontendType.ADMIN, "no_such_page"))
    messages = checks.check_menu_urls(ModuleRegistry([broken]))
    assert ids(messages) == ["orion.E006"]
    assert "dev_tools:no_such_page" in messages[0].msg
    assert "item-no_such_page" in messages[0].msg
    # The installed dev_tools menu resolves.
    assert real.menu_items(FrontendType.ADMIN)
    assert checks.check_menu_urls(ModuleRegistry([real])) == []


def test_e006_module_without_urls():
    reg = ModuleRegistry([make("ghostly", menus=menu(FrontendType.VENDOR, "index"))])
    messages = checks.check_menu_urls(reg)
    assert ids(messages) == ["orion.E006"]
    assert "ghostly:index" in messages[0].msg


@override_settings(ROOT_URLCONF=__name__)
def test_e006_resolves_only_in_the_modules_own_namespace():
    good = make("probe", menus=menu(FrontendType.ADMIN, "overview"))
    assert checks.check_menu_urls(ModuleRegistry([good])) == []
    bad = make("probe", menus=menu(FrontendType.ADMIN, "overview", "settings"))
    messages = checks.check_menu_urls(ModuleRegistry([bad]))
    assert ids(messages) == ["orion.E006"]
    assert "probe:settings" in messages[0].msg
    # A name that exists in another module's namespace does not count.
    other = make("other", menus=menu(FrontendType.ADMIN, "overview"))
    assert ids(checks.check_menu_urls(ModuleRegistry([other]))) == ["orion.E006"]


@pytest.mark.django_db
def test_e007_stored_config_no_longer_valid(platform):
    PlatformModule.objects.create(
        platform=platform, module_code="billing", config={"payment_terms_days": -5}
    )
    messages = checks.check_stored_configs(get_registry())
    assert ids(messages) == ["orion.E007"]
    message = messages[0]
    assert "'billing'" in message.msg and "'acme'" in message.msg
    assert "payment_terms_days" in message.msg
    assert message.obj == "acme:billing"
    assert "module config set billing --platform acme" in message.hint


@pytest.mark.django_db
def test_e007_valid_and_uninstalled_rows_pass(platform):
    PlatformModule.objects.create(
        platform=platform, module_code="billing", config={"payment_terms_days": 30}
    )
    PlatformModule.objects.create(platform=platform, module_code="removed_module", config={"x": -1})
    assert checks.check_stored_configs(get_registry()) == []


@pytest.mark.django_db
def test_e007_database_check_is_registered(platform):
    PlatformModule.objects.create(
        platform=platform, module_code="payments", config={"currency": "euro"}
    )
    messages = checks.module_stored_configs(databases=["default"])
    assert ids(messages) == ["orion.E007"]
    assert "currency" in messages[0].msg
    # Without databases (plain `check`), the database check stays silent.
    assert checks.module_stored_configs(databases=None) == []


def test_e008_default_config_invalid():
    reg = ModuleRegistry([make("days", config_schema=DaysSchema, default_config={"days": -1})])
    messages = checks.check_default_configs(reg)
    assert ids(messages) == ["orion.E008"]
    assert "'days'" in messages[0].msg and "days:" in messages[0].msg


def test_e008_unknown_key_in_default_config():
    reg = ModuleRegistry([make("days", config_schema=DaysSchema, default_config={"dayz": 3})])
    messages = checks.check_default_configs(reg)
    assert ids(messages) == ["orion.E008"]
    assert "dayz" in messages[0].msg


def test_e008_required_setting_without_default_is_allowed():
    reg = ModuleRegistry([make("keyed", config_schema=KeySchema)])
    assert checks.check_default_configs(reg) == []
    # …but a bad default next to it is still reported.
    bad = ModuleRegistry([make("keyed", config_schema=KeySchema, default_config={"days": "many"})])
    messages = checks.check_default_configs(bad)
    assert ids(messages) == ["orion.E008"]
    assert "days" in messages[0].msg and "api_key" not in messages[0].msg


def test_installed_registry_passes_declaration_and_url_checks():
    assert checks.run_declaration_checks(get_registry()) == []
    assert checks.check_menu_urls(get_registry()) == []


@pytest.mark.django_db
def test_manage_py_check_passes():
    call_command("check", fail_level="WARNING")
    call_command("check", "--database", "default", fail_level="ERROR")


@pytest.mark.django_db
def test_e007_enabled_module_missing_a_setting_made_required(platform):
    """An upgrade added a required setting: enabled platforms are reported, even with no config."""
    reg = ModuleRegistry([make("keyed", config_schema=KeySchema)])
    PlatformModule.objects.create(platform=platform, module_code="keyed", is_enabled=True)
    messages = checks.check_stored_configs(reg)
    assert ids(messages) == ["orion.E007"]
    assert "'keyed'" in messages[0].msg and "api_key" in messages[0].msg


@pytest.mark.django_db
def test_e007_disabled_module_may_wait_for_required_settings(platform, other_platform):
    reg = ModuleRegistry([make("keyed", config_schema=KeySchema)])
    PlatformModule.objects.create(platform=platform, module_code="keyed", config={"days": 3})
    assert checks.check_stored_configs(reg) == []
    # …but a stored value that no longer validates is reported, without the missing key.
    PlatformModule.objects.create(platform=other_platform, module_code="keyed", config={"days": -1})
    messages = checks.check_stored_configs(reg)
    assert ids(messages) == ["orion.E007"]
    assert "'globex'" in messages[0].msg and "days" in messages[0].msg
    assert "api_key" not in messages[0].msg


def test_e009_permission_with_unknown_role():
    registry = ModuleRegistry(
        [
            ModuleDefinition(
                code="shop",
                name="Shop",
                permissions=(PermissionDefinition("shop.view", "View", roles=("janitor",)),),
            )
        ]
    )
    errors = checks.check_permissions(registry)
    assert [e.id for e in errors] == ["orion.E009"]
    assert "janitor" in errors[0].msg


def test_e010_permission_declared_twice():
    registry = ModuleRegistry(
        [
            ModuleDefinition(
                code="a", name="A", permissions=(PermissionDefinition("x.view", "V"),)
            ),
            ModuleDefinition(
                code="b", name="B", permissions=(PermissionDefinition("x.view", "V"),)
            ),
        ]
    )
    errors = checks.check_permissions(registry)
    assert [e.id for e in errors] == ["orion.E010"]
    assert "'a'" in errors[0].msg and "'b'" in errors[0].msg


def test_installed_permissions_pass():
    assert checks.check_permissions(get_registry()) == []
