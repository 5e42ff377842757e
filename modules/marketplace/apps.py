from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    ScheduledTask,
    Tier,
)


class MarketplaceConfigSchema(serializers.Serializer):
    commission_percent = serializers.DecimalField(
        label=_("Commission in percent"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        default="10.00",
    )
    require_vendor_approval = serializers.BooleanField(
        label=_("Vendors need approval"), default=True
    )


class MarketplaceConfig(ModuleConfig):
    name = "modules.marketplace"
    label = "marketplace"
    verbose_name = _("Marketplace")
    description = _("One storefront selling many vendors' stock, with commissions.")
    tier = Tier.OPTIONAL
    requires = (
        "inventory",
        "catalog",
    )
    features = ("multi_vendor_listings", "commissions")
    permissions = (
        PermissionDefinition(
            "marketplace.view", _("View marketplace listings"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition(
            "marketplace.manage", _("Manage marketplace listings"), roles=("manager",)
        ),
    )
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="marketplace",
                label=_("Marketplace"),
                order=450,
                items=(
                    MenuItemDefinition(
                        id="imports",
                        label=_("Catalogue imports"),
                        url_name="vendor-jobs",
                        icon="upload",
                        permission="marketplace.view",
                    ),
                ),
            ),
        ),
    }
    config_schema = MarketplaceConfigSchema
    scheduled_tasks = (
        ScheduledTask(
            name="sync-feeds",
            task="marketplace.sync_feeds",
            schedule="20 * * * *",  # hourly; each feed says how often it is due (Feed.sync_every)
            per_platform=True,
            description=(
                "Import the vendors' configured feeds that are due (daily or weekly), one job "
                "per feed at a time. Idempotent."
            ),
        ),
        ScheduledTask(
            name="purge-staged",
            task="marketplace.purge_staged",
            schedule="50 3 * * *",
            description=(
                "Delete the staged rows of imports over for longer than "
                "MARKETPLACE_STAGED_RETENTION_DAYS (the last published row of each SKU stays)."
            ),
        ),
    )
