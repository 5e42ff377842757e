"""Telling people: who hears of what, on which channel, in which language.

Two ways in, one way out:

- ``from_contract``: another module asks the notifications contract (``providers``) to tell an
  e-mail address something (orders' confirmation). The address is matched to a team member
  of the vendor (a user: in-app too, and their preferences apply) or a customer of the shop.
- ``tell_team`` / ``tell_users``: a domain event (``receivers``) or a conversation reaches
  people messaging chooses: the vendor's team members whose role holds the type's permission,
  staff, a customer.

Either way, ``_tell`` writes one ``Notification`` per recipient and, for those who want
e-mail, one ``Delivery``, in one transaction; the e-mails are sent by a Celery task queued when
it commits (``deliveries``). Text is composed once per language (``composing``).

Preferences: a user's ``NotificationPreference`` row for (type, channel) wins; without one the
type's default channels apply. Types that are not ``optional`` ignore preferences.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.customers.models import Customer
from modules.messaging import registry
from modules.messaging.models import Notification, NotificationPreference, NotificationProfile
from modules.messaging.registry import EMAIL, IN_APP, NotificationType
from modules.messaging.services import common, composing, deliveries, senders
from modules.tenancy.models import Membership
from modules.tenancy.roles import permissions_for
from orion_core import shared_cache

logger = logging.getLogger(__name__)

ROLES = tuple(Membership.Role.values)


@dataclass
class Recipient:
    """Somebody to tell: a user, a customer, or only an address."""

    email: str = ""
    user: Any = None
    customer: Customer | None = None
    language: str = ""
    channels: set[str] = field(default_factory=set)


# --- who ----------------------------------------------------------------------------------------


def team_users(vendor_id: int, permission: str, enabled: Iterable[str]) -> list[Any]:
    """The vendor's active team members whose role holds ``permission`` with these modules on
    (all of them when it is empty), active users only."""
    enabled = frozenset(enabled)
    roles = [r for r in ROLES if not permission or permission in permissions_for(r, enabled)]
    if not roles:
        return []
    with scopes_disabled():
        members = Membership.objects.filter(
            vendor_id=vendor_id,
            status=Membership.Status.ACTIVE,
            role__in=roles,
            user__is_active=True,
        ).select_related("user")
        return [m.user for m in members.order_by("user_id")]


def staff_users() -> list[Any]:
    return list(get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk"))


def languages_of(users: Sequence[Any]) -> dict[int, str]:
    """Each user's e-mail language (their profile's; empty when they chose none)."""
    return dict(
        NotificationProfile.objects.filter(user__in=[u.pk for u in users]).values_list(
            "user_id", "language"
        )
    )


def choices_of(users: Sequence[Any], kind: str) -> dict[tuple[int, str], bool]:
    """The stored choices of these users for ``kind``: (user id, channel) → enabled."""
    rows = NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind)
    return {(r.user_id, r.channel): r.enabled for r in rows}


def channels_for(ntype: NotificationType, user_id: int, stored: dict) -> set[str]:
    if not ntype.optional:
        return set(ntype.channels)
    return {
        channel
        for channel in (IN_APP, EMAIL)
        if stored.get((user_id, channel), ntype.default_channel(channel))
    }


def user_recipients(ntype: NotificationType, users: Sequence[Any]) -> list[Recipient]:
    stored = choices_of(users, ntype.kind)
    spoken = languages_of(users)
    found = []
    for user in users:
        channels = channels_for(ntype, user.pk, stored)
        if not user.email:
            channels.discard(EMAIL)
        if channels:
            found.append(Recipient(user.email, user, None, spoken.get(user.pk, ""), channels))
    return found


# --- telling ------------------------------------------------------------------------------------


def tell_team(
    ntype: NotificationType,
    *,
    platform_id: int | None,
    vendor_id: int,
    context: dict[str, Any],
) -> list[Notification]:
    """Tell the vendor's team members who may see it (the type's ``permission``), if messaging
    is on for the platform. What a domain event receiver calls."""
    enabled = common.enabled_modules(platform_id)
    if common.MODULE not in enabled:
        return []
    users = team_users(vendor_id, ntype.permission, enabled)
    return _tell(
        ntype,
        user_recipients(ntype, users),
        platform_id=platform_id,
        vendor_id=vendor_id,
        context=context,
    )


def tell_users(
    ntype: NotificationType,
    users: Sequence[Any],
    *,
    platform_id: int | None,
    vendor_id: int | None,
    context: dict[str, Any],
    path: str | None = None,
) -> list[Notification]:
    return _tell(
        ntype,
        user_recipients(ntype, users),
        platform_id=platform_id,
        vendor_id=vendor_id,
        context=context,
        path=path,
    )


def tell_customer(
    ntype: NotificationType,
    customer: Customer,
    *,
    platform_id: int | None,
    language: str,
    context: dict[str, Any],
    path: str | None = None,
) -> list[Notification]:
    recipient = Recipient(customer.email, None, customer, language, {EMAIL})
    return _tell(
        ntype,
        [recipient],
        platform_id=platform_id,
        vendor_id=customer.vendor_id,
        context=context,
        path=path,
    )


def from_contract(notification: Any) -> bool:
    """The notifications contract's ``notify``: queue it for every address of ``to``. True when
    something was queued. Raises on a database problem (the provider logs and answers False)."""
    addresses = list(dict.fromkeys(a.strip() for a in notification.to if a and a.strip()))
    if not addresses:
        return False
    ntype = registry.get_or_fallback(notification.kind)
    context = dict(notification.context or {})
    if not ntype.editable:
        context.update(subject=notification.subject, body=notification.body)
    spoken = common.language(context.get("language"))
    given = composing.Composed(notification.subject, notification.body, notification.html_body)
    recipients = _match(ntype, addresses, notification.vendor_id, spoken)
    made = _tell(
        ntype,
        recipients,
        platform_id=notification.platform_id,
        vendor_id=notification.vendor_id,
        context=context,
        given=given,
        given_language=spoken,
    )
    return bool(made)


def _match(
    ntype: NotificationType, addresses: list[str], vendor_id: int | None, spoken: str
) -> list[Recipient]:
    """The addresses as recipients: a team member of the vendor (for types told to the team),
    a customer of the shop, or only the address."""
    users: dict[str, Any] = {}
    customers: dict[str, Customer] = {}
    lowered = [a.lower() for a in addresses]
    if vendor_id:
        with scopes_disabled():
            if ntype.audience != registry.CUSTOMER:
                for member in Membership.objects.filter(
                    vendor_id=vendor_id,
                    status=Membership.Status.ACTIVE,
                    user__is_active=True,
                ).select_related("user"):
                    users.setdefault(member.user.email.lower(), member.user)
            for customer in Customer.objects.annotate(low=Lower("email")).filter(
                vendor_id=vendor_id, low__in=lowered
            ):
                customers[customer.email.lower()] = customer
    matched = {r.email.lower(): r for r in user_recipients(ntype, list(users.values()))}
    found = []
    for address in addresses:
        key = address.lower()
        if key in users:
            if key in matched:
                found.append(matched[key])
            continue  # a team member who wants none of it
        found.append(Recipient(address, None, customers.get(key), spoken, {EMAIL}))
    return found


def _tell(
    ntype: NotificationType,
    recipients: list[Recipient],
    *,
    platform_id: int | None,
    vendor_id: int | None,
    context: dict[str, Any],
    given: composing.Composed | None = None,
    given_language: str = "",
    path: str | None = None,
) -> list[Notification]:
    """One notification per recipient and one delivery per e-mail wanted, all or nothing.
    ``path``: the page it leads to, when the type's ``link`` does not say (conversations)."""
    if not recipients:
        return []
    shop = common.shop_of(vendor_id)
    path = link_of(ntype, shop, context) if path is None else path
    url = common.absolute(platform_id, path)
    values = composing.variables(ntype, context, shop=shop, platform_id=platform_id, url=url)
    sender = senders.sender_for(platform_id, shop)
    texts: dict[str, composing.Composed] = {}

    def text_in(language: str) -> composing.Composed:
        if language not in texts:
            # The sender's own text is in the language it rendered it in, only.
            mine = given if given is not None and language == given_language else None
            texts[language] = composing.compose(
                ntype, values, vendor_id=vendor_id, language=language, given=mine
            )
        return texts[language]

    made = []
    with transaction.atomic():
        for recipient in recipients:
            spoken = common.language(recipient.language or given_language or None)
            text = text_in(spoken)
            notification = Notification.objects.create(
                platform_id=platform_id,
                vendor_id=vendor_id,
                kind=ntype.kind,
                recipient_user=recipient.user,
                recipient_customer=recipient.customer,
                email=recipient.email,
                language=spoken,
                title=text.subject,
                body=text.body,
                url=path,
                in_app=recipient.user is not None and IN_APP in recipient.channels,
            )
            if EMAIL in recipient.channels and recipient.email:
                deliveries.queue(
                    notification,
                    to_email=recipient.email,
                    sender=sender,
                    text=text,
                )
            made.append(notification)
    return made


