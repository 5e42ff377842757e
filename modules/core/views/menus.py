"""Staff pages for menus: which items a platform hides (``/dashboard/menus/``) and why an item
is shown or hidden for a frontend and user (``/dashboard/menus/debug/``).

Both work on the dashboard's chosen platform (the session's ``orion_dashboard_platform``, else
the request's platform), which need not be the platform of the host serving the dashboard.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import ResolverMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from modules.core.permissions import CHANGE_MENUS, ChangePermissionMixin
from orion_core import menus, permissions
from orion_core.models import Platform
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.services.menus import MenuConfigError, get_hidden_items, set_hidden_items
from orion_core.state import state_for_platform

SESSION_KEY = "orion_dashboard_platform"

FRONTEND_CHOICES = [
    (FrontendType.ADMIN.value, gettext_lazy("Staff dashboard")),
    (FrontendType.VENDOR.value, gettext_lazy("Vendor portal")),
    (FrontendType.STOREFRONT.value, gettext_lazy("Storefront")),
    (FrontendType.PLATFORM.value, gettext_lazy("Platform pages")),
]


def dashboard_platform(request: HttpRequest) -> Platform | None:
    """The session's chosen platform, else the request's."""
    code = request.session.get(SESSION_KEY)
    if code:
        chosen = Platform.objects.filter(code=code).first()
        if chosen is not None:
            return chosen
    return getattr(request, "platform", None)


class FrontendForm(forms.Form):
    frontend = forms.ChoiceField(
        label=gettext_lazy("Frontend"), choices=FRONTEND_CHOICES, initial=FrontendType.ADMIN.value
    )


class DebugForm(FrontendForm):
    user = forms.IntegerField(
        label=gettext_lazy("User id"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Leave empty to explain the menu for yourself."),
    )
    vendor_code = forms.SlugField(
        label=gettext_lazy("Vendor code"),
        required=False,
        help_text=gettext_lazy("Vendor portal and storefront links need one to be built."),
    )

    def clean_user(self) -> Any:
        user_id = self.cleaned_data.get("user")
        if user_id is None:
            return None
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            raise forms.ValidationError(_("No user with id %(id)s.") % {"id": user_id})
        return user


def _frontend(data: Any) -> FrontendType:
    form = FrontendForm(data)
    return FrontendType(
        form.cleaned_data["frontend"] if form.is_valid() else FrontendType.ADMIN.value
    )


def request_as(
    request: HttpRequest,
    platform: Platform | None,
    frontend: FrontendType,
    *,
    user: Any = None,
    vendor_code: str = "",
) -> HttpRequest:
    """A copy of ``request`` as seen on ``platform``'s ``frontend`` by ``user`` (default: the
    same user), for permissions providers that look at ``request.frontend``.

    The copy has its own platform, modules and memoised answers; the request is not changed.
    """
    surrogate = copy.copy(request)
    surrogate.frontend = frontend
    menus.forget(surrogate)
    permissions.forget(surrogate)
    if platform is None:
        surrogate.platform, surrogate.modules = None, frozenset()
    else:
        current = state_for_platform(platform)
        surrogate.platform, surrogate.modules = current.platform, current.enabled
    if user is not None:
        surrogate.user = user
    if vendor_code:
        match = request.resolver_match  # a ResolverMatch refuses to be copied
        surrogate.resolver_match = ResolverMatch(
            match.func,
            match.args,
            {**match.kwargs, "vendor_code": vendor_code},
            match.url_name,
            match.app_names,
            match.namespaces,
            match.route,
        )
    return surrogate


@method_decorator(staff_member_required, name="dispatch")
class MenuConfigView(ChangePermissionMixin, TemplateView):
    """Hide menu items on the chosen platform, one frontend at a time."""

    template_name = "core/menus/config.html"
    change_permission = CHANGE_MENUS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        platform = dashboard_platform(self.request)
        frontend = kwargs.pop("frontend", None) or _frontend(self.request.GET)
        registry = get_registry()
        submitted = kwargs.pop("hidden", None)  # what a refused form sent, shown again
        if submitted is not None:
            hidden = set(submitted)
        else:
            hidden = set(get_hidden_items(platform, frontend)) if platform is not None else set()
        enabled = state_for_platform(platform).enabled if platform is not None else frozenset()
        rows = [
            {
                "declared": item,
                "key": item.key,
                "hidden": item.key in hidden and not item.item.mandatory,
                "module_enabled": item.module in enabled,
                "internal": registry.is_internal(item.module),
            }
            for item in menus.declared_items(frontend, registry)
        ]
        sections: dict[str, dict[str, Any]] = {}
        for row in rows:
            section = row["declared"].section
            sections.setdefault(section.id, {"id": section.id, "label": section.label, "rows": []})[
                "rows"
            ].append(row)
        return super().get_context_data(
            platform_chosen=platform,
            frontend=frontend,
            frontend_form=FrontendForm(initial={"frontend": frontend.value}),
            sections=list(sections.values()),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        platform = dashboard_platform(request)
        frontend = _frontend(request.POST)
        keys = request.POST.getlist("hidden")
        if platform is None:
            messages.error(request, _("Choose a platform first."))
            return self._back(frontend)
        try:
            set_hidden_items(platform, frontend, keys, request.user)
        except MenuConfigError as exc:
            context = self.get_context_data(frontend=frontend, hidden=keys, error=str(exc))
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _("Menu of %(frontend)s saved for %(platform)s.")
            % {"frontend": dict(FRONTEND_CHOICES)[frontend.value], "platform": platform.name},
        )
        return self._back(frontend)

    @staticmethod
    def _back(frontend: FrontendType) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            f"{reverse('core:menus')}?{urlencode({'frontend': frontend.value})}"
        )


@method_decorator(staff_member_required, name="dispatch")
class MenuDebugView(TemplateView):
    """Every item declared on a frontend: shown or hidden for a user, and why."""

    template_name = "core/menus/debug.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        platform = dashboard_platform(self.request)
        data = self.request.GET if "frontend" in self.request.GET else None
        form = DebugForm(data, initial={"frontend": FrontendType.ADMIN.value})
        decisions: list[menus.ItemDecision] = []
        subject = self.request.user
        frontend = FrontendType.ADMIN
        if data is None or form.is_valid():
            cleaned = form.cleaned_data if data is not None else {}
            frontend = FrontendType(cleaned.get("frontend") or FrontendType.ADMIN.value)
            subject = cleaned.get("user") or self.request.user
            surrogate = request_as(
                self.request,
                platform,
                frontend,
                user=subject,
                vendor_code=cleaned.get("vendor_code") or "",
            )
            decisions = menus.explain_menu(surrogate, frontend)
        return super().get_context_data(
            platform_chosen=platform,
            form=form,
            frontend=frontend,
            subject=subject,
            decisions=decisions,
            shown_count=sum(d.shown for d in decisions),
            **kwargs,
        )
