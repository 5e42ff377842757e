from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orion_core.modules import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    Tier,
)


class CmsConfigSchema(serializers.Serializer):
    """Per-platform settings of the content module."""

    max_upload_mb = serializers.IntegerField(
        label=_("Largest upload (MiB)"),
        default=10,
        min_value=1,
        max_value=100,
        help_text=_("Media files larger than this are refused."),
    )


class CmsConfig(ModuleConfig):
    name = "modules.cms"
    label = "cms"
    verbose_name = _("Content")
    description = _("Platform and vendor pages, media libraries and storefront themes.")
    tier = Tier.CORE
    # tenancy: vendor pages, media and themes belong to vendors (Vendor.theme holds the theme).
    requires = ("core", "tenancy")
    features = ("pages", "vendor_pages", "media_library", "themes")
    # The platform's public site (landing page, /pages/<slug>/) is at the root of its domain; a
    # shop's pages and theme stylesheet sit in its storefront (/shop/<code>/pages/<slug>/).
    url_prefixes = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        "platform": "",
        "storefront": "shop/<slug:vendor_code>/",
    }
    config_schema = CmsConfigSchema
    permissions = (
        PermissionDefinition(
            "cms.view",
            _("View pages, media and the theme"),
            roles=("manager", "staff", "viewer"),
        ),
        PermissionDefinition(
            "cms.edit",
            _("Edit pages, media and the theme"),
            roles=("manager", "staff"),
        ),
    )
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="content",
                label=_("Content"),
                order=200,
                items=(
                    MenuItemDefinition(
                        id="pages",
                        label=_("Pages"),
                        url_name="vendor-pages",
                        icon="file",
                        order=10,
                        permission="cms.view",
                    ),
                    MenuItemDefinition(
                        id="media",
                        label=_("Media library"),
                        url_name="vendor-media",
                        icon="image",
                        order=20,
                        permission="cms.view",
                    ),
                    MenuItemDefinition(
                        id="theme",
                        label=_("Theme"),
                        url_name="vendor-theme",
                        icon="palette",
                        order=30,
                        permission="cms.edit",
                    ),
                ),
            ),
        ),
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="content",
                label=_("Content"),
                order=300,
                items=(
                    MenuItemDefinition(
                        id="staff-media",
                        label=_("Media library"),
                        url_name="staff-media",
                        icon="image",
                    ),
                ),
            ),
        ),
    }

    def ready(self) -> None:
        # What is cached (pages, storefront chrome, themes) and the receivers that make it stale.
        from modules.cms import services  # noqa: F401

    def seed_demo(self, platforms):
        """Landing pages for the demo platforms, pages and a theme for the demo vendors."""
        from modules.cms.services.demo import seed_demo_content

        return seed_demo_content(platforms)
