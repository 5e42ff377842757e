"""The platform's public pages: the landing page at / and other pages at /pages/<slug>/."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.views.generic import TemplateView

from modules.cms import services
from modules.cms.models import Page
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
            page=page, body=page.html if page else "", shops=shops, shop_count=shop_count
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
