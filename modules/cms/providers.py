"""What the content module gives layouts and dashboards.

``module_context.cms`` (``context_provider``), by frontend:

- storefront (a shop's page, ``request.vendor`` set): ``theme_url`` (the shop's theme
  stylesheet, versioned), ``logo`` (``url``, ``width``, ``height``, ``alt``, or None),
  ``nav_pages`` (the shop's published pages for its navigation: ``title``, ``url``);
- platform site: ``nav_pages`` (the platform's published pages other than its home page);
- anywhere else: nothing.

Everything comes from the shared cache: a warm page pays no SQL for it.

Dashboards: the vendor portal's home gets a content widget and figures for its vendor (the
request's tenant, ``modules.tenancy.context``); the staff dashboard the platform's.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from modules.cms.services import pages as page_service
from modules.cms.services import storefront as storefront_service
from modules.cms.services import theme as theme_service
from modules.cms.services.cache import vendor_scope_name
from modules.tenancy.context import current as current_tenant
from orion_core import shared_cache
from orion_core.modules.definition import FrontendType
from orion_core.providers import Metric, Widget


class ContentContextProvider:
    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        frontend = getattr(request, "frontend", None)
        if frontend == FrontendType.STOREFRONT:
            vendor = getattr(request, "vendor", None)
            return storefront_context(vendor) if vendor is not None else {}
        if frontend == FrontendType.PLATFORM and getattr(request, "platform", None):
            return {
                "nav_pages": [
                    {"title": link.title, "url": reverse("cms:page", kwargs={"slug": link.slug})}
                    for link in page_service.platform_nav(request.platform)
                ]
            }
        return {}


def storefront_context(vendor: Any) -> dict[str, Any]:
    """The shop's theme stylesheet URL, logo and page links, whole from the shared cache (one
    round trip, no SQL, no stylesheet built or URL reversed when warm). Keyed by the vendor's
    theme, so a new theme is a new entry; page and media changes bump the vendor's scope."""
    theme_key = json.dumps(vendor.theme or {}, sort_keys=True, default=str)
    digest = hashlib.blake2b(theme_key.encode(), digest_size=8).hexdigest()
    return shared_cache.get_or_load(
        f"orion:cms:storefront:{vendor.pk}:{digest}",
        lambda: _storefront_context(vendor),
        scope=vendor_scope_name(vendor.pk),
    )


def _storefront_context(vendor: Any) -> dict[str, Any]:
    theme = theme_service.theme_of(vendor)
    css = theme_service.theme_css(theme)
    chrome = storefront_service.load_chrome(vendor)
    theme_url = reverse("cms:theme", kwargs={"vendor_code": vendor.code})
    return {
        "theme_url": f"{theme_url}?v={theme_service.theme_version(css)}",
        "theme_preset": theme.preset,
        "logo": chrome.logo,
        "nav_pages": [
            {
                "title": link.title,
                "url": reverse(
                    "cms:vendor-page-public", kwargs={"vendor_code": vendor.code, "slug": link.slug}
                ),
            }
            for link in chrome.nav
        ],
    }


context_provider = ContentContextProvider()


def _vendor_links(vendor_code: str) -> dict[str, str]:
    return {
        name: reverse(f"cms:vendor-{name}", kwargs={"vendor_code": vendor_code})
        for name in ("pages", "media")
    }


class ContentMetricsProvider:
    def get_metrics(self, platform: Any) -> list[Metric]:
        tenant = current_tenant()
        if tenant.vendor_id:
            stats = storefront_service.vendor_stats(tenant.vendor_id)
        else:
            stats = storefront_service.platform_stats(platform)
        return [
            Metric(
                "cms.published_pages", _("Published pages"), stats.published_pages, module="cms"
            ),
            Metric("cms.media_files", _("Media files"), stats.media_count, module="cms"),
            Metric(
                "cms.media_size",
                _("Media storage"),
                filesizeformat(stats.media_bytes),
                module="cms",
            ),
        ]


metrics_provider = ContentMetricsProvider()


class ContentWidgetsProvider:
    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        tenant = current_tenant()
        if tenant.vendor_id:
            stats = storefront_service.vendor_stats(tenant.vendor_id)
            context = {"stats": stats, "links": _vendor_links(tenant.vendor_code)}
            template = "cms/widgets/vendor_content.html"
        else:
            stats = storefront_service.platform_stats(platform)
            context = {"stats": stats, "media_url": reverse("cms:staff-media")}
            template = "cms/widgets/platform_content.html"
        return [
            Widget(
                key="cms.content",
                title=_("Content"),
                template=template,
                context=context,
                order=50,
                module="cms",
            )
        ]


widgets_provider = ContentWidgetsProvider()
