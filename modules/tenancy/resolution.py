"""Which vendor a vendor-portal or storefront request is for, and whether its user may be there.

``VendorGuard`` is tenancy's answer to the tenant-guard contract
(``orion_core.contracts.tenant_guard``): ``orion_core.guards`` asks it before every view of every
module's vendor and storefront URL lists, so the rules below hold for all of them. Once admitted,
the view runs with ``request.vendor`` (and ``request.membership`` on the portal) set, inside
``vendor_scope(vendor)``: another vendor's object is simply not found (404). The lookups behind
it are cached (``modules.tenancy.cache``): a warm request resolves its vendor with no SQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from modules.tenancy import cache
from modules.tenancy.context import tenant_context
from modules.tenancy.models import PORTAL_OPEN, STOREFRONT_OPEN, Vendor
from modules.tenancy.roles import permissions_for
from modules.tenancy.scoping import vendor_scope
from orion_core.contracts.tenant_guard import Access, LoginRequired
from orion_core.modules.definition import FrontendType


def vendor_on_platform(request: HttpRequest, vendor_code: str, *, active_only: bool) -> Vendor:
    """The vendor with ``vendor_code`` selling on the request's platform, else 404.

    The portal (``active_only=False``) is open while the vendor is active or pending, on the
    platform and overall; the storefront (``active_only=True``) only while both are active.
    Warm: no SQL (``modules.tenancy.cache``).
    """
    platform = getattr(request, "platform", None)
    entry = cache.vendor_by_code(vendor_code) if vendor_code and platform is not None else None
    statuses = STOREFRONT_OPEN if active_only else PORTAL_OPEN
    if entry is None or not entry.open_on(platform.pk, statuses):
        raise Http404(_("No such vendor here."))
    return entry.vendor


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def granted(request: HttpRequest) -> frozenset[str]:
    """Permissions of the request's user on ``request.vendor`` (memoised on the request)."""
    if not hasattr(request, "_vendor_permissions"):
        membership = getattr(request, "membership", None)
        # Staff act on any vendor with every permission (the owner's).
        role = "owner" if is_staff(request.user) else (membership.role if membership else None)
        request._vendor_permissions = (
            permissions_for(role, request.modules) if role else frozenset()
        )
    return request._vendor_permissions


def vendors_of(user: Any, platform: Any = None) -> list[Vendor]:
    """The vendors whose team ``user`` is in (for the vendor switcher); warm, no SQL.

    With ``platform``, only those whose portal is open there (active or pending on it and not
    suspended), so every link of the switcher leads somewhere.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    return cache.switcher(user.pk, getattr(platform, "pk", None))


class VendorGuard:
    """The tenant guard (see ``orion_core.contracts.tenant_guard`` for the rules it keeps)."""

    def admit(self, request: HttpRequest, access: Access) -> contextlib.AbstractContextManager:
        if access.frontend is FrontendType.VENDOR:
            vendor = self._portal_vendor(request, access)
        elif access.frontend is FrontendType.STOREFRONT:
            vendor = self._storefront_vendor(request, access)
        else:
            raise Http404(_("No such vendor here."))
        return self._inside(request, vendor)

    def _portal_vendor(self, request: HttpRequest, access: Access) -> Vendor:
        user, platform = request.user, getattr(request, "platform", None)
        if not user.is_authenticated:
            raise LoginRequired
        if platform is None or not access.vendor_code:
            raise Http404(_("No such vendor here."))
        found = cache.portal_access(access.vendor_code, user.pk, platform.pk)
        if found.entry is None or not found.entry.open_on(platform.pk, PORTAL_OPEN):
            raise Http404(_("No such vendor here."))
        if found.membership is None and not is_staff(user):
            raise Http404(_("No such vendor here."))
        request.vendor, request.membership = found.entry.vendor, found.membership
        request.vendor_switcher = found.switcher
        if access.permission and access.permission not in granted(request):
            raise PermissionDenied(
                _("Needs permission %(permission)s.") % {"permission": access.permission}
            )
        return found.entry.vendor

    def _storefront_vendor(self, request: HttpRequest, access: Access) -> Vendor:
        # On a vendor's own domain the middleware has resolved it already (and prefixed the path
        # with its code, so the URL's code is the same vendor).
        vendor = getattr(request, "storefront_vendor", None)
        if vendor is None or vendor.code != access.vendor_code:
            vendor = vendor_on_platform(request, access.vendor_code, active_only=True)
        request.vendor = vendor
        return vendor

    @contextlib.contextmanager
    def _inside(self, request: HttpRequest, vendor: Vendor) -> Iterator[Vendor]:
        with vendor_scope(vendor), tenant_context(getattr(request, "platform", None), vendor):
            yield vendor
