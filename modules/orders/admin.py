"""Django admin of orders' models, across vendors (querysets and pages run with the vendor scope
explicitly disabled, customers' ``UnscopedAdminMixin``).

Orders, their lines and history are read-only here: an order changes status only through
``modules.orders.services`` (which keeps stock, payments and history in step), from the vendor
portal or the API. Vendors' order settings can be corrected by staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from modules.customers.admin import UnscopedAdminMixin
from modules.orders.models import (
    Cart,
    CartLine,
    IdempotencyKey,
    Order,
    OrderCounter,
    OrderEvent,
    OrderLine,
    OrderSettings,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _Inline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.with_scopes_disabled().all()  # type: ignore[attr-defined]


class OrderLineInline(_Inline):
    model = OrderLine
    fields = ["sku", "title", "option_label", "unit_price", "quantity", "tax", "total"]
    readonly_fields = fields


class OrderEventInline(_Inline):
    model = OrderEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "user", "message"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "vendor", "status", "email", "total", "currency", "placed_at"]
    list_filter = ["status", "vendor", "platform"]
    search_fields = ["number", "email", "ship_name", "vendor__code", "tracking_number"]
    list_select_related = ["vendor"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, OrderEventInline]


@admin.register(OrderSettings)
class OrderSettingsAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "vendor",
        "tax_rate",
        "prices_include_tax",
        "shipping_flat_rate",
        "free_shipping_above",
    ]
    list_select_related = ["vendor"]
    search_fields = ["vendor__code", "vendor__name"]
    raw_id_fields = ["vendor"]


@admin.register(OrderCounter)
class OrderCounterAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["vendor", "last_number"]
    list_select_related = ["vendor"]


class CartLineInline(_Inline):
    model = CartLine
    fields = ["variant", "quantity", "added_at"]
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["token", "vendor", "customer", "updated_at"]
    list_filter = ["vendor"]
    list_select_related = ["vendor", "customer"]
    inlines = [CartLineInline]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["vendor", "scope", "key", "order", "created_at"]
    list_filter = ["vendor"]
    search_fields = ["key", "scope"]
    list_select_related = ["vendor", "order"]
