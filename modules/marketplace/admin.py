"""Django admin of marketplace's models: read-only and across vendors (the vendor scope is
disabled on purpose). Jobs change through their services (staging, publishing, cancelling),
in the portal or ``manage.py marketplace``, never by editing a row; vendors configure their
feeds on the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django_scopes import scopes_disabled

from modules.marketplace.models import Feed, ImportJob, StagedProduct


class ReadOnlyUnscopedAdmin(admin.ModelAdmin):
    list_select_related = ["vendor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = self.model.objects.with_scopes_disabled().all()  # type: ignore[attr-defined]
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def changelist_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._unscoped(super().changelist_view, *args, **kwargs)

    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._unscoped(super().changeform_view, *args, **kwargs)

    @staticmethod
    def _unscoped(view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():
            response = view(*args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyUnscopedAdmin):
    list_display = ["pk", "vendor", "file_name", "status", "rows_done", "total_rows", "error_rows"]
    list_filter = ["status", "format", "source"]
    search_fields = ["vendor__code", "file_name", "feed_url"]
    date_hierarchy = "created_at"


@admin.register(StagedProduct)
class StagedProductAdmin(ReadOnlyUnscopedAdmin):
    list_display = ["pk", "vendor", "job", "row_number", "sku", "state", "decision", "published"]
    list_filter = ["state", "decision", "published", "images_fetched"]
    search_fields = ["sku", "title", "vendor__code"]
    list_select_related = ["vendor", "job"]


@admin.register(Feed)
class FeedAdmin(ReadOnlyUnscopedAdmin):
    list_display = ["pk", "vendor", "name", "url", "sync_every", "auto_publish", "enabled"]
    list_filter = ["sync_every", "auto_publish", "enabled", "format"]
    search_fields = ["vendor__code", "name", "url"]
    list_select_related = ["vendor"]
