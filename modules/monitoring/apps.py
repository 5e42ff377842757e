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
        "Staff-only health overview, background task results with retry, the beat's "
        "scheduled tasks and recent application errors."
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
        ScheduledTask(
            name="purge-errors",
            task="monitoring.purge_errors",
            schedule="40 3 * * *",
            description="Delete application errors older than MONITORING_ERROR_RETENTION_DAYS.",
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
                        id="errors", label=_("Errors"), url_name="errors", icon="alert-triangle"
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
        """``module purge monitoring``: the platform's health history and errors go."""
        from modules.monitoring.models import ErrorRecord, HealthSample

        HealthSample.objects.filter(platform=platform).delete()
        ErrorRecord.objects.filter(platform_code=platform.code).delete()
