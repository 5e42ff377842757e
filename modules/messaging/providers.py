"""What messaging offers the rest of Orion (found by convention: ``<kind>_provider``).

- ``notifications_provider`` answers the notifications contract
  (``orion_core/contracts/notifications.py``) on platforms where messaging is on: instead of
  sending at once, it writes a notification per address (in-app too, when the address is a team
  member's) and queues the e-mail (``services.notifications.from_contract``), using the vendor's
  template for the kind when it has one. It never raises: a problem is logged and answered False.
- ``context_provider``: ``module_context.messaging``, with the layouts' slots:
  ``header_badge`` ({url, label, icon, count}: the bell, on the vendor portal and the staff
  dashboard; ``count`` is the unread notifications, counted only when the layout reads it), and
  on the storefront ``account_link`` ({url, label}: the customer's conversations with the shop,
  on their account page).
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.messaging.services import notifications
from orion_core.contracts.notifications import Notification
from orion_core.modules.definition import FrontendType

logger = logging.getLogger(__name__)


class MessagingNotifications:
    """The notifications contract, answered with the log, the templates and the queue."""

    def notify(self, notification: Notification) -> bool:
        try:
            return notifications.from_contract(notification)
        except Exception:
            logger.exception(
                "messaging: could not queue %s to %s", notification.kind, notification.to
            )
            return False


notifications_provider = MessagingNotifications()

BELL = "🔔"


class MessagingContext:
    def get_context(self, request: Any) -> dict[str, Any]:
        frontend = getattr(request, "frontend", None)
        user = getattr(request, "user", None)
        vendor = getattr(request, "vendor", None)
        if frontend == FrontendType.VENDOR and vendor is not None:
            if not getattr(user, "is_authenticated", False):
                return {}
            url = reverse("messaging:vendor-notifications", kwargs={"vendor_code": vendor.code})
            return {
                "header_badge": _badge(url, lambda: notifications.unread_count(user, vendor.pk))
            }
        if frontend == FrontendType.ADMIN:
            if not (getattr(user, "is_staff", False) and user.is_active):
                return {}
            url = reverse("messaging:staff-notifications")
            return {"header_badge": _badge(url, lambda: notifications.unread_count(user))}
        if frontend == FrontendType.STOREFRONT and vendor is not None:
            url = reverse("messaging:shop-conversations", kwargs={"vendor_code": vendor.code})
            return {
                "account_link": {"url": url, "label": pgettext_lazy("messaging", "My messages")}
            }
        return {}


def _badge(url: str, count: Any) -> dict[str, Any]:
    return {
        "url": url,
        "label": _("Notifications"),
        "icon": BELL,
        "count": SimpleLazyObject(count),
    }


context_provider = MessagingContext()
