"""Inventory: the module's declaration and hooks.

Stock is kept per vendor (a vendor selling on two platforms has one stock), so the data does
not depend on a platform; the platform decides whether its pages, API and contract answer
(the module on or off) and its default low-stock threshold.
"""

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


class InventoryConfigSchema(serializers.Serializer):
    low_stock_threshold = serializers.IntegerField(
        label=_("Low-stock threshold"),
        default=5,
        min_value=0,
        max_value=1_000_000,
        help_text=_(
            "A variant is low on stock when what can be sold of it falls to this level; "
            "products may set their own."
        ),
    )


class InventoryConfig(ModuleConfig):
    name = "modules.inventory"
    label = "inventory"
    verbose_name = _("Inventory")
    description = _(
        "Stock per variant and location with a movement ledger, reservations for checkouts "
        "and low-stock alerts."
    )
    tier = Tier.OPTIONAL
    requires = ("catalog",)
    features = ("stock_levels", "stock_alerts", "stock_reservations")
    permissions = (
        PermissionDefinition(
            "inventory.view", _("View stock"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition("inventory.adjust", _("Adjust stock"), roles=("manager", "staff")),
    )
    config_schema = InventoryConfigSchema
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="inventory",
                label=_("Inventory"),
                order=400,
                items=(
                    MenuItemDefinition(
                        id="stock",
                        label=_("Stock"),
                        url_name="vendor-stock",
                        icon="box",
                        permission="inventory.view",
                    ),
                    MenuItemDefinition(
                        id="movements",
                        label=_("Stock movements"),
                        url_name="vendor-movements",
                        icon="list",
                        order=110,
                        permission="inventory.view",
                    ),
                    MenuItemDefinition(
                        id="receive",
                        label=_("Receive stock"),
                        url_name="vendor-receive",
                        icon="truck",
                        order=120,
                        permission="inventory.adjust",
                    ),
                    MenuItemDefinition(
                        id="adjust",
                        label=_("Adjust stock"),
                        url_name="vendor-adjust",
                        icon="sliders",
                        order=130,
                        permission="inventory.adjust",
                    ),
                    MenuItemDefinition(
                        id="count",
                        label=_("Count stock"),
                        url_name="vendor-count",
                        icon="check-square",
                        order=135,
                        permission="inventory.adjust",
                    ),
                    MenuItemDefinition(
                        id="locations",
                        label=_("Stock locations"),
                        url_name="vendor-locations",
                        icon="map-pin",
                        order=140,
                        permission="inventory.view",
                    ),
                ),
            ),
        ),
    }
    scheduled_tasks = (
        ScheduledTask(
            name="release-expired",
            task="inventory.release_expired_reservations",
            schedule="* * * * *",  # every minute
            description="Release the reservations whose expiry has passed (all vendors).",
        ),
    )

    def seed_demo(self, platforms):
        """Stock for the demo vendors' variants (catalog's seed runs first), on the demo
        platforms where inventory is on. Idempotent: variants already tracked are left alone."""
        from modules.inventory.services import seed_demo_stock

        return seed_demo_stock(platforms)
