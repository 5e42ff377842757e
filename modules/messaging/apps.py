from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


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
