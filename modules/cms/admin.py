from django.contrib import admin

from modules.cms.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "platform", "is_published", "updated_at")
    list_filter = ("platform", "is_published")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012
    list_select_related = ("platform",)
