"""The staff dashboard's home: a platform switcher, a summary of the chosen platform, and the
widgets and metrics its enabled modules contribute.

The dashboard manages one platform at a time, chosen by staff and kept in the session (it need
not be the platform of the host the dashboard is served on).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from orion_core import derived, state
from orion_core.menus import module_links
from orion_core.models import Platform
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.providers import (
    Metric,
    ProviderFailure,
    RenderedWidget,
    cards_key,
    collect_metrics,
    collect_widgets,
    failed_cards,
    render_widgets,
    with_links,
)
from orion_core.services import ModuleService

SESSION_KEY = "orion_dashboard_platform"
LATEST_AUDIT_ENTRIES = 10


def chosen_platform(request: HttpRequest, platforms: list[Platform]) -> Platform | None:
    """The platform the dashboard manages: the session's choice, else the request's, else the
    first one."""
    by_code = {p.code: p for p in platforms}
    chosen = by_code.get(request.session.get(SESSION_KEY, ""))
    if chosen is None and getattr(request, "platform", None) is not None:
        chosen = by_code.get(request.platform.code)
    if chosen is None and platforms:
        chosen = platforms[0]
    return chosen


@method_decorator(staff_member_required, name="dispatch")
class DashboardMixin:
    """Staff only; sets ``self.platforms`` (all of them) and ``self.platform`` (the chosen one).

    Pages that need a platform and find none render the empty state instead.
    """

    requires_platform = True
    empty_template_name = "core/dashboard/no_platform.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.service = ModuleService()
        self.registry = get_registry()
        self.platforms = state.all_platforms()
        self.platform = chosen_platform(request, self.platforms)
        if self.platform is None and self.requires_platform:
            return TemplateView.as_view(template_name=self.empty_template_name)(request)
        self.prepare(**kwargs)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def prepare(self, **kwargs: Any) -> None:
        """Hook for the view's own lookups, run after the staff check; may raise Http404."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(dashboard_platforms=self.platforms, dashboard_platform=self.platform)
        return context


class StaffListMixin(DashboardMixin):
    """A staff list of the chosen platform's rows across vendors, filtered by ``filter_form_class``
    (from the query string; invalid filters filter nothing) and paged by ``page_size``. The
    context has ``filter_form``, ``page_obj``, the page's rows under ``rows_name`` and
    ``filter_query`` (the query string without ``page``, for the pager's links)."""

    filter_form_class: type[Form]
    rows_name = "rows"
    page_size = 50

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {}

    def filtered(self, **filters: Any) -> QuerySet:
        """The rows the filters select, in order (runs with the vendor scope disabled)."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request  # type: ignore[attr-defined]
        filter_form = self.filter_form_class(request.GET or None, **self.filter_form_kwargs())
        data = filter_form.cleaned_data if filter_form.is_valid() else {}
        with scopes_disabled():  # staff: across vendors on purpose, by platform
            pages = Paginator(self.filtered(**data), self.page_size)
            page = pages.get_page(request.GET.get("page"))
            rows = list(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        kwargs.update(filter_form=filter_form, page_obj=page, filter_query=query.urlencode())
        kwargs[self.rows_name] = rows
        return super().get_context_data(**kwargs)


class DashboardHomeView(DashboardMixin, TemplateView):
    """The chosen platform's summary and the cards of its enabled modules. A module whose
    provider fails loses only its own cards; staff read which in a note (and the log)."""

    template_name = "core/dashboard/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        platform = self.platform
        core = {d.code for d in self.registry if d.is_core}
        enabled = set(state.state_for_platform(platform).enabled)
        widgets, metrics, failures = derived.get_or_derive(
            cards_key(self.request, "staff", platform.pk),
            lambda: self.cards(platform, enabled),
            keep_if=lambda built: not built[2],  # a failed card is asked again
        )
        return super().get_context_data(
            enabled_count=len(enabled),
            module_count=len(self.registry),
            optional_enabled=sorted(c for c in enabled if c not in core),
            latest_entries=self.service.latest_history(platform, LATEST_AUDIT_ENTRIES),
            metrics=metrics,
            widgets=widgets,
            failed_cards=failed_cards(failures, registry=self.registry),
            **kwargs,
        )

    def cards(
        self, platform: Platform, enabled: set[str]
    ) -> tuple[list[RenderedWidget], list[Metric], list[ProviderFailure]]:
        """The enabled modules' widgets (rendered) and metrics (kept whole while current)."""
        failures: list[ProviderFailure] = []
        links = module_links(self.request, FrontendType.ADMIN)
        found = collect_widgets(platform, self.request.user, enabled, failures=failures)
        widgets = render_widgets(self.request, with_links(found, links), failures=failures)
        metrics = with_links(collect_metrics(platform, enabled, failures=failures), links)
        return widgets, metrics, failures


class SwitchPlatformView(DashboardMixin, TemplateView):
    """GET: a page to choose the platform to manage. POST ``platform=<code>`` (and ``next``):
    manage that platform from now on (kept in the session)."""

    template_name = "core/dashboard/switch.html"
    requires_platform = False

    def post(self, request: HttpRequest) -> HttpResponseRedirect:
        code = request.POST.get("platform", "")
        platform = Platform.objects.filter(code=code).first()
        if platform is None:
            messages.error(request, _("Unknown platform “%(code)s”.") % {"code": code})
        else:
            request.session[SESSION_KEY] = platform.code
            messages.success(request, _("Now managing %(name)s.") % {"name": platform.name})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("core:dashboard")
        return redirect(target)
