from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class InventoryConfigSchema(serializers.Serializer):
    low_stock_threshold = serializers.IntegerField(
        label=_("Low-stock threshold"),
        default=5,
        min_value=0,
        help_text=_("Alert when stock falls to this level."),
    )
    allow_backorders = serializers.BooleanField(label=_("Allow backorders"), default=False)


class InventoryConfig(ModuleConfig):
    name = "modules.inventory"
    label = "inventory"
    verbose_name = _("Inventory")
    description = _("Stock levels per product and location, with adjustments and low-stock alerts.")
    tier = Tier.OPTIONAL
    requires = ("catalog",)
    features = ("stock_levels", "stock_alerts")
    permissions = (
        PermissionDefinition(
            "inventory.view", _("View stock"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition("inventory.adjust", _("Adjust stock"), roles=("manager", "staff")),
    )
    config_schema = InventoryConfigSchema
