"""Django admin of Giftcards's models.

The admin is staff-only and cross-vendor: its querysets and views work with the vendor scope
explicitly disabled.
"""

from django.contrib import admin
from django_scopes import scopes_disabled

from modules.giftcards.models import GiftCard


def _unscoped(view, *args, **kwargs):
    with scopes_disabled():
        response = view(*args, **kwargs)
        if hasattr(response, "render"):
            response.render()  # templates may query too: render inside
        return response


@admin.register(GiftCard)
class GiftCardAdmin(admin.ModelAdmin):
    list_display = ["code", "vendor", "balance", "expires_on"]
    list_filter = ["vendor"]
    list_select_related = ["vendor"]
    search_fields = ["code", "vendor__code"]

    def get_queryset(self, request):
        return GiftCard.objects.with_scopes_disabled().all()

    def changelist_view(self, *args, **kwargs):
        return _unscoped(super().changelist_view, *args, **kwargs)

    def changeform_view(self, *args, **kwargs):
        return _unscoped(super().changeform_view, *args, **kwargs)

    def delete_view(self, *args, **kwargs):
        return _unscoped(super().delete_view, *args, **kwargs)
