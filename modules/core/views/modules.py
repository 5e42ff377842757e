"""Module management for the dashboard's chosen platform: the list, enable/disable with a
confirmation page showing the dry-run plan, the config form, and the audit history.

Every read and write of module state goes through ``ModuleService``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from modules.core.forms import ModuleConfigForm
from modules.core.permissions import CHANGE_MODULES, ChangePermissionMixin
from modules.core.views.dashboard import DashboardMixin
from orion_core.exceptions import (
    ModuleConfigError,
    ModuleStateError,
    UnknownModuleError,
    UnknownPlatformError,
)
from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import get_registry
from orion_core.services import Action, ModulePlan

TIER_LABELS = {
    Tier.CORE: gettext_lazy("Core modules"),
    Tier.OPTIONAL: gettext_lazy("Optional modules"),
    Tier.INTERNAL: gettext_lazy("Internal modules (staff only)"),
}
HISTORY_PAGE_SIZE = 50
REFUSED = (ModuleStateError, ModuleConfigError, UnknownModuleError, UnknownPlatformError)


def _error_text(exc: Exception) -> str:
    return str(exc)  # the service's own message says what was refused and why


class ModuleListView(DashboardMixin, TemplateView):
    template_name = "core/modules/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        records = self.service.records(self.platform)
        groups = []
        for tier in Tier:
            rows = []
            for definition in self.registry.by_tier(tier):
                record = records.get(definition.code)
                enabled = definition.is_core or bool(record and record.is_enabled)
                cause = record.cause if record and record.is_enabled else ""
                if definition.is_core and not cause:
                    cause = "core"
                rows.append(
                    {
                        "definition": definition,
                        "enabled": enabled,
                        "cause": cause,
                        "record": record,
                        "requires": sorted(
                            self.registry.requirements(definition.code, transitive=False)
                        ),
                        "dependents": sorted(
                            self.registry.dependents(definition.code, transitive=False)
                        ),
                        "has_config": definition.config_schema is not None,
                    }
                )
            if rows:
                groups.append({"tier": tier, "label": TIER_LABELS[tier], "rows": rows})
        enabled_count = sum(row["enabled"] for group in groups for row in group["rows"])
        return super().get_context_data(
            groups=groups, enabled_count=enabled_count, module_count=len(self.registry), **kwargs
        )


class ModuleChangeView(DashboardMixin, ChangePermissionMixin, TemplateView):
    """GET: the confirmation page with the dry-run plan. POST: the change itself."""

    template_name = "core/modules/confirm.html"
    change_permission = CHANGE_MODULES
    action: Action

    def prepare(self, **kwargs: Any) -> None:
        self.definition = _definition(kwargs["code"])

    def list_url(self) -> str:
        return reverse("core:modules") + f"#module-{self.definition.code}"

    def plan(self, *, prune: bool = False) -> ModulePlan:
        raise NotImplementedError

    def change(self, *, prune: bool) -> ModulePlan:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            plan = self.plan()
        except REFUSED as exc:
            messages.error(request, _error_text(exc))
            return redirect(self.list_url())
        return self.render_to_response(self.get_context_data(plan=plan))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
        prune = bool(request.POST.get("prune"))
        try:
            plan = self.change(prune=prune)
        except REFUSED as exc:
            messages.error(request, _error_text(exc))
            return redirect(self.list_url())
        if not plan.has_changes:
            messages.info(request, _("Nothing to change."))
        else:
            messages.success(request, self.success_message(plan))
        return redirect(self.list_url())

    def success_message(self, plan: ModulePlan) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        plan = kwargs["plan"]
        steps = [
            {
                "step": step,
                "definition": _definition(step.code),
                "config_url": reverse("core:module-config", args=[step.code]),
            }
            for step in plan.steps
        ]
        return super().get_context_data(
            definition=self.definition,
            action=self.action,
            steps=steps,
            blocked=bool(plan.missing_config),
            **kwargs,
        )


class ModuleEnableView(ModuleChangeView):
    action = Action.ENABLE

    def plan(self, *, prune: bool = False) -> ModulePlan:
        return self.service.plan_enable(self.platform, self.definition.code)

    def change(self, *, prune: bool) -> ModulePlan:
        return self.service.enable(
            self.platform, self.definition.code, user=self.request.user, source="dashboard"
        )

    def success_message(self, plan: ModulePlan) -> str:
        return _("Enabled on %(platform)s: %(modules)s.") % {
            "platform": self.platform.name,
            "modules": ", ".join(s.code for s in plan.steps if not s.was_enabled) or plan.module,
        }


class ModuleDisableView(ModuleChangeView):
    action = Action.DISABLE

    def plan(self, *, prune: bool = False) -> ModulePlan:
        return self.service.plan_disable(self.platform, self.definition.code, prune=prune)

    def change(self, *, prune: bool) -> ModulePlan:
        return self.service.disable(
            self.platform,
            self.definition.code,
            user=self.request.user,
            prune=prune,
            source="dashboard",
        )

    def success_message(self, plan: ModulePlan) -> str:
        return _("Disabled on %(platform)s: %(modules)s.") % {
            "platform": self.platform.name,
            "modules": ", ".join(plan.codes),
        }


class ModuleConfigView(DashboardMixin, ChangePermissionMixin, TemplateView):
    change_permission = CHANGE_MODULES
    template_name = "core/modules/config.html"

    def prepare(self, **kwargs: Any) -> None:
        self.definition = _definition(kwargs["code"])

    def current_config(self) -> dict[str, Any]:
        return self.service.get_config(self.platform, self.definition.code)  # secrets masked

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ModuleConfigForm(self.definition, self.current_config())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current = self.current_config()
        form = ModuleConfigForm(self.definition, current, data=request.POST)
        try:
            self.service.set_config(
                self.platform,
                self.definition.code,
                form.values(),
                user=request.user,
                source="dashboard",
            )
        except ModuleConfigError as exc:
            form = ModuleConfigForm(self.definition, current, data=request.POST, errors=exc.errors)
            messages.error(request, _("The settings were not saved: please correct the errors."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except (ModuleStateError, UnknownPlatformError) as exc:
            messages.error(request, str(exc))
            return redirect("core:module-config", code=self.definition.code)
        messages.success(
            request,
            _("Settings of %(module)s saved for %(platform)s.")
            % {"module": self.definition.name, "platform": self.platform.name},
        )
        return redirect("core:module-config", code=self.definition.code)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            definition=self.definition,
            enabled=self.service.is_enabled(self.platform, self.definition.code),
            **kwargs,
        )


class ModuleHistoryView(DashboardMixin, TemplateView):
    template_name = "core/modules/history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        code = self.request.GET.get("module", "")
        if code and code not in self.registry:
            code = ""
        entries = self.service.history(self.platform, code or None)
        page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [{"entry": entry, "diff": _config_diff(entry)} for entry in page.object_list]
        return super().get_context_data(
            page=page,
            rows=rows,
            module=code,
            module_codes=self.registry.codes(),
            **kwargs,
        )


def _definition(code: str) -> ModuleDefinition:
    try:
        return get_registry().get(code)
    except UnknownModuleError as exc:
        raise Http404(str(exc)) from None


def _config_diff(entry: Any) -> list[dict[str, Any]]:
    """Keys whose value differs between the entry's old and new config (secrets are masked)."""
    if entry.old_config is None and entry.new_config is None:
        return []
    old, new = entry.old_config or {}, entry.new_config or {}
    return [
        {"key": key, "old": old.get(key), "new": new.get(key), "added": key not in old}
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]
