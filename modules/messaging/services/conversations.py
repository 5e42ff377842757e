"""Conversations: threads between a vendor and a customer, or a vendor and the platform's staff.

Every change is one transaction: the conversation, its message, the attachments, the other
side's unread count and the notifications of the message are written together or not at all;
the e-mails go when it commits (``notifications`` / ``deliveries``).

Who hears of a new message (type ``messaging.message``, in the app and by e-mail as each user
chose):

- written by the customer or by staff: the vendor's team members with ``messaging.view``, led to
  the thread on the portal;
- written by the vendor to a customer: the customer, by e-mail, in the language they last wrote
  in, led to the thread on the storefront;
- written by the vendor to staff: the staff users who already wrote in the thread, or every
  active staff user for a new one, led to the thread on the dashboard.

Attachments are pictures of the vendor's media library, by id (``media``); ids that are not the
vendor's are refused with a field error, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from modules.messaging import media, registry
from modules.messaging.models import Attachment, Conversation, Message
from modules.messaging.services import common, notifications

EXCERPT = 300
MAX_ATTACHMENTS = 10
Side = Message.Side


@dataclass(frozen=True)
class Author:
    """Who writes: a side, and the user or customer writing."""

    side: str
    user: Any = None
    customer: Any = None

    @property
    def name(self) -> str:
        if self.customer is not None:
            return self.customer.full_name or self.customer.email
        if self.user is not None:
            full = self.user.get_full_name() if hasattr(self.user, "get_full_name") else ""
            return full or self.user.get_username()
        return ""


# --- reading --------------------------------------------------------------------------------


def of_vendor(vendor_id: int, kind: str = "") -> QuerySet[Conversation]:
    found = Conversation.objects.filter(vendor_id=vendor_id)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("customer").order_by("-last_message_at", "-pk")


def of_customer(customer: Any) -> QuerySet[Conversation]:
    return Conversation.objects.filter(
        vendor_id=customer.vendor_id, customer=customer, kind=Conversation.Kind.CUSTOMER
    ).order_by("-last_message_at", "-pk")


def of_platform(platform: Any) -> QuerySet[Conversation]:
    """The staff threads of the platform's vendors (call with scopes disabled)."""
    return (
        Conversation.objects.filter(kind=Conversation.Kind.STAFF, platform=platform)
        .select_related("vendor")
        .order_by("-last_message_at", "-pk")
    )


@dataclass(frozen=True)
class Shown:
    """A message as pages show it, with its pictures (None: removed from the library)."""

    message: Message
    pictures: list[tuple[str, media.Picture | None]]


def thread(conversation: Conversation) -> list[Shown]:
    """The conversation's messages, oldest first, with their pictures (two queries and one
    for the pictures, whatever the length)."""
    messages = list(
        Message.objects.filter(conversation=conversation).prefetch_related("attachments")
    )
    return _with_pictures(conversation.vendor_id, messages)


def shown(message: Message) -> Shown:
    """One message with its pictures (the API's answer to a message just written)."""
    return _with_pictures(message.vendor_id, [message])[0]


def _with_pictures(vendor_id: int, messages: list[Message]) -> list[Shown]:
    ids = [a.media_id for m in messages for a in m.attachments.all() if a.media_id]
    pictures = media.resolve(vendor_id, ids)
    return [
        Shown(m, [(a.name, pictures.get(a.media_id)) for a in m.attachments.all()])
        for m in messages
    ]


def unread_threads(vendor_id: int) -> int:
    with scopes_disabled():
        return Conversation.objects.filter(vendor_id=vendor_id, vendor_unread__gt=0).count()


def mark_read(conversation: Conversation, side: str) -> None:
    """The side (the vendor's team, or the customer or staff) has read the thread."""
    field = "vendor_unread" if side == Side.VENDOR else "other_unread"
    if getattr(conversation, field):
        with scopes_disabled():
            Conversation.objects.filter(pk=conversation.pk).update(**{field: 0})
        setattr(conversation, field, 0)


# --- writing --------------------------------------------------------------------------------


def start(
    *,
    vendor_id: int,
    platform_id: int | None,
    author: Author,
    subject: str,
    body: str,
    customer: Any = None,
    media_ids: Sequence[int] = (),
    language: str = "",
) -> Conversation:
    """A new thread with its first message. ``customer``: a thread with that customer of the
    vendor; None: with the platform's staff."""
    subject = " ".join((subject or "").split())
    errors = {}
    if not subject:
        errors["subject"] = [_("Give the conversation a subject.")]
    if customer is not None and customer.vendor_id != vendor_id:
        errors["recipient"] = [_("This customer is not one of your shop's.")]
    if errors:
        raise ValidationError(errors)
    kind = Conversation.Kind.CUSTOMER if customer is not None else Conversation.Kind.STAFF
    with transaction.atomic():
        conversation = Conversation.objects.create(
            vendor_id=vendor_id,
            platform_id=platform_id,
            kind=kind,
            customer=customer,
            subject=subject[:200],
        )
        write(conversation, author, body, media_ids=media_ids, language=language)
    return conversation


