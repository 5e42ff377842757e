"""Django admin for the catalog. Staff see every vendor's rows: querysets, choices and page
renders run with scopes disabled (customers' ``UnscopedAdminMixin``).

Category tree changes (add, move, delete) belong to the portal and the API, which keep each
vendor's tree consistent (``services.categories``): here a category's name, slug and
description can be edited, and its path is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from modules.catalog.models import Category, Product, ProductImage, Variant
from modules.catalog.services.categories import changed_on_commit
from modules.customers.admin import UnscopedAdminMixin


class CatalogChangesMixin:
    """Edits here bypass the services: make the vendor's cached catalog (tree, featured
    products) stale once they commit, as the services do."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changed_on_commit(obj.vendor_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        changed_on_commit(obj.vendor_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """The changelist's "delete selected" action deletes without ``delete_model``."""
        vendor_ids = set(queryset.values_list("vendor_id", flat=True))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        for vendor_id in vendor_ids:
            changed_on_commit(vendor_id)


class VariantInline(UnscopedAdminMixin, admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "values", "price", "position", "is_default"]


class ProductImageInline(UnscopedAdminMixin, admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["media", "position"]
    raw_id_fields = ["media"]


@admin.register(Product)
class ProductAdmin(CatalogChangesMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "sku", "vendor", "status", "price", "currency", "is_featured"]
    list_filter = ["status", "is_featured", "currency", "vendor"]
    search_fields = ["title", "sku", "slug", "vendor__code"]
    list_select_related = ["vendor", "category"]
    raw_id_fields = ["vendor", "category"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [VariantInline, ProductImageInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Variants and images belong to their product's vendor."""
        for row in formset.save(commit=False):
            row.vendor_id = form.instance.vendor_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()


@admin.register(Variant)
class VariantAdmin(CatalogChangesMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["sku", "product", "vendor", "price", "is_default"]
    list_filter = ["is_default", "vendor"]
    search_fields = ["sku", "product__title", "vendor__code"]
    list_select_related = ["product", "vendor"]
    raw_id_fields = ["vendor", "product"]


@admin.register(Category)
class CategoryAdmin(CatalogChangesMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "vendor", "depth", "path"]
    list_filter = ["vendor"]
    search_fields = ["name", "slug", "vendor__code"]
    list_select_related = ["vendor"]
    fields = ["vendor", "name", "slug", "description", "path", "depth", "numchild"]
    readonly_fields = ["vendor", "path", "depth", "numchild"]
    ordering = ["vendor", "path"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the portal or the API, which keep the tree consistent

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProductImage)
class ProductImageAdmin(CatalogChangesMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["product", "media", "position", "vendor"]
    list_filter = ["vendor"]
    search_fields = ["product__title", "product__sku", "vendor__code"]
    list_select_related = ["product", "media", "vendor"]
    raw_id_fields = ["vendor", "product", "media"]
