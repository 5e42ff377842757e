"""The content module in the Django admin: platform pages, vendor pages and media files.

Vendor rows are scoped (django-scopes); the admin sees every vendor's (tenancy's
``UnscopedAdmin``). Media files are uploaded through the libraries' pages, where Pillow checks
them; the admin edits their alternative text and deletes those nothing uses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from modules.cms.models import Media, Page, VendorPage
from modules.cms.services import media as media_service
from modules.tenancy.admin import UnscopedAdmin


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "platform", "is_published", "updated_at")
    list_filter = ("platform", "is_published")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012
    list_select_related = ("platform",)


@admin.register(VendorPage)
class VendorPageAdmin(UnscopedAdmin):
    list_display = ("title", "slug", "vendor", "status", "show_in_nav", "nav_order", "updated_at")
    list_filter = ("status", "show_in_nav")
    search_fields = ("title", "slug", "vendor__name", "vendor__code")
    list_select_related = ("vendor",)
    raw_id_fields = ("vendor",)
    readonly_fields = ("published_at", "created_at", "updated_at")


@admin.register(Media)
class MediaAdmin(UnscopedAdmin):
    """Uploads go through the libraries' pages (Pillow checks them there); the admin changes the
    alternative text and deletes files that nothing uses."""

    list_display = ("thumbnail", "original_name", "vendor", "dimensions", "size", "created_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "alt_text", "sha256", "vendor__name", "vendor__code")
    list_select_related = ("vendor",)
    fields = (
        "thumbnail",
        "vendor",
        "original_name",
        "alt_text",
        "file",
        "content_type",
        "size_bytes",
        "width",
        "height",
        "sha256",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = tuple(f for f in fields if f != "alt_text")
    actions = ("delete_unused",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would not say where a file is used
        return actions

    @admin.display(description=_("preview"))
    def thumbnail(self, media: Media) -> str:
        return format_html('<img src="{}" alt="" width="80">', media.thumb_url)

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, media: Media) -> str:
        return filesizeformat(media.size_bytes)

    @admin.display(description=_("dimensions"))
    def dimensions(self, media: Media) -> str:
        return f"{media.width} × {media.height}"

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        """A file in use is not deleted: back to its page, saying where it is used."""
        with scopes_disabled():
            media = self.get_object(request, unquote(object_id))
            usages = media_service.where_used(media) if media is not None else []
        if usages:
            messages.error(request, describe_usages(usages))
            return redirect("admin:cms_media_change", media.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Media) -> None:
        media_service.delete_media(obj)

    @admin.action(description=_("Delete the selected files nothing uses"), permissions=["delete"])
    def delete_unused(self, request: HttpRequest, queryset: QuerySet[Media]) -> None:
        deleted, kept = 0, 0
        with scopes_disabled():
            for media in queryset:
                try:
                    media_service.delete_media(media)
                    deleted += 1
                except media_service.MediaInUse:
                    kept += 1
        messages.info(
            request,
            _("%(deleted)d deleted, %(kept)d kept because they are in use.")
            % {"deleted": deleted, "kept": kept},
        )


def describe_usages(usages: list[media_service.Usage]) -> str:
    parts = [
        f"{usage.kind} ({usage.count})"
        + (f": {', '.join(usage.examples)}" if usage.examples else "")
        for usage in usages
    ]
    return str(
        _("Not deleted: the file is still used by %(usages)s.") % {"usages": "; ".join(parts)}
    )
