"""Django admin of messaging's models, across vendors (the vendor scope explicitly disabled,
customers' ``UnscopedAdminMixin``).

Notifications and the sending log are read-only here: they are what happened. A failed
delivery is sent again from the portal or the dashboard (``services.deliveries.retry``), which
queues the task too. Templates, sender settings and preferences may be corrected by staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from modules.customers.admin import UnscopedAdminMixin
from modules.messaging.models import (
    Attachment,
    Conversation,
    Delivery,
    EmailTemplate,
    Message,
    Notification,
    NotificationPreference,
    NotificationProfile,
    SenderSettings,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "vendor", "recipient_user", "email", "in_app", "read_at"]
    list_filter = ["kind", "in_app", "platform"]
    search_fields = ["email", "title", "recipient_user__username", "vendor__code"]
    list_select_related = ["vendor", "recipient_user"]
    raw_id_fields = ["vendor", "recipient_user", "recipient_customer", "platform"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "vendor", "to_email", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "platform"]
    search_fields = ["to_email", "subject", "vendor__code"]
    list_select_related = ["vendor"]
    raw_id_fields = ["vendor", "notification", "platform"]
    date_hierarchy = "created_at"


@admin.register(EmailTemplate)
class EmailTemplateAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["vendor", "kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["vendor__code", "subject"]
    list_select_related = ["vendor"]
    raw_id_fields = ["vendor", "updated_by"]


@admin.register(SenderSettings)
class SenderSettingsAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["vendor", "from_name", "reply_to", "updated_at"]
    search_fields = ["vendor__code", "from_name", "reply_to"]
    list_select_related = ["vendor"]
    raw_id_fields = ["vendor"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled", "updated_at"]
    list_filter = ["kind", "channel", "enabled"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(NotificationProfile)
class NotificationProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["name", "media"]
    raw_id_fields = ["media"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Attachment.objects.with_scopes_disabled().all()


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["side", "author_name", "author_user", "author_customer", "body", "created_at"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return Message.objects.with_scopes_disabled().all()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(UnscopedAdminMixin, admin.ModelAdmin):
    """Conversations may be read and deleted (personal data); messages are written on the
    portal, the storefront or the dashboard, where their notifications go out."""

    list_display = ["subject", "vendor", "kind", "customer", "last_message_at"]
    list_filter = ["kind", "platform"]
    search_fields = ["subject", "vendor__code", "customer__email"]
    list_select_related = ["vendor", "customer"]
    readonly_fields = ["platform", "vendor", "kind", "customer", "vendor_unread", "other_unread",
                       "customer_language", "created_at", "last_message_at"]  # fmt: skip
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, UnscopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "conversation", "vendor", "side", "author_name"]
    list_filter = ["side"]
    search_fields = ["body", "author_name", "vendor__code"]
    list_select_related = ["conversation", "vendor"]
    raw_id_fields = ["conversation", "vendor", "author_user", "author_customer"]
    inlines = [AttachmentInline]
