"""Payments: the module's declaration.

Each platform takes payments through one gateway of the registry (``gateways.GATEWAYS``),
chosen in this config with its credentials (write-only secrets). Payments belong to vendors
(``models``); the platform decides the gateway, the currency and whether the pages and the
payments contract answer (the module on or off).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.payments import gateways
from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class PaymentsConfigSchema(serializers.Serializer):
    provider = serializers.ChoiceField(
        label=_("Payment provider"),
        choices=gateways.choices(),
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

    client_id = serializers.CharField(
        label=_("Client ID"),
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("PayPal's client ID (the API key is its secret)."),
    )
    webhook_secret = serializers.CharField(
        label=_("Webhook secret"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_(
            "Stripe's webhook signing secret, or PayPal's webhook ID: notifications are "
            "refused without it. Never shown again once saved."
        ),
    )
    sandbox = serializers.BooleanField(
        label=_("Test mode"),
        default=True,
        help_text=_("Use the provider's sandbox (no real money) where it has one."),
    )
    instructions = serializers.CharField(
        label=_("Payment instructions"),
        required=False,
        allow_blank=True,
        max_length=1000,
        default="",
        help_text=_("Shown to customers paying manually, e.g. the bank account to pay into."),
    )

    def validate(self, attrs: dict) -> dict:
        provider = gateways.GATEWAYS.get(attrs.get("provider", "manual"))
        if provider is not None and provider.needs_api_key and not attrs.get("api_key"):
            raise serializers.ValidationError(
                {"api_key": _("An API key is required for this provider.")}
            )
        if provider is not None and provider.needs_client_id and not attrs.get("client_id"):
            raise serializers.ValidationError(
                {"client_id": _("A client ID is required for this provider.")}
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
        PermissionDefinition(
            "payments.confirm",
            _("Confirm manual payments"),
            description=_("Mark a bank transfer or cash payment as received."),
            roles=("manager", "staff"),
        ),
        PermissionDefinition("payments.refund", _("Refund payments"), roles=("manager",)),
    )
    config_schema = PaymentsConfigSchema
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="payments",
                label=_("Payments"),
                order=500,
                items=(
                    MenuItemDefinition(
                        id="payments",
                        label=_("Payments"),
                        url_name="vendor-payments",
                        icon="credit-card",
                        permission="payments.view",
                    ),
                ),
            ),
        ),
    }

    def ready(self) -> None:
        super().ready()
        from modules.payments import cache  # noqa: F401 - connects the receivers
