from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import (
    FrontendType,
    LimitDefinition,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class CatalogConfigSchema(serializers.Serializer):
    products_per_page = serializers.IntegerField(
        label=_("Products per page"), default=24, min_value=1, max_value=200
    )
    allow_variants = serializers.BooleanField(label=_("Allow variants"), default=True)


class CatalogConfig(ModuleConfig):
    name = "modules.catalog"
    label = "catalog"
    verbose_name = _("Catalog")
    description = _("Products, variants and categories a vendor sells.")
    tier = Tier.OPTIONAL
    features = ("products", "categories")
    # A plan may cap the products a vendor has (billing's tiers; save_product asks). Billing
    # shows the usage on every dashboard visit: the count from the shared cache.
    limits = (
        LimitDefinition(
            "max_products",
            _("products"),
            usage="modules.catalog.services.products.cached_product_count",
        ),
    )
    permissions = (
        PermissionDefinition(
            "catalog.view", _("View the catalog"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition(
            "catalog.edit", _("Edit products and categories"), roles=("manager", "staff")
        ),
        PermissionDefinition(
            "catalog.export", _("Export the catalog as CSV"), roles=("manager", "staff")
        ),
    )
    # The shop's product pages sit at its root (/shop/<code>/products/, /c/<slug>/,
    # /p/<slug>/, /search/) beside customers' home and account pages; the portal and the APIs
    # keep their default places (/vendor/<code>/catalog/, /api/v1/…/<code>/catalog/).
    url_prefixes = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        "storefront": "shop/<slug:vendor_code>/",
    }
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="catalog",
                label=_("Catalog"),
                order=150,
                items=(
                    MenuItemDefinition(
                        id="products",
                        label=_("Products"),
                        url_name="vendor-products",
                        icon="box",
                        order=10,
                        permission="catalog.view",
                    ),
                    MenuItemDefinition(
                        id="categories",
                        label=_("Categories"),
                        url_name="vendor-categories",
                        icon="folder",
                        order=20,
                        permission="catalog.view",
                    ),
                ),
            ),
        ),
    }
    config_schema = CatalogConfigSchema

    def seed_demo(self, platforms):
        """A category tree, about 500 products and their pictures for each demo vendor (see
        demo.py)."""
        from django_scopes import scopes_disabled

        from modules.catalog.demo import seed_demo_catalog, seed_demo_images
        from modules.tenancy.models import Vendor

        with scopes_disabled():
            vendors = list(
                Vendor.objects.filter(platforms__platform__in=list(platforms.values())).distinct()
            )
        created = sum(seed_demo_catalog(vendor) for vendor in vendors)
        pictures = sum(seed_demo_images(vendor) for vendor in vendors)
        lines = [f"Catalog: {created} demo products created."] if created else []
        return lines + ([f"Catalog: {pictures} demo pictures added."] if pictures else [])
