"""Django admin of payments' models, across vendors (querysets and pages run with the vendor
scope explicitly disabled).

Everything is read-only here: a payment's state and money change only through
``modules.payments.services`` (which keeps the history, the refunds and the events in step),
from the vendor portal, the API or a verified webhook. Staff read payments, their history and
refunds, and the webhooks received.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django_scopes import scopes_disabled

from modules.payments.models import Payment, PaymentTransition, ProcessedWebhook, Refund


def _unscoped(view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    with scopes_disabled():
        response = view(*args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    return response


class ReadOnlyUnscopedAdmin(admin.ModelAdmin):
    """Staff-only and cross-vendor (the vendor scope is bypassed on purpose), read-only."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        manager = self.model._default_manager
        qs = (
            manager.with_scopes_disabled().all()
            if hasattr(manager, "with_scopes_disabled")
            else manager.all()
        )
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changelist_view, *args, **kwargs)

    def changeform_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().changeform_view, *args, **kwargs)

    def history_view(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return _unscoped(super().history_view, *args, **kwargs)


class TransitionInline(admin.TabularInline):
    model = PaymentTransition
    fields = ("created_at", "from_state", "to_state", "amount", "source", "user", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return PaymentTransition.objects.with_scopes_disabled().select_related("user")  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("created_at", "amount", "reason", "source", "user", "external_id")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return Refund.objects.with_scopes_disabled().select_related("user")  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyUnscopedAdmin):
    list_display = (
        "reference",
        "vendor",
        "platform",
        "payer",
        "gateway",
        "state",
        "amount",
        "captured",
        "refunded",
        "currency",
        "created_at",
    )
    list_filter = ("state", "payer", "gateway", "platform")
    search_fields = ("reference", "customer_email", "external_id", "vendor__code")
    list_select_related = ("vendor", "platform")
    inlines = (TransitionInline, RefundInline)


@admin.register(PaymentTransition)
class PaymentTransitionAdmin(ReadOnlyUnscopedAdmin):
    list_display = ("payment", "from_state", "to_state", "amount", "source", "user", "created_at")
    list_filter = ("to_state", "source")
    list_select_related = ("payment", "user")


@admin.register(Refund)
class RefundAdmin(ReadOnlyUnscopedAdmin):
    list_display = ("payment", "vendor", "amount", "reason", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("payment__reference", "external_id")
    list_select_related = ("payment", "vendor")


@admin.register(ProcessedWebhook)
class ProcessedWebhookAdmin(ReadOnlyUnscopedAdmin):
    list_display = ("gateway", "event_id", "event_type", "outcome", "platform", "received_at")
    list_filter = ("gateway", "outcome", "platform")
    search_fields = ("event_id", "event_type")
