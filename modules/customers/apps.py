from django.utils.translation import gettext_lazy as _

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class CustomersConfig(ModuleConfig):
    name = "modules.customers"
    label = "customers"
    verbose_name = _("Customers")
    description = _("Customer accounts of each vendor: profiles, addresses, consent and segments.")
    tier = Tier.CORE
    requires = (
        "core",
        "tenancy",
    )
    features = ("customer_accounts", "customer_segments")
    permissions = (
        PermissionDefinition(
            "customers.view", _("View customers"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition("customers.edit", _("Edit customers"), roles=("manager", "staff")),
        PermissionDefinition("customers.export", _("Export customers"), roles=("manager",)),
    )
    url_prefixes = {
        "storefront": "shop/<slug:vendor_code>/",
        "vendor": "vendor/<slug:vendor_code>/customers/",
    }
    menus = {
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="customers",
                label=_("Customers"),
                order=300,
                items=(
                    MenuItemDefinition(
                        id="customers",
                        label=_("Customers"),
                        url_name="vendor-list",
                        icon="users",
                        permission="customers.view",
                    ),
                    MenuItemDefinition(
                        id="segments",
                        label=_("Segments"),
                        url_name="vendor-segments",
                        icon="filter",
                        order=110,
                        permission="customers.view",
                    ),
                ),
            ),
        ),
    }

    def seed_demo(self, platforms):
        """Demo customers for the vendors tenancy's seed put on the demo platforms (if any)."""
        from django_scopes import scopes_disabled

        from modules.customers.services import seed_demo_customers
        from modules.tenancy.models import Vendor
        from modules.tenancy.scoping import vendor_scope

        with scopes_disabled():
            vendors = list(
                Vendor.objects.filter(platforms__platform__in=list(platforms.values())).distinct()
            )
        for vendor in vendors:
            with vendor_scope(vendor):
                seed_demo_customers(vendor)
