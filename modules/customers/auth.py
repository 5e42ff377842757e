"""Customer sessions, one per vendor.

The customer id lives in the Django session under ``orion_customer_<vendor pk>``, next to a
hash of the customer's password hash (as Django does for users), so changing the password ends
the other sessions. A customer of shop A is therefore never logged in at shop B, and one browser
may hold accounts at several shops at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils.crypto import constant_time_compare, salted_hmac
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication

from modules.customers import services
from modules.customers.models import Customer
from modules.tenancy.models import Vendor


def session_key(vendor: Vendor) -> str:
    return f"orion_customer_{vendor.pk}"


def _hash_key(vendor: Vendor) -> str:
    return f"{session_key(vendor)}_hash"


def _session_hash(customer: Customer) -> str:
    return salted_hmac(
        "modules.customers.auth.session", customer.password, algorithm="sha256"
    ).hexdigest()


def _cache(request: HttpRequest) -> dict[int, Customer | None]:
    if not hasattr(request, "_orion_customers"):
        request._orion_customers = {}
    return request._orion_customers


def login(request: HttpRequest, customer: Customer) -> None:
    """Log ``customer`` in at their vendor's shop, with a new session key (no fixation)."""
    vendor = customer.vendor
    request.session.cycle_key()
    rotate_token(request)  # as Django's login does: a token seen before login is worthless after
    request.session[session_key(vendor)] = customer.pk
    request.session[_hash_key(vendor)] = _session_hash(customer)
    services.touch_last_login(customer)
    _cache(request)[vendor.pk] = customer


def logout(request: HttpRequest, vendor: Vendor) -> None:
    """Log out of ``vendor``'s shop only; accounts at other shops stay logged in."""
    request.session.pop(session_key(vendor), None)
    request.session.pop(_hash_key(vendor), None)
    request.session.cycle_key()
    _cache(request)[vendor.pk] = None


def update_session_hash(request: HttpRequest, customer: Customer) -> None:
    """Keep the current session after the customer changed their own password."""
    request.session[_hash_key(customer.vendor)] = _session_hash(customer)


def current_customer(request: HttpRequest, vendor: Vendor | None = None) -> Customer | None:
    """The customer logged in at ``vendor`` (default: ``request.vendor``), memoised."""
    vendor = vendor or getattr(request, "vendor", None)
    if vendor is None or not hasattr(request, "session"):
        return None
    cache = _cache(request)
    if vendor.pk not in cache:
        customer = None
        customer_id = request.session.get(session_key(vendor))
        if customer_id is not None:
            customer = (
                Customer.objects.with_scopes_disabled()
                .filter(pk=customer_id, vendor=vendor, is_active=True)
                .first()
            )
            stored = request.session.get(_hash_key(vendor), "")
            if customer is not None and not constant_time_compare(stored, _session_hash(customer)):
                customer = None
            if customer is None:
                request.session.pop(session_key(vendor), None)
                request.session.pop(_hash_key(vendor), None)
        if customer is not None:
            customer.vendor = vendor  # no extra query for customer.vendor
        cache[vendor.pk] = customer
    return cache[vendor.pk]


class ShopSessionAuthentication(SessionAuthentication):
    """For storefront APIs that act on the shopper's session (a guest's cart, a customer logged
    in at this shop): no Django user is involved, so DRF's session authentication would skip
    its CSRF check; but a write rides on the session cookie, so it must carry the CSRF token
    (``X-CSRFToken``, from the ``csrftoken`` cookie), logged in or not, as the storefront's
    forms do. Authenticates nobody: the customer comes from ``current_customer``."""

    def authenticate(self, request: Any) -> None:
        self.enforce_csrf(request)  # safe methods pass
        return


class ShopSessionScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names it: the session cookie (the CSRF token goes with writes)."""

    target_class = ShopSessionAuthentication
    name = "shopSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
