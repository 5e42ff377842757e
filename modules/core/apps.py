from django.utils.translation import gettext_lazy as _

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


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
