from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class PaymentsConfigSchema(serializers.Serializer):
    provider = serializers.ChoiceField(
        label=_("Payment provider"),
        choices=[("manual", _("Manual (bank transfer, cash)")), ("stripe", "Stripe")],
        default="manual",
        help_text=_("Who processes card payments."),
    )
    currency = serializers.RegexField(
        r"^[A-Z]{3}$", label=_("Currency"), default="EUR", help_text=_("ISO 4217 code, e.g. EUR.")
    )
    capture_automatically = serializers.BooleanField(
        label=_("Capture automatically"),
        default=True,
        help_text=_("Capture authorised payments immediately."),
    )
    api_key = serializers.CharField(
        label=_("API key"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("The provider's secret API key. Never shown again once saved."),
    )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("provider") != "manual" and not attrs.get("api_key"):
            raise serializers.ValidationError(
                {"api_key": _("An API key is required for this provider.")}
            )
        return attrs


class PaymentsConfig(ModuleConfig):
    name = "modules.payments"
    label = "payments"
    verbose_name = _("Payments")
    description = _("Taking payments through a payment provider, refunds and payouts.")
    tier = Tier.OPTIONAL
    features = ("payment_processing", "refunds")
    permissions = (
        PermissionDefinition(
            "payments.view", _("View payments"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition("payments.refund", _("Refund payments"), roles=("manager",)),
    )
    config_schema = PaymentsConfigSchema
