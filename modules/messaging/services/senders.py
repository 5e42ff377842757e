"""Who a vendor's e-mails come from, and where replies go.

The address is always the platform's (``sender_email`` in messaging's config): shops do not own
the sending domain, so mail from a shop's own address would fail SPF, DKIM and DMARC and land in
spam. What a vendor chooses is the display name (default: the shop's name) and the reply-to
address (default: the shop's contact e-mail), so the customer's answer reaches the shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr

from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from modules.messaging.models import SenderSettings
from modules.messaging.services import common
from orion_core import state

DEFAULT_EMAIL = "noreply@example.com"
DEFAULT_NAME = "Orion"


@dataclass(frozen=True)
class Sender:
    from_email: str  # "Name <address>"
    reply_to: str = ""


def platform_sender(platform_id: int | None) -> tuple[str, str]:
    """(address, name) of the platform's sender, from messaging's config (cached)."""
    if not platform_id:
        return DEFAULT_EMAIL, DEFAULT_NAME
    config = state.module_config(platform_id, common.MODULE)
    return config.get("sender_email") or DEFAULT_EMAIL, config.get("sender_name") or DEFAULT_NAME


def sender_for(platform_id: int | None, shop: common.Shop | None) -> Sender:
    address, name = platform_sender(platform_id)
    if shop is None:
        return Sender(formataddr((name, address)))
    with scopes_disabled():
        own = SenderSettings.objects.filter(vendor_id=shop.id).first()
    display = (own.from_name if own else "") or shop.name
    reply_to = (own.reply_to if own else "") or shop.contact_email
    return Sender(formataddr((display, address)), reply_to)


def settings_of(vendor_id: int) -> SenderSettings:
    """The vendor's sender settings (an unsaved blank row when it has none yet)."""
    with scopes_disabled():
        found = SenderSettings.objects.filter(vendor_id=vendor_id).first()
    return found or SenderSettings(vendor_id=vendor_id)


def save(vendor_id: int, *, from_name: str, reply_to: str) -> SenderSettings:
    """Store the vendor's choice (one row per vendor; a concurrent first save is retried as
    an update)."""
    values = {"from_name": from_name.strip(), "reply_to": reply_to.strip()}
    with scopes_disabled():
        try:
            with transaction.atomic():
                found, _created = SenderSettings.objects.update_or_create(
                    vendor_id=vendor_id, defaults=values
                )
        except IntegrityError:
            found, _created = SenderSettings.objects.update_or_create(
                vendor_id=vendor_id, defaults=values
            )
    return found
