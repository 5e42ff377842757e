"""The platform's public pages: the landing page at / and other pages at /pages/<slug>/."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from modules.cms import services
from modules.cms.models import Page
from modules.cms.services import theme as theme_service
from modules.cms.services.storefront import platform_shops
from orion_core.models import Platform


def _platform(request: HttpRequest) -> Platform:
    platform = getattr(request, "platform", None)
    if platform is None:
        raise Http404("No platform here.")
    return platform


class HomeView(TemplateView):
    """The landing page: the platform presented by its published ``home`` page (else a
    welcome), and the shops open on it. Warm: no SQL (pages and shops come from the cache)."""

    template_name = "cms/platform/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        platform = _platform(self.request)
        page = services.published_page(platform, Page.HOME)
        shops, shop_count = platform_shops(platform)
        context.update(
            page=page,
            body=page.html if page else "",
            shops=shops,
            shop_count=shop_count,
            more_shops=max(0, shop_count - len(shops)),
            presets_version=theme_service.theme_version(theme_service.presets_css()),
        )
        return context


class PageView(TemplateView):
    template_name = "cms/platform/page.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = services.published_page(_platform(self.request), kwargs["slug"])
        if page is None:
            raise Http404("No such page.")
        context.update(page=page, body=page.html)
        return context


class PresetsStylesheetView(View):
    """``theme-presets.css``: the colours of every theme preset, which the landing page's shop
    cards use. The same for every platform; versioned by its content (``?v=``)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        css = theme_service.presets_css()
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        if request.GET.get("v") == theme_service.theme_version(css):
            patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
        else:
            patch_cache_control(response, public=True, max_age=300)
        return response