def link_of(ntype: NotificationType, shop: common.Shop | None, context: dict[str, Any]) -> str:
    """The path of the page the notification is about (the type's ``link``), or ""."""
    if ntype.link is None:
        return ""
    url_name, arguments = ntype.link
    kwargs: dict[str, Any] = {}
    if shop is not None:
        kwargs["vendor_code"] = shop.code
    for argument, variable in arguments.items():
        if variable not in context:
            return ""
        kwargs[argument] = context[variable]
    return common.path_for(url_name, **kwargs)


# --- reading ------------------------------------------------------------------------------------


def inbox(user: Any, vendor_id: int | None = None) -> QuerySet[Notification]:
    """``user``'s in-app notifications, newest first: of one vendor (the portal, in its scope)
    or of every vendor (the staff dashboard: call it outside any scope, or with scopes
    disabled)."""
    found = Notification.objects.filter(recipient_user=user, in_app=True)
    if vendor_id is not None:
        found = found.filter(vendor_id=vendor_id)
    return found.order_by("-created_at", "-pk")


def inbox_scope(user_id: int) -> str:
    """The shared-cache scope of a user's unread counts: bumped on commit whenever one of
    their notifications is saved or deleted (``receivers``) or marked read (``mark_read``,
    an ``update()`` that sends no signal)."""
    return f"messaging:inbox:{user_id}"


