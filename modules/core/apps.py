from django.utils.translation import gettext_lazy as _

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class CoreConfig(ModuleConfig):
    name = "modules.core"
    label = "core"
    verbose_name = _("Core")
    description = _(
        "Foundations every platform has: settings, the staff dashboard and shared services."
    )
    tier = Tier.CORE
    features = ("platform_settings", "staff_dashboard")
    permissions = (
        PermissionDefinition(
            "dashboard.view", _("View the dashboard"), roles=("manager", "staff", "viewer")
        ),
    )
    # The dashboard's home and the staff API are the core module's, at the roots of their frontends.
    url_prefixes = {"admin": "dashboard/", "api": "api/v1/admin/"}
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="platform",
                label=_("Platform"),
                order=10,
                items=(
                    # The dashboard is where a hidden item would be switched back on: never hidden.
                    MenuItemDefinition(
                        id="dashboard",
                        label=_("Dashboard"),
                        url_name="dashboard",
                        icon="home",
                        order=10,
                        mandatory=True,
                    ),
                    MenuItemDefinition(
                        id="modules",
                        label=_("Modules"),
                        url_name="modules",
                        icon="grid",
                        order=20,
                        mandatory=True,
                    ),
                    MenuItemDefinition(
                        id="history",
                        label=_("Module history"),
                        url_name="module-history",
                        icon="clock",
                        order=30,
                    ),
                    MenuItemDefinition(
                        id="menus", label=_("Menus"), url_name="menus", icon="menu", order=40
                    ),
                    MenuItemDefinition(
                        id="menus-debug",
                        label=_("Menu debugger"),
                        url_name="menus_debug",
                        icon="bug",
                        order=50,
                    ),
                ),
            ),
        ),
    }
