"""factory-boy factories of messaging's models (tests, the isolation walk).

Rows are written directly, outside any scope, not through the services: a ``DeliveryFactory``
row is in the log but no task was queued for it, a ``MessageFactory`` message told nobody. The
customer and the media file come from customers' and cms' factories by dotted path.
"""

from __future__ import annotations

import factory

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
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory
from orion_core.testing import UserFactory


class NotificationFactory(ScopeFreeFactory):
    """An unread in-app notification of a new order, for a user of the vendor's team."""

    class Meta:
        model = Notification

    vendor = factory.SubFactory(VendorFactory)
    kind = "orders.order_placed"
    recipient_user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda n: n.recipient_user.email if n.recipient_user else "")
    language = "en"
    title = factory.Sequence(lambda n: f"New order ORD-{n:06d}")
    body = "A customer placed an order."
    in_app = True


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = "orders.order_placed"
    channel = "email"
    enabled = False


class NotificationProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationProfile

    user = factory.SubFactory(UserFactory)
    language = "fr"


class DeliveryFactory(ScopeFreeFactory):
    """A sent e-mail of the log."""

    class Meta:
        model = Delivery

    vendor = factory.SubFactory(VendorFactory)
    kind = "orders.order_placed"
    to_email = factory.Sequence(lambda n: f"member{n}@example.com")
    from_email = "Shop <noreply@example.com>"
    subject = "New order"
    body = "A customer placed an order."
    status = Delivery.Status.SENT
    attempts = 1


class EmailTemplateFactory(ScopeFreeFactory):
    class Meta:
        model = EmailTemplate
        django_get_or_create = ("vendor", "kind", "language")

    vendor = factory.SubFactory(VendorFactory)
    kind = "orders.order_placed"
    language = "en"
    subject = "Order {{ number }} is in"
    body = "Order {{ number }}: {{ total }} {{ currency }}."


class SenderSettingsFactory(ScopeFreeFactory):
    class Meta:
        model = SenderSettings
        django_get_or_create = ("vendor",)

    vendor = factory.SubFactory(VendorFactory)
    from_name = "The Shop Team"
    reply_to = "help@shop.example.com"


class ConversationFactory(ScopeFreeFactory):
    """A conversation of a vendor with one of its customers."""

    class Meta:
        model = Conversation

    vendor = factory.SubFactory(VendorFactory)
    kind = Conversation.Kind.CUSTOMER
    customer = factory.SubFactory(
        "modules.customers.factories.CustomerFactory", vendor=factory.SelfAttribute("..vendor")
    )
    subject = factory.Sequence(lambda n: f"Question {n}")


class MessageFactory(ScopeFreeFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    vendor = factory.SelfAttribute("conversation.vendor")
    side = Message.Side.VENDOR
    author_user = factory.SubFactory(UserFactory)
    author_name = "Shop team"
    body = "Thank you for writing."


class AttachmentFactory(ScopeFreeFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory)
    vendor = factory.SelfAttribute("message.vendor")
    media = factory.SubFactory(
        "modules.cms.factories.MediaFactory", vendor=factory.SelfAttribute("..vendor")
    )
    name = "picture.png"
