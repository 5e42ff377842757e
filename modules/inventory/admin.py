"""Django admin of inventory's models, across vendors (querysets and pages run with the vendor
scope explicitly disabled).

Only locations and low-stock thresholds are edited here. Levels, movements and reservations are
read-only: a level changes only with a movement (``modules.inventory.services``), and the
ledger is never changed or deleted. Fixing stock is an adjustment, in the portal or the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django_scopes import scopes_disabled

from modules.inventory.models import (
    LowStockThreshold,
    Reservation,
    ReservationLine,
    StockLevel,
    StockLocation,
    StockMovement,
)
from modules.inventory.services import STATS_SCOPE
from orion_core import shared_cache
from orion_core.contracts.stock import stock_scope


def _unscoped(view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    with scopes_disabled():
        response = view(*args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    return response


class UnscopedAdmin(admin.ModelAdmin):
    """Staff-only and cross-vendor: the vendor scope is bypassed on purpose."""

    list_select_related = ["vendor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = self.model.objects.with_scopes_disabled().all()  # type: ignore[attr-defined]
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        manager = db_field.remote_field.model._default_manager
        if hasattr(manager, "with_scopes_disabled"):
            kwargs.setdefault("queryset", manager.with_scopes_disabled().all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changelist_view, *args, **kwargs)

    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changeform_view, *args, **kwargs)

    def delete_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().delete_view, *args, **kwargs)

    def history_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().history_view, *args, **kwargs)


class ReadOnlyAdmin(UnscopedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StockLocation)
class StockLocationAdmin(UnscopedAdmin):
    list_display = ["name", "code", "vendor", "is_default", "created_at"]
    list_filter = ["is_default", "vendor"]
    search_fields = ["name", "code", "vendor__code"]
    raw_id_fields = ["vendor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a location with stock or history must stay; see the module docstring


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["variant", "location", "vendor", "on_hand", "reserved", "updated_at"]
    list_filter = ["vendor"]
    search_fields = ["variant__sku", "location__code", "vendor__code"]
    list_select_related = ["vendor", "variant__product", "location"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "sku",
        "location",
        "vendor",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reason",
        "reference",
    ]
    list_filter = ["kind", "reason", "vendor"]
    search_fields = ["sku", "reference", "note", "vendor__code"]
    list_select_related = ["vendor", "location"]
    date_hierarchy = "created_at"


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    extra = 0
    fields = ["variant", "location", "quantity"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return ReservationLine.objects.with_scopes_disabled().select_related("variant", "location")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "vendor", "state", "expires_at", "created_at"]
    list_filter = ["state", "vendor"]
    search_fields = ["reference", "vendor__code"]
    inlines = [ReservationLineInline]


@admin.register(LowStockThreshold)
class LowStockThresholdAdmin(UnscopedAdmin):
    """Edits here bypass ``services.vendor_work``: they make the cached stock figures stale
    once they commit, as the services do."""

    list_display = ["product", "vendor", "threshold", "updated_at"]
    list_filter = ["vendor"]
    search_fields = ["product__title", "product__sku", "vendor__code"]
    list_select_related = ["vendor", "product"]
    raw_id_fields = ["vendor", "product"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _stock_changed(obj.vendor_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _stock_changed(obj.vendor_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        vendor_ids = set(queryset.values_list("vendor_id", flat=True))
        super().delete_queryset(request, queryset)
        for vendor_id in vendor_ids:
            _stock_changed(vendor_id)


def _stock_changed(vendor_id: int) -> None:
    shared_cache.bump_on_commit(stock_scope(vendor_id), STATS_SCOPE)
