"""The platform's public pages: the landing page at / and other pages at /pages/<slug>/."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.views.generic import TemplateView

from modules.cms import services
from modules.cms.models import Page
from orion_core.models import Platform


def _platform(request: HttpRequest) -> Platform:
    platform = getattr(request, "platform", None)
    if platform is None:
        raise Http404("No platform here.")
    return platform


class HomeView(TemplateView):
    """The published ``home`` page, or a welcome that invites vendors to sign up."""

    template_name = "cms/platform/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = services.published_page(_platform(self.request), Page.HOME)
        context.update(page=page, body=page.html if page else "")
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
