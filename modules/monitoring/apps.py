from django.utils.translation import gettext_lazy as _

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    ScheduledTask,
    Tier,
)


class MonitoringConfig(ModuleConfig):
    name = "modules.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")
    description = _(
        "Staff-only health overview, background task results with retry, and the beat's "
        "scheduled tasks."
    )
    tier = Tier.INTERNAL
    features = ("health_overview",)
    scheduled_tasks = (
        ScheduledTask(
            name="check-module-health",
            task="monitoring.check_module_health",
            schedule="*/5 * * * *",
            per_platform=True,
            description="Run the health check of every module enabled on each platform.",
        ),
    )
    menus = {
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="monitoring",
                label=_("Monitoring"),
                order=900,
                items=(
                    MenuItemDefinition(
                        id="health", label=_("Module health"), url_name="overview", icon="heart"
                    ),
                    MenuItemDefinition(
                        id="history",
                        label=_("Health over time"),
                        url_name="history",
                        icon="activity",
                    ),
                    MenuItemDefinition(
                        id="tasks", label=_("Background tasks"), url_name="tasks", icon="cpu"
                    ),
                    MenuItemDefinition(
                        id="schedule",
                        label=_("Scheduled tasks"),
                        url_name="schedule",
                        icon="clock",
                    ),
                ),
            ),
        ),
    }

    def on_purge(self, platform, user):
        """``module purge monitoring``: the platform's health history goes."""
        from modules.monitoring.models import HealthSample

        HealthSample.objects.filter(platform=platform).delete()
