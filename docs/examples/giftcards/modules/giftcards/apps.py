"""Giftcards: the module's declaration (its ModuleDefinition) and lifecycle hooks.

Every attribute is explained in docs/modules.md. Check it with `manage.py module check` and
look at the result with `manage.py module show giftcards`.
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


class GiftcardsConfigSchema(serializers.Serializer):
    """Per-platform settings. One schema validates the API, the staff form and the CLI."""

    validity_days = serializers.IntegerField(
        label=_("Validity in days"),
        default=365,
        min_value=1,
        max_value=3650,
        help_text=_("How long a new gift card can be spent."),
    )


class GiftcardsConfig(ModuleConfig):
    name = "modules.giftcards"
    label = "giftcards"  # the module code: app label, URL namespace, permission prefix
    verbose_name = _("Gift cards")
    description = _("Gift cards that vendors issue and customers spend at checkout.")
    version = "0.1.0"
    tier = Tier.OPTIONAL
    requires = ("payments",)
    features = ("gift_cards",)
    # The owner holds every permission; roles= names the other vendor roles that hold it.
    permissions = (
        PermissionDefinition(
            "giftcards.view",
            _("View gift cards"),
            roles=("manager", "staff", "viewer"),
        ),
        PermissionDefinition(
            "giftcards.issue",
            _("Issue and change gift cards"),
            roles=("manager",),
        ),
    )
    menus = {
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                "giftcards",
                _("Gift cards"),
                items=(
                    MenuItemDefinition(
                        "giftcards-cards",
                        _("Gift cards"),
                        url_name="vendor-list",
                        permission="giftcards.view",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                "giftcards",
                _("Gift cards"),
                items=(
                    MenuItemDefinition(
                        "giftcards-overview",
                        _("Gift cards"),
                        url_name="staff-index",
                    ),
                ),
            ),
        ),
    }
    config_schema = GiftcardsConfigSchema
    scheduled_tasks = (
        ScheduledTask(
            "expire",
            "modules.giftcards.tasks.expire_cards",
            "0 3 * * *",
            per_platform=True,
            description="Empty the gift cards whose validity has ended.",
        ),
    )

    # --- lifecycle hooks (run inside the change's transaction; raising rolls it back) ---------

    def on_enable(self, platform, user):
        """The module was switched on for ``platform``."""

    def on_disable(self, platform, user):
        """The module was switched off for ``platform`` (its data stays)."""

    def on_purge(self, platform, user):
        """Delete this module's data on ``platform`` (`manage.py module purge`). Gift cards
        belong to vendors, who may sell on other platforms too: they stay."""

    def health_check(self):
        """Raise with a message saying what is wrong; return when healthy."""
