"""The shop's own pages (/shop/<code>/pages/<slug>/) and its theme stylesheet (/shop/<code>/
theme.css). The tenant guard serves them only for a vendor open on the platform."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from modules.cms.services import pages as page_service
from modules.cms.services import theme as theme_service


class VendorPageView(TemplateView):
    """A published page of the shop (a draft, or another shop's page, is a 404)."""

    template_name = "cms/storefront/page.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = page_service.published_vendor_page(self.request.vendor.pk, kwargs["slug"])
        if page is None:
            raise Http404(_("No such page."))
        url = reverse(
            "cms:vendor-page-public",
            kwargs={"vendor_code": self.request.vendor.code, "slug": page.slug},
        )
        context.update(
            vendor=self.request.vendor,
            page=page,
            breadcrumbs=[{"name": page.title, "url": url}],
        )
        return context


class ThemeStylesheetView(View):
    """``theme.css``: the shop's theme as CSS custom properties, linked from every storefront
    page (``module_context.cms.theme_url``).

    Why a stylesheet and not a ``<style>`` block with a CSP nonce: the policy stays the same
    strict ``style-src 'self'`` on every page (no nonce to thread through templates, no page
    that breaks when one forgets it), and the file is cached by browsers across pages. Its URL
    carries a digest of the content (``?v=``), so a page always links the current theme and a
    matching request may be cached for a year; any other ``v`` gets a short cache only.
    """

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        css = theme_service.theme_css(theme_service.theme_of(request.vendor))
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        if request.GET.get("v") == theme_service.theme_version(css):
            patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
        else:
            patch_cache_control(response, public=True, max_age=300)
        return response
