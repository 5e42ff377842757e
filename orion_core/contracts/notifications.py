"""Notifications: tell a person something (an order confirmation, a shipping notice).

Asked by orders (the confirmation e-mail) and, later, any module that writes to customers or
vendors. Provided by the messaging module (``notifications_provider``, a later issue), which
will add templates the vendor edits, other channels and a delivery log.

Fallback, when no enabled module provides it: **plain Django mail**. The message is sent at once
with ``django.core.mail.send_mail`` from ``DEFAULT_FROM_EMAIL`` (whatever ``EMAIL_BACKEND`` the
project uses: SMTP in production, locmem in tests), as plain text with the optional HTML part.

Rules a provider keeps:
- ``notify`` never raises for a delivery problem: it returns False and logs, because the thing
  being told (an order placed) has happened and must not be undone by a mail server.
- The caller sends after its transaction commits (``transaction.on_commit``): nobody is told of
  something that was rolled back.
- ``kind`` names what is told (``"orders.confirmation"``) so a provider can choose a template;
  ``subject`` and ``body`` are the caller's rendering, used as they are by the fallback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from orion_core.contracts import Contract

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notification:
    """One message to ``to`` (e-mail addresses), about ``kind``, for a vendor's shop."""

    kind: str
    to: tuple[str, ...]
    subject: str
    body: str
    html_body: str = ""
    vendor_id: int | None = None
    platform_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)  # plain values, for templates


@runtime_checkable
class NotificationProvider(Protocol):
    def notify(self, notification: Notification) -> bool:
        """Deliver (or queue) ``notification``; False when it could not be."""


class DjangoMail:
    """The fallback: the message as it is, through Django's mail backend."""

    def notify(self, notification: Notification) -> bool:
        from django.core.mail import send_mail

        recipients = [address for address in notification.to if address]
        if not recipients:
            return False
        try:
            send_mail(
                notification.subject,
                notification.body,
                None,  # DEFAULT_FROM_EMAIL
                recipients,
                html_message=notification.html_body or None,
            )
        except Exception:
            logger.exception("Could not send %s to %s", notification.kind, recipients)
            return False
        return True


NOTIFICATIONS: Contract[NotificationProvider] = Contract(
    name="notifications",
    protocol=NotificationProvider,
    fallback=DjangoMail(),
    description="Telling customers and vendors what happened (e-mail, later other channels).",
)
