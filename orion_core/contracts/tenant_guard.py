"""The tenant guard: who may run a vendor-portal or storefront view, and in which tenant.

Every view mounted on the VENDOR frontend (``vendor_urlpatterns``, ``vendor_api_urlpatterns``)
or the STOREFRONT frontend (``storefront_urlpatterns``, ``storefront_api_urlpatterns``) runs
behind this guard; ``orion_core.guards`` wraps them where ``orion_core.urls`` mounts them, so no
view can forget it. The guard decides with the vendor code of the URL:

- VENDOR: a logged-in user (else ``LoginRequired``: the login page, or 401/403 for the API), a
  vendor selling on the request's platform (active or pending there, not suspended) and an
  active membership of that vendor's team (staff may act on any vendor); else ``Http404``. The
  view's declared permission must be held (else ``PermissionDenied``).
- STOREFRONT: an active vendor, active on the request's platform; else ``Http404``.

``admit`` raises to refuse, or returns a context manager inside which the view (and the
rendering of its response) runs with the tenant set: ``request.vendor`` (and
``request.membership`` on the portal), the vendor's query scope and the tenant context.

Provided by the tenancy module (``tenant_guard_provider``). The fallback, when no enabled module
provides it (a host that resolves to no platform), refuses every request with a 404: fail closed.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from orion_core.contracts import Contract
from orion_core.modules.definition import FrontendType


class LoginRequired(Exception):  # noqa: N818 - names the answer, like Http404
    """The view needs a logged-in user and the request has none."""


@dataclass(frozen=True)
class Access:
    """What a request asks for: a frontend (VENDOR or STOREFRONT), the vendor code of its URL,
    and the module permission its view declares for the request's method (None: no permission
    beyond being in the team)."""

    frontend: FrontendType
    vendor_code: str
    permission: str | None = None


@runtime_checkable
class TenantGuard(Protocol):
    def admit(self, request: HttpRequest, access: Access) -> AbstractContextManager[Any]:
        """Refuse (``Http404``, ``PermissionDenied``, ``LoginRequired``) or return the context
        the view runs in."""


class RefuseEveryone:
    """The fallback: with no tenancy to ask, no vendor or storefront view is served."""

    def admit(self, request: HttpRequest, access: Access) -> AbstractContextManager[Any]:
        raise Http404(_("No such vendor here."))


TENANT_GUARD: Contract[TenantGuard] = Contract(
    name="tenant_guard",
    protocol=TenantGuard,
    fallback=RefuseEveryone(),
    description="Admits vendor-portal and storefront requests and sets their tenant.",
)
