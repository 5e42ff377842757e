from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class OrdersConfigSchema(serializers.Serializer):
    order_number_prefix = serializers.RegexField(
        r"^[A-Z0-9-]{1,10}$", label=_("Order number prefix"), default="ORD-"
    )
    cancel_unpaid_after_hours = serializers.IntegerField(
        label=_("Cancel unpaid orders after (hours)"),
        default=48,
        min_value=1,
        max_value=24 * 30,
        help_text=_("Cancel unpaid orders after this."),
    )


class OrdersConfig(ModuleConfig):
    name = "modules.orders"
    label = "orders"
    verbose_name = _("Orders")
    description = _("Carts, checkout and order management.")
    tier = Tier.OPTIONAL
    requires = (
        "payments",
        "catalog",
    )
    features = ("checkout", "order_management")
    permissions = (
        PermissionDefinition("orders.view", _("View orders"), roles=("manager", "staff", "viewer")),
        PermissionDefinition("orders.manage", _("Manage orders"), roles=("manager", "staff")),
    )
    config_schema = OrdersConfigSchema

    def ready(self) -> None:
        super().ready()
        from modules.orders import receivers  # noqa: F401 - connects the receivers
