"""Django admin for customers. Staff see every vendor's rows: each queryset, form choice and
page render runs with scopes explicitly disabled (``with_scopes_disabled()``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django_scopes import scopes_disabled

from modules.customers.models import (
    Customer,
    CustomerAddress,
    CustomerSegment,
    CustomerTag,
    CustomerTagging,
)


def _unscoped(view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    with scopes_disabled():
        response = view(*args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    return response


class UnscopedAdminMixin:
    """Querysets bypass the vendor scope on purpose: the admin is staff-only and cross-vendor."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = self.model.objects.with_scopes_disabled().all()  # type: ignore[attr-defined]
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return qs.order_by(*ordering) if ordering else qs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        manager = db_field.remote_field.model._default_manager
        if hasattr(manager, "with_scopes_disabled"):
            kwargs.setdefault("queryset", manager.with_scopes_disabled().all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def changelist_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changelist_view, *args, **kwargs)  # type: ignore[misc]

    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changeform_view, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().delete_view, *args, **kwargs)  # type: ignore[misc]

    def history_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().history_view, *args, **kwargs)  # type: ignore[misc]


class AddressInline(UnscopedAdminMixin, admin.TabularInline):
    model = CustomerAddress
    extra = 0
    raw_id_fields = ["vendor"]


class TaggingInline(UnscopedAdminMixin, admin.TabularInline):
    model = CustomerTagging
    extra = 0
    raw_id_fields = ["vendor", "tag"]


@admin.register(Customer)
class CustomerAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "vendor",
        "is_active",
        "marketing_consent",
        "orders_count",
        "total_spent",
        "date_joined",
    ]
    list_filter = ["is_active", "marketing_consent", "vendor"]
    search_fields = ["email", "first_name", "last_name", "vendor__code"]
    list_select_related = ["vendor"]
    readonly_fields = [
        "marketing_consent_at",
        "last_login",
        "date_joined",
        "orders_count",
        "total_spent",
        "last_order_at",
    ]
    inlines = [AddressInline, TaggingInline]


@admin.register(CustomerAddress)
class CustomerAddressAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "label", "city", "country", "is_default", "vendor"]
    list_filter = ["country", "is_default", "vendor"]
    search_fields = ["customer__email", "line1", "city", "postal_code"]
    list_select_related = ["customer", "vendor"]
    raw_id_fields = ["customer"]


@admin.register(CustomerTag)
class CustomerTagAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "vendor"]
    list_filter = ["vendor"]
    search_fields = ["name", "vendor__code"]
    list_select_related = ["vendor"]


@admin.register(CustomerTagging)
class CustomerTaggingAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "tag", "vendor"]
    list_filter = ["vendor"]
    search_fields = ["customer__email", "tag__name"]
    list_select_related = ["customer", "tag", "vendor"]
    raw_id_fields = ["customer", "tag"]


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "vendor", "created_at"]
    list_filter = ["vendor"]
    search_fields = ["name", "vendor__code"]
    list_select_related = ["vendor"]
