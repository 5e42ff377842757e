from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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


class MessagingConfigSchema(serializers.Serializer):
    sender_email = serializers.EmailField(label=_("Sender e-mail"), default="noreply@example.com")
    sender_name = serializers.CharField(label=_("Sender name"), default="Orion", max_length=100)


class MessagingConfig(ModuleConfig):
    name = "modules.messaging"
    label = "messaging"
    verbose_name = _("Messaging")
    description = _("E-mail notifications and messages between vendors and customers.")
    tier = Tier.OPTIONAL
    features = ("notifications", "conversations")
    permissions = (
        PermissionDefinition("messaging.view", _("View messages"), roles=("manager", "staff")),
        PermissionDefinition("messaging.send", _("Send messages"), roles=("manager", "staff")),
    )
    config_schema = MessagingConfigSchema
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="messaging",
                label=pgettext_lazy("messaging", "Messages"),
                order=650,
                items=(
                    MenuItemDefinition(
                        id="conversations",
                        label=_("Conversations"),
                        url_name="vendor-conversations",
                        icon="message-circle",
                        order=90,
                        permission="messaging.view",
                    ),
                    MenuItemDefinition(
                        id="notifications",
                        label=_("Notifications"),
                        url_name="vendor-notifications",
                        icon="bell",
                    ),
                    MenuItemDefinition(
                        id="templates",
                        label=_("E-mail templates"),
                        url_name="vendor-templates",
                        icon="file-text",
                        order=120,
                        permission="messaging.view",
                    ),
                    MenuItemDefinition(
                        id="sender",
                        label=_("E-mail sender"),
                        url_name="vendor-sender",
                        icon="at-sign",
                        order=125,
                        permission="messaging.view",
                    ),
                    MenuItemDefinition(
                        id="deliveries",
                        label=_("E-mail log"),
                        url_name="vendor-deliveries",
                        icon="mail",
                        order=130,
                        permission="messaging.view",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="messaging",
                label=pgettext_lazy("messaging", "Messages"),
                order=650,
                items=(
                    MenuItemDefinition(
                        id="staff-conversations",
                        label=_("Conversations"),
                        url_name="staff-conversations",
                        icon="message-circle",
                        order=90,
                    ),
                    MenuItemDefinition(
                        id="staff-notifications",
                        label=_("Notifications"),
                        url_name="staff-notifications",
                        icon="bell",
                    ),
                    MenuItemDefinition(
                        id="staff-deliveries",
                        label=_("E-mail log"),
                        url_name="staff-deliveries",
                        icon="mail",
                        order=130,
                    ),
                ),
            ),
        ),
    }
    scheduled_tasks = (
        ScheduledTask(
            name="sweep-deliveries",
            task="messaging.sweep_deliveries",
            schedule="*/10 * * * *",  # every ten minutes
            description="Queue again the e-mails that waited longer than any retry would.",
        ),
    )

    def ready(self) -> None:
        super().ready()
        from modules.messaging import receivers  # noqa: F401 - connects the receivers
