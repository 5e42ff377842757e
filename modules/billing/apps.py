from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class BillingConfigSchema(serializers.Serializer):
    invoice_prefix = serializers.RegexField(
        r"^[A-Z0-9-]{1,10}$",
        label=_("Invoice number prefix"),
        default="INV-",
        help_text=_("Up to 10 capitals, digits or '-'."),
    )
    payment_terms_days = serializers.IntegerField(
        label=_("Payment terms in days"),
        default=14,
        min_value=0,
        max_value=365,
        help_text=_("Days until an invoice is due."),
    )
    tax_rate_percent = serializers.DecimalField(
        label=_("Tax rate in percent"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        default="20.00",
    )


class BillingConfig(ModuleConfig):
    name = "modules.billing"
    label = "billing"
    verbose_name = _("Billing")
    description = _("Invoices and subscriptions charged through payments.")
    tier = Tier.OPTIONAL
    requires = ("payments",)
    features = ("invoices", "subscriptions")
    permissions = (
        PermissionDefinition(
            "billing.view",
            _("View invoices and subscriptions"),
            roles=("manager", "staff", "viewer"),
        ),
        PermissionDefinition(
            "billing.manage", _("Issue invoices and manage subscriptions"), roles=("manager",)
        ),
    )
    config_schema = BillingConfigSchema
