from django.utils.translation import gettext_lazy as _

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    Tier,
)


class DevToolsConfig(ModuleConfig):
    name = "modules.dev_tools"
    label = "dev_tools"
    verbose_name = _("Developer tools")
    description = _(
        "Staff-only views of the module registry and dependency graph, the shared template "
        "components and the menus' icons."
    )
    tier = Tier.INTERNAL
    features = ("registry_explorer",)
    menus = {
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="developer-tools",
                label=_("Developer tools"),
                order=900,
                items=(
                    MenuItemDefinition(
                        id="registry", label=_("Module registry"), url_name="registry", icon="graph"
                    ),
                    MenuItemDefinition(
                        id="components",
                        label=_("Component library"),
                        url_name="components",
                        icon="layers",
                    ),
                    MenuItemDefinition(
                        id="icons", label=_("Icon browser"), url_name="icons", icon="image"
                    ),
                ),
            ),
        ),
    }
