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
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="orders",
                label=_("Orders"),
                order=200,
                items=(
                    MenuItemDefinition(
                        id="orders",
                        label=_("Orders"),
                        url_name="vendor-orders",
                        icon="shopping-bag",
                        permission="orders.view",
                    ),
                    MenuItemDefinition(
                        id="order-settings",
                        label=_("Shipping and tax"),
                        url_name="vendor-settings",
                        icon="settings",
                        order=110,
                        permission="orders.view",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="orders",
                label=_("Orders"),
                order=250,
                items=(
                    MenuItemDefinition(
                        id="staff-orders", label=_("Orders"), url_name="staff-orders", icon="list"
                    ),
                ),
            ),
        ),
    }
    scheduled_tasks = (
        ScheduledTask(
            name="release-expired",
            task="orders.release_expired_orders",
            schedule="*/5 * * * *",  # every five minutes
            description="Cancel unpaid orders past their time to pay and release their stock.",
        ),
    )

    def ready(self) -> None:
        super().ready()
        from modules.orders import receivers  # noqa: F401 - connects the receivers
