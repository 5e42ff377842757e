from django.utils.translation import gettext_lazy as _

from orion_core.modules import ModuleConfig, PermissionDefinition, Tier


class CmsConfig(ModuleConfig):
    name = "modules.cms"
    label = "cms"
    verbose_name = _("Content")
    description = _("Pages and content blocks for platform and storefront sites.")
    tier = Tier.CORE
    requires = ("core",)
    features = ("pages", "content_blocks")
    # The platform's public site (landing page, /pages/<slug>/) is at the root of its domain.
    url_prefixes = {"platform": ""}  # noqa: RUF012 - a ClassVar declared on ModuleConfig
    permissions = (
        PermissionDefinition("pages.view", _("View pages"), roles=("manager", "staff", "viewer")),
        PermissionDefinition("pages.edit", _("Edit pages"), roles=("manager", "staff")),
    )

    def ready(self) -> None:
        # Published pages are cached: the receivers that make them stale when a page changes.
        from modules.cms import services  # noqa: F401
