"""The Billing module: the plans a platform sells its vendors, and their subscriptions.

A platform's **tiers** (``models.Tier``) have a monthly and a yearly price, include some of the
features modules declare and cap some of the limits modules declare (``max_products``,
``max_team_members``). A vendor **subscribes** to one (``models.Subscription``: trialing →
active → past_due → cancelled / expired), changes plan and cancels at period end from its
portal's Billing page or the vendor API. Billing answers the **entitlements** contract
(``providers.entitlements_provider``) from the vendor's subscription on the platform, so the
feature gate and ``check_limit`` follow the plan. **Invoices** bill each paid period and each
upgrade's proration once, numbered without gaps per platform, paid through the payments
contract, with dunning through the notifications contract (``services.invoices``; the hourly
``run-invoices`` task and ``manage.py billing run-invoices``).
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
    dunning_days = serializers.IntegerField(
        label=_("Days until an unpaid plan ends"),
        default=14,
        min_value=1,
        max_value=365,
        help_text=_(
            "Days after an invoice's due date until the subscription is cancelled if it is "
            "still unpaid. Reminders go out weekly until then."
        ),
    )
    trial_days = serializers.IntegerField(
        label=_("Free trial in days"),
        default=14,
        min_value=0,
        max_value=365,
        help_text=_(
            "Days a vendor's first paid subscription on this platform is free. 0: no trial."
        ),
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
    # The pricing page sits on the platform site's root (/pricing/), beside the sign-up page.
    url_prefixes = {"platform": ""}  # noqa: RUF012 - a ClassVar declared on ModuleConfig
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="billing",
                label=_("Billing"),
                order=600,
                items=(
                    # Never gated by a feature: a vendor must always reach the page to upgrade.
                    MenuItemDefinition(
                        id="billing",
                        label=_("Plan and billing"),
                        url_name="vendor-billing",
                        icon="credit-card",
                        permission="billing.view",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="billing",
                label=_("Billing"),
                order=260,
                items=(
                    MenuItemDefinition(
                        id="staff-billing",
                        label=_("Plans and subscriptions"),
                        url_name="staff-billing",
                        icon="list",
                    ),
                    MenuItemDefinition(
                        id="staff-invoices",
                        label=_("Invoices"),
                        url_name="staff-invoices",
                        icon="file-text",
                    ),
                ),
            ),
        ),
    }
    scheduled_tasks = (
        ScheduledTask(
            name="run-invoices",
            task="billing.run_invoices",
            schedule="5 * * * *",  # hourly, after the quarter-hourly advance
            per_platform=True,
            description=(
                "Issue the invoices of periods that started and of upgrades, remind and "
                "cancel overdue ones, tell trials that end soon. Idempotent."
            ),
        ),
        ScheduledTask(
            name="advance-subscriptions",
            task="billing.advance_subscriptions",
            schedule="*/15 * * * *",  # every quarter of an hour
            per_platform=True,
            description=(
                "Move subscriptions whose trial or period ended: trials to active, renewals "
                "to their next period, cancellations to cancelled or expired."
            ),
        ),
    )

    def ready(self) -> None:
        super().ready()
        from modules.billing import receivers  # noqa: F401 - connects the cache bumps

    def on_purge(self, platform, user):
        """``module purge billing``: the platform's subscriptions (their periods and history)
        and its tiers go; vendors keep everything else."""
        from modules.billing.services.subscriptions import purge

        purge(platform)

    def seed_demo(self, platforms):
        """Three tiers on each demo platform and a subscription for each demo vendor there
        (see demo.py). Idempotent."""
        from modules.billing.demo import seed_demo_billing

        return seed_demo_billing(platforms)
