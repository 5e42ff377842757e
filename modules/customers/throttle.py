"""Login throttling of storefront customers, through django-axes like every other login.

Customers are not Django users and never pass through ``django.contrib.auth.authenticate()``, so
the storefront login tells axes itself: it asks whether the (shop, e-mail) may try, reports a
failure with Django's ``user_login_failed`` signal (what ``authenticate()`` sends, and what axes
listens to), and forgets the failures on success. Axes then counts, locks out and expires
exactly as for staff, and operators see and lift lockouts in one place (admin, ``axes_reset``).

The name axes records is ``customer:<vendor code>:<e-mail>``: the shop is part of it, so a
lockout at one shop never locks the same e-mail at another, and the colon (which Django user
names cannot contain) keeps it apart from every staff or vendor user name.
"""

from __future__ import annotations

from axes.conf import settings
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

from modules.tenancy.models import Vendor

# AccessAttempt.username is a 255-character column; longer names (absurd e-mails) are cut.
USERNAME_MAX_LENGTH = 255


def axes_username(vendor: Vendor, email: str) -> str:
    """The name axes records for ``email`` at ``vendor``'s shop (see the module docstring)."""
    return f"customer:{vendor.code}:{(email or '').strip().lower()}"[:USERNAME_MAX_LENGTH]


def _credentials(vendor: Vendor, email: str) -> dict[str, str]:
    return get_credentials(axes_username(vendor, email))


def is_locked_out(request: HttpRequest, vendor: Vendor, email: str) -> bool:
    """Whether this client may not try to log in as ``email`` at this shop right now."""
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, _credentials(vendor, email))


def record_failure(request: HttpRequest, vendor: Vendor, email: str) -> bool:
    """Count a failed login; True if this client is now locked out."""
    user_login_failed.send(
        sender=__name__, credentials=_credentials(vendor, email), request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def record_success(request: HttpRequest, vendor: Vendor, email: str) -> None:
    """Forget this client's failures for the account, as axes does for users on login."""
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.reset_attempts(
            username=axes_username(vendor, email), ip_address=request.axes_ip_address
        )


def lift(vendor: Vendor, email: str) -> None:
    """Lift every lockout of the account at this shop (its owner just reset the password)."""
    AxesProxyHandler.reset_attempts(username=axes_username(vendor, email))
