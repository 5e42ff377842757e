"""Django admin for the catalog. Staff see every vendor's rows: querysets, choices and page
renders run with scopes disabled (customers' ``UnscopedAdminMixin``).

Category tree changes (add, move, delete) belong to the portal and the API, which keep each
vendor's tree consistent (``services.categories``): here a category's name, slug and
description can be edited, and its path is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from modules.catalog.models import Category, Product, Variant
from modules.customers.admin import UnscopedAdminMixin


class VariantInline(UnscopedAdminMixin, admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "values", "price", "position", "is_default"]
    raw_id_fields = ["vendor"]


@admin.register(Product)
class ProductAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "sku", "vendor", "status", "price", "currency", "is_featured"]
    list_filter = ["status", "is_featured", "currency", "vendor"]
    search_fields = ["title", "sku", "slug", "vendor__code"]
    list_select_related = ["vendor", "category"]
    raw_id_fields = ["vendor", "category"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["sku", "product", "vendor", "price", "is_default"]
    list_filter = ["is_default", "vendor"]
    search_fields = ["sku", "product__title", "vendor__code"]
    list_select_related = ["product", "vendor"]
    raw_id_fields = ["vendor", "product"]


@admin.register(Category)
class CategoryAdmin(UnscopedAdminMixin, admin.ModelAdmin):
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