def write(
    conversation: Conversation,
    author: Author,
    body: str,
    *,
    media_ids: Sequence[int] = (),
    language: str = "",
) -> Message:
    """A message in ``conversation`` by ``author``, its attachments and the notifications of
    the other side, all or nothing. ``language``: the customer's, when they write."""
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not body:
        errors["body"] = [_("Write a message.")]
    pictures = _pictures(conversation, author, media_ids, errors)
    if errors:
        raise ValidationError(errors)
    _check_author(conversation, author)
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            vendor_id=conversation.vendor_id,
            side=author.side,
            author_user=author.user if author.side != Side.CUSTOMER else None,
            author_customer=author.customer,
            author_name=author.name[:200],
            body=body,
        )
        Attachment.objects.bulk_create(
            Attachment(message=message, vendor_id=conversation.vendor_id, media_id=p.id,
                       name=p.name[:255])
            for p in pictures
        )  # fmt: skip
        unread = "other_unread" if author.side == Side.VENDOR else "vendor_unread"
        changes: dict[str, Any] = {unread: F(unread) + 1, "last_message_at": timezone.now()}
        if author.side == Side.CUSTOMER and language:
            changes["customer_language"] = common.language(language)
        with scopes_disabled():
            Conversation.objects.filter(pk=conversation.pk).update(**changes)
        conversation.refresh_from_db()
        _tell(conversation, message)
    return message


def _check_author(conversation: Conversation, author: Author) -> None:
    """A programming error, not a person's: the views only let the thread's sides write."""
    allowed = {
        Conversation.Kind.CUSTOMER: {Side.VENDOR, Side.CUSTOMER},
        Conversation.Kind.STAFF: {Side.VENDOR, Side.STAFF},
    }[conversation.kind]
    if author.side not in allowed:
        raise ValueError(f"{author.side} cannot write in a {conversation.kind} conversation.")
    if author.side == Side.CUSTOMER and (
        author.customer is None or author.customer.pk != conversation.customer_id
    ):
        raise ValueError("Only the conversation's customer writes as the customer.")


def _pictures(
    conversation: Conversation, author: Author, ids: Sequence[int], errors: dict
) -> list[media.Picture]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    if author.side != Side.VENDOR:
        errors["attachments"] = [_("Only the shop attaches pictures.")]
        return []
    if len(wanted) > MAX_ATTACHMENTS:
        errors["attachments"] = [
            _("Attach at most %(count)s pictures.") % {"count": MAX_ATTACHMENTS}
        ]
        return []
    found = media.resolve(conversation.vendor_id, wanted)
    if set(found) != set(wanted):
        errors["attachments"] = [_("Choose pictures of your media library.")]
        return []
    return [found[i] for i in wanted]


def _tell(conversation: Conversation, message: Message) -> None:
    shop = common.shop_of(conversation.vendor_id)
    context = {
        "subject": conversation.subject,
        "author": message.author_name,
        "excerpt": Truncator(message.body).chars(EXCERPT),
    }
    ntype = registry.NEW_MESSAGE
    where = {"platform_id": conversation.platform_id, "context": context}
    if message.side in (Side.CUSTOMER, Side.STAFF):
        enabled = common.enabled_modules(conversation.platform_id)
        users = notifications.team_users(conversation.vendor_id, ntype.permission, enabled)
        path = common.path_for(
            "messaging:vendor-conversation", vendor_code=shop.code, pk=conversation.pk
        )
        notifications.tell_users(ntype, users, vendor_id=conversation.vendor_id, path=path, **where)
    elif conversation.kind == Conversation.Kind.CUSTOMER:
        path = common.path_for(
            "messaging:shop-conversation", vendor_code=shop.code, pk=conversation.pk
        )
        notifications.tell_customer(
            ntype, conversation.customer, language=conversation.customer_language, path=path,
            **where,
        )  # fmt: skip
    else:
        path = common.path_for("messaging:staff-conversation", pk=conversation.pk)
        notifications.tell_users(
            ntype, staff_of(conversation), vendor_id=conversation.vendor_id, path=path, **where
        )


def staff_of(conversation: Conversation) -> list[Any]:
    """The staff users who wrote in the thread; every active staff user while none has."""
    with scopes_disabled():
        ids = set(
            Message.objects.filter(conversation=conversation, side=Side.STAFF)
            .exclude(author_user=None)
            .values_list("author_user_id", flat=True)
        )
    everyone = notifications.staff_users()
    wrote = [u for u in everyone if u.pk in ids]
    return wrote or everyone
