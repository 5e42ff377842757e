"""Django admin of billing's models, across vendors (the vendor scope explicitly disabled,
customers' ``UnscopedAdminMixin``).

Tiers are edited here by staff: ``Tier.clean`` refuses features and limits no module declares,
and a tier with subscriptions cannot be deleted (archive it: untick "offered"). Subscriptions,
their periods and history are read-only: they change through ``modules.billing.services``
(which keeps the state machine, the history and the caches in step), from the vendor portal,
the API, or the actions below. Invoices are read-only too: staff record payments and void
them on the dashboard's invoice page (``services.invoices``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from modules.billing.models import (
    BillingPeriod,
    Invoice,
    InvoiceLine,
    Subscription,
    SubscriptionEvent,
    Tier,
)
from modules.billing.services import subscriptions
from modules.billing.services.errors import BillingError
from modules.customers.admin import UnscopedAdminMixin


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "platform",
        "monthly_price",
        "yearly_price",
        "currency",
        "position",
        "is_active",
        "is_default",
    ]
    list_filter = ["platform", "is_active", "is_default"]
    list_select_related = ["platform"]
    search_fields = ["code", "name"]
    ordering = ["platform", "position", "monthly_price"]


class _Inline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.with_scopes_disabled().all()  # type: ignore[attr-defined]


class PeriodInline(_Inline):
    model = BillingPeriod
    fields = ["starts_at", "ends_at", "tier", "interval", "amount", "currency", "is_trial"]
    readonly_fields = fields


class EventInline(_Inline):
    model = SubscriptionEvent
    fields = ["created_at", "kind", "from_status", "to_status", "from_tier", "to_tier", "amount",
              "actor", "user", "message"]  # fmt: skip
    readonly_fields = fields


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "vendor",
        "platform",
        "tier",
        "status",
        "interval",
        "price",
        "currency",
        "current_period_end",
        "cancel_at_period_end",
    ]
    list_filter = ["status", "platform", "interval", "cancel_at_period_end"]
    search_fields = ["vendor__code", "vendor__name", "tier__code"]
    list_select_related = ["vendor", "platform", "tier"]
    date_hierarchy = "started_at"
    inlines = [PeriodInline, EventInline]
    actions = ["cancel_at_period_end_action", "cancel_now_action"]

    def _each(self, request: HttpRequest, queryset: QuerySet, change: Any, done: str) -> None:
        changed = 0
        for subscription in queryset:
            try:
                change(subscription)
            except BillingError as error:
                messages.error(request, f"{subscription.vendor}: {error.message}")
            else:
                changed += 1
        if changed:
            messages.success(request, done % {"count": changed})

    @admin.action(description=gettext_lazy("Cancel at the end of the period"))
    def cancel_at_period_end_action(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            lambda s: subscriptions.cancel(s, user=request.user, actor="staff"),
            _("%(count)s subscription(s) will end at the end of their period."),
        )

    @admin.action(description=pgettext_lazy("billing", "Cancel now"))
    def cancel_now_action(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            lambda s: subscriptions.cancel_now(
                s, user=request.user, actor="staff", reason="cancelled by staff"
            ),
            _("%(count)s subscription(s) cancelled."),
        )


@admin.register(BillingPeriod)
class BillingPeriodAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["subscription", "vendor", "tier", "starts_at", "ends_at", "amount", "is_trial"]
    list_filter = ["is_trial", "interval"]
    list_select_related = ["vendor", "tier", "subscription"]
    search_fields = ["vendor__code"]


@admin.register(SubscriptionEvent)
class SubscriptionEventAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "vendor", "subscription", "kind", "to_status", "actor", "user"]
    list_filter = ["kind", "actor"]
    list_select_related = ["vendor", "subscription", "user"]
    search_fields = ["vendor__code", "message"]


class InvoiceLineInline(_Inline):
    model = InvoiceLine
    fields = ["position", "kind", "description", "period_start", "period_end", "amount"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "vendor",
        "platform",
        "status",
        "total",
        "currency",
        "issued_at",
        "due_at",
        "paid_at",
    ]
    list_filter = ["platform", "status"]
    list_select_related = ["vendor", "platform"]
    search_fields = ["number", "vendor__code", "vendor__name"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline]