def unread_count(user: Any, vendor_id: int | None = None) -> int:
    """The bell's number: from the shared cache (it is on every portal and dashboard page),
    else one indexed COUNT."""
    if not getattr(user, "is_authenticated", False):
        return 0

    def count() -> int:
        with scopes_disabled():
            return inbox(user, vendor_id).filter(read_at__isnull=True).count()

    return shared_cache.get_or_load(
        f"messaging:unread:{user.pk}:{vendor_id or 'all'}", count, scope=inbox_scope(user.pk)
    )


def mark_read(user: Any, *, vendor_id: int | None = None, pk: int | None = None) -> int:
    """Mark ``user``'s notification ``pk`` (or all of them, of one vendor or all) read; how
    many changed. Another user's notification, or another vendor's, is never touched."""
    with scopes_disabled():
        found = inbox(user, vendor_id).filter(read_at__isnull=True)
        if pk is not None:
            found = found.filter(pk=pk)
        changed = found.update(read_at=timezone.now())
    if changed:
        shared_cache.bump_on_commit(inbox_scope(user.pk))
    return changed


# --- preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    ntype: NotificationType
    in_app: bool
    email: bool


def choices(user: Any) -> list[Choice]:
    """Every type a user may choose channels for, with what applies to them now."""
    types = registry.user_types()
    stored = {
        (r.kind, r.channel): r.enabled for r in NotificationPreference.objects.filter(user=user)
    }
    return [
        Choice(
            t,
            stored.get((t.kind, IN_APP), t.default_channel(IN_APP)),
            stored.get((t.kind, EMAIL), t.default_channel(EMAIL)),
        )
        for t in types
    ]


def language_choice(user: Any) -> str:
    found = NotificationProfile.objects.filter(user=user).values_list("language", flat=True)
    return next(iter(found), "")


@transaction.atomic
def save_choices(user: Any, wanted: dict[tuple[str, str], bool], language: str) -> None:
    """Store ``user``'s choices ((kind, channel) → wanted) for the types they may choose:
    a choice equal to the type's default is stored as no row, so a changed default reaches
    them. ``language``: their e-mail language ("" for the platform's)."""
    for ntype in registry.user_types():
        for channel in (IN_APP, EMAIL):
            want = wanted.get((ntype.kind, channel), False)
            if want == ntype.default_channel(channel):
                NotificationPreference.objects.filter(
                    user=user, kind=ntype.kind, channel=channel
                ).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=ntype.kind, channel=channel, defaults={"enabled": want}
                )
    NotificationProfile.objects.update_or_create(user=user, defaults={"language": language})
