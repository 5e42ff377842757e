from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class AnalyticsConfigSchema(serializers.Serializer):
    retention_days = serializers.IntegerField(
        label=_("Retention in days"),
        default=365,
        min_value=30,
        max_value=3650,
        help_text=_("Keep raw events this long."),
    )


class AnalyticsConfig(ModuleConfig):
    name = "modules.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    description = _("Sales and traffic reports for vendors and staff.")
    tier = Tier.OPTIONAL
    features = ("reports",)
    permissions = (
        PermissionDefinition(
            "analytics.view", _("View reports"), roles=("manager", "staff", "viewer")
        ),
    )
    config_schema = AnalyticsConfigSchema
