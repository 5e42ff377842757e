from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


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
    permissions = (
        PermissionDefinition(
            "catalog.view", _("View the catalog"), roles=("manager", "staff", "viewer")
        ),
        PermissionDefinition(
            "catalog.edit", _("Edit products and categories"), roles=("manager", "staff")
        ),
    )
    config_schema = CatalogConfigSchema
