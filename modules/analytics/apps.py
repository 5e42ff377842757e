"""Analytics: the vendor's and the staff's sales reports, with charts and CSV.

Optional and requiring nothing: its figures come through the sales contract
(``orion_core.contracts.sales``), so it never imports the module that keeps orders; with none
answering, its pages say there is no sales data. The platform's time zone (``time_zone``)
decides what a day is in every report.
"""

import zoneinfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class AnalyticsConfigSchema(serializers.Serializer):
    retention_days = serializers.IntegerField(
        label=_("Retention in days"),
        default=365,
        min_value=30,
        max_value=3650,
        help_text=_("Keep raw events this long."),
    )
    time_zone = serializers.CharField(
        label=_("Time zone"),
        default=settings.TIME_ZONE,
        help_text=_("The platform's calendar: what a day, a week and a month are in reports."),
    )

    def validate_time_zone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(_("Unknown time zone."))
        return value


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
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="analytics",
                label=_("Reports"),
                order=500,
                items=(
                    MenuItemDefinition(
                        id="reports",
                        label=_("Sales reports"),
                        url_name="vendor-reports",
                        icon="bar-chart",
                        permission="analytics.view",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="analytics",
                label=_("Reports"),
                order=270,
                items=(
                    MenuItemDefinition(
                        id="staff-reports",
                        label=_("Platform reports"),
                        url_name="staff-reports",
                        icon="bar-chart",
                    ),
                ),
            ),
        ),
    }
