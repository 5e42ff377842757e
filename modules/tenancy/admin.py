"""Django admin for tenancy. Staff see every vendor: the vendor-scoped models are read through
``objects.with_scopes_disabled()`` and their add/change/delete views run in ``scopes_disabled()``
(Django's unique checks query the default manager) — the explicit, greppable bypass."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_scopes import scopes_disabled

from modules.tenancy.models import (
    Company,
    Invitation,
    Membership,
    User,
    Vendor,
    VendorDomain,
    VendorPlatform,
)

admin.site.register(User, UserAdmin)


class UnscopedAdmin(admin.ModelAdmin):
    """For models with a ``ScopedManager``: staff administer every vendor's rows."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.model.objects.with_scopes_disabled().all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():
            response = super().changeform_view(*args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    def delete_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():
            response = super().delete_view(*args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    def changelist_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():
            response = super().changelist_view(*args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "registration_number", "created_at"]
    search_fields = ["name", "registration_number"]
    list_filter = ["created_at"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "company", "status", "contact_email", "created_at"]
    search_fields = ["name", "code", "company__name", "contact_email"]
    list_filter = ["status", "created_at"]
    list_select_related = ["company"]
    prepopulated_fields = {"code": ["name"]}  # noqa: RUF012


@admin.register(VendorPlatform)
class VendorPlatformAdmin(UnscopedAdmin):
    list_display = ["vendor", "platform", "status", "created_at"]
    search_fields = ["vendor__name", "vendor__code", "platform__code", "platform__name"]
    list_filter = ["status", "platform"]
    list_select_related = ["vendor", "platform"]


@admin.register(VendorDomain)
class VendorDomainAdmin(UnscopedAdmin):
    list_display = ["domain", "vendor", "verified_at", "last_checked_at", "created_at"]
    search_fields = ["domain", "vendor__name", "vendor__code"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["vendor"]
    readonly_fields = ["verification_token", "last_checked_at", "created_at"]


@admin.register(Membership)
class MembershipAdmin(UnscopedAdmin):
    list_display = ["user", "vendor", "role", "status", "created_at"]
    search_fields = ["user__username", "user__email", "vendor__name", "vendor__code"]
    list_filter = ["role", "status"]
    list_select_related = ["user", "vendor"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdmin):
    list_display = ["email", "vendor", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "vendor__name", "vendor__code"]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["vendor"]
    raw_id_fields = ["invited_by", "accepted_by"]
    readonly_fields = ["created_at"]
