"""Django admin for platforms and module state. Module switches go through ModuleService, so
the admin cascades, audits and invalidates exactly like the CLI and the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orion_core import state
from orion_core.exceptions import OrionError
from orion_core.models import (
    ModuleAuditEntry,
    Platform,
    PlatformDomain,
    PlatformMenuConfig,
    PlatformModule,
)
from orion_core.services import ModuleService
from orion_core.services.menus import set_hidden_items, validate_hidden_items


class PlatformDomainInline(admin.TabularInline):
    model = PlatformDomain
    extra = 0


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "domains__domain"]
    inlines = [PlatformDomainInline]


@admin.register(PlatformModule)
class PlatformModuleAdmin(admin.ModelAdmin):
    list_display = ["module_code", "platform", "is_enabled", "cause", "enabled_at", "disabled_at"]
    list_filter = ["is_enabled", "platform", "module_code"]
    search_fields = ["module_code", "platform__code"]
    list_select_related = ["platform"]
    readonly_fields = [f.name for f in PlatformModule._meta.fields]
    actions = ["enable_modules", "disable_modules"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PlatformModule | None = None
    ) -> bool:
        return False

    @admin.action(
        description=_("Enable selected modules (with their requirements)"),
        permissions=["change"],
    )
    def enable_modules(self, request: HttpRequest, queryset: QuerySet[PlatformModule]) -> None:
        self._switch(request, queryset, enable=True)

    @admin.action(
        description=_("Disable selected modules (with their dependents)"),
        permissions=["change"],
    )
    def disable_modules(self, request: HttpRequest, queryset: QuerySet[PlatformModule]) -> None:
        self._switch(request, queryset, enable=False)

    def _switch(
        self, request: HttpRequest, queryset: QuerySet[PlatformModule], *, enable: bool
    ) -> None:
        service = ModuleService()
        for record in queryset.select_related("platform"):
            change = service.enable if enable else service.disable
            try:
                plan = change(
                    record.platform, record.module_code, user=request.user, source="admin"
                )
            except OrionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, "; ".join(plan.describe()), messages.SUCCESS)


@admin.register(ModuleAuditEntry)
class ModuleAuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "platform", "module_code", "action", "cause", "actor", "source"]
    list_filter = ["action", "source", "platform", "module_code"]
    search_fields = ["module_code", "platform__code", "cause", "actor__username"]
    list_select_related = ["platform", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ModuleAuditEntry | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ModuleAuditEntry | None = None
    ) -> bool:
        return False


class PlatformMenuConfigForm(forms.ModelForm):
    class Meta:
        model = PlatformMenuConfig
        fields = ["platform", "frontend", "hidden_items"]

    def clean(self) -> dict:
        cleaned = super().clean()
        hidden = cleaned.get("hidden_items")
        frontend = cleaned.get("frontend") or self.instance.frontend
        if frontend and hidden is not None:
            if not isinstance(hidden, list) or not all(isinstance(k, str) for k in hidden):
                self.add_error("hidden_items", _('A list of "module:item_id" strings.'))
            else:
                try:
                    cleaned["hidden_items"] = validate_hidden_items(frontend, hidden)
                except ValueError as exc:
                    self.add_error("hidden_items", str(exc))
        return cleaned


@admin.register(PlatformMenuConfig)
class PlatformMenuConfigAdmin(admin.ModelAdmin):
    """Saved through the menus service, so every process sees the change on commit."""

    form = PlatformMenuConfigForm
    list_display = ["platform", "frontend", "updated_at", "updated_by"]
    list_filter = ["frontend", "platform"]
    list_select_related = ["platform", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: PlatformMenuConfig | None = None
    ) -> list[str]:
        # One row per (platform, frontend): an existing row keeps its pair.
        fixed = ["platform", "frontend"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def save_model(
        self, request: HttpRequest, obj: PlatformMenuConfig, form: forms.ModelForm, change: bool
    ) -> None:
        saved = set_hidden_items(obj.platform, obj.frontend, obj.hidden_items, request.user)
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by

    def delete_model(self, request: HttpRequest, obj: PlatformMenuConfig) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(state.invalidate)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PlatformMenuConfig]) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(state.invalidate)
