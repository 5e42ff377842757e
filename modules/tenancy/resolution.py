"""Resolving the vendor of a vendor-portal or storefront request, and guarding views by permission.

Every vendor-scoped view goes through one of these, which sets ``request.vendor`` and runs the
view inside ``vendor_scope(vendor)``. Another vendor's object is then simply not found (404).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from modules.tenancy.context import tenant_context
from modules.tenancy.models import Membership, Vendor, VendorPlatform
from modules.tenancy.roles import permissions_for
from modules.tenancy.scoping import vendor_scope


def rendered(response: HttpResponse) -> HttpResponse:
    """Render a lazy (template) response now, while the vendor's scope is still active:
    Django would otherwise render it after the view returned, outside the scope, and any
    queryset the template reads would raise ScopeError."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def vendor_on_platform(request: HttpRequest, vendor_code: str, *, active_only: bool) -> Vendor:
    """The vendor with ``vendor_code`` selling on the request's platform, else 404."""
    platform = getattr(request, "platform", None)
    vendor = Vendor.objects.filter(code=vendor_code).first()
    if vendor is None or platform is None:
        raise Http404(_("No such vendor here."))
    statuses = (
        [Vendor.Status.ACTIVE] if active_only else [Vendor.Status.ACTIVE, Vendor.Status.PENDING]
    )
    with vendor_scope(vendor):
        on_platform = VendorPlatform.objects.filter(platform=platform, status__in=statuses).exists()
    if not on_platform or vendor.status not in statuses:
        raise Http404(_("No such vendor here."))
    return vendor


def membership_of(user: Any, vendor: Vendor) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    with vendor_scope(vendor):
        return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).first()


def granted(request: HttpRequest) -> frozenset[str]:
    """Permissions of the request's user on ``request.vendor`` (memoised on the request)."""
    if not hasattr(request, "_vendor_permissions"):
        membership = getattr(request, "membership", None)
        if getattr(request.user, "is_staff", False):
            role = "owner"  # staff act on any vendor with every permission
        else:
            role = membership.role if membership else None
        request._vendor_permissions = (
            permissions_for(role, request.modules) if role else frozenset()
        )
    return request._vendor_permissions


def vendors_of(user: Any, platform: Any = None) -> list[Vendor]:
    """The vendors whose team ``user`` is in (for the vendor switcher), in one query.

    With ``platform``, only those whose portal is open there (active or pending on it and not
    suspended), so every link of the switcher leads somewhere.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    open_statuses = [Vendor.Status.ACTIVE, Vendor.Status.PENDING]
    with scopes_disabled():
        vendors = Vendor.objects.filter(
            memberships__user=user,
            memberships__status=Membership.Status.ACTIVE,
            status__in=open_statuses,
        )
        if platform is not None:
            vendors = vendors.filter(
                platforms__platform=platform, platforms__status__in=open_statuses
            )
        return list(vendors.distinct().order_by("name"))


class VendorPortalMixin(AccessMixin):
    """For /vendor/<vendor_code>/ views: a logged-in team member (or staff), the vendor active
    or pending on this platform, ``permission_required`` held; the view runs in the vendor's
    scope with ``request.vendor`` and ``request.membership`` set."""

    permission_required: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        vendor = vendor_on_platform(request, kwargs["vendor_code"], active_only=False)
        membership = membership_of(request.user, vendor)
        if membership is None and not request.user.is_staff:
            raise Http404(_("No such vendor here."))
        request.vendor, request.membership = vendor, membership
        if self.permission_required and self.permission_required not in granted(request):
            raise PermissionDenied(
                _("Needs permission %(permission)s.") % {"permission": self.permission_required}
            )
        with vendor_scope(vendor), tenant_context(getattr(request, "platform", None), vendor):
            return rendered(super().dispatch(request, *args, **kwargs))


class StorefrontMixin:
    """For /shop/<vendor_code>/ views: the vendor must be active on this platform; the view runs
    in its scope with ``request.vendor`` set. A vendor domain sets ``request.storefront_vendor``."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = getattr(request, "storefront_vendor", None) or vendor_on_platform(
            request, kwargs["vendor_code"], active_only=True
        )
        request.vendor = vendor
        with vendor_scope(vendor), tenant_context(getattr(request, "platform", None), vendor):
            return rendered(super().dispatch(request, *args, **kwargs))  # type: ignore[misc]


def requires_permission(
    code: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard a function-based vendor view (one that takes ``vendor_code``) like the mixin does."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, vendor_code: str, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            vendor = vendor_on_platform(request, vendor_code, active_only=False)
            membership = membership_of(request.user, vendor)
            if membership is None and not request.user.is_staff:
                raise Http404(_("No such vendor here."))
            request.vendor, request.membership = vendor, membership
            if code not in granted(request):
                raise PermissionDenied(_("Needs permission %(permission)s.") % {"permission": code})
            with vendor_scope(vendor), tenant_context(getattr(request, "platform", None), vendor):
                return rendered(view(request, *args, vendor_code=vendor_code, **kwargs))

        return wrapper

    return decorator


class HasVendorPermission(BasePermission):
    """DRF: the view's ``required_permission`` on the vendor of the URL. Views using it must
    call ``resolve_api_vendor`` in ``initial`` (see ``VendorAPIMixin``)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        required = getattr(view, "required_permission", None)
        return bool(required) and required in granted(request._request)


class VendorAPIMixin:
    """For DRF views under /api/v1/vendor/<vendor_code>/: resolves the vendor and membership
    before permissions run, and runs the whole request in the vendor's scope."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._vendor_code = kwargs.get("vendor_code")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)  # type: ignore[attr-defined]
        if not getattr(request.user, "is_authenticated", False):
            # 401/403 like any other API view, before revealing whether the vendor exists.
            raise NotAuthenticated()
        django_request = request._request
        django_request.user = request.user
        vendor = vendor_on_platform(django_request, self._vendor_code, active_only=False)
        membership = membership_of(request.user, vendor)
        if membership is None and not getattr(request.user, "is_staff", False):
            raise Http404(_("No such vendor here."))
        django_request.vendor, django_request.membership = vendor, membership
        self._scope = contextlib.ExitStack()
        self._scope.enter_context(vendor_scope(vendor))
        self._scope.enter_context(tenant_context(getattr(django_request, "platform", None), vendor))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        scope_cm = getattr(self, "_scope", None)
        if scope_cm is not None:
            self._scope = None
            with scope_cm:  # render (e.g. the browsable API's forms) still in the vendor's scope
                rendered(response)
        return response
