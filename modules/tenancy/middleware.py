"""Serving a vendor's storefront on the vendor's own, verified domain."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from modules.tenancy.domains import route_for_host
from orion_core.frontends import frontend_for_path
from orion_core.middleware import EXEMPT_PREFIXES
from orion_core.state import state_for_platform


class VendorDomainMiddleware:
    """After ``PlatformMiddleware``: when the host is a verified domain of an active vendor,
    serve that vendor's storefront.

    Sets ``request.storefront_vendor``, takes ``request.platform`` / ``request.modules`` from
    the vendor's first active platform, and prefixes ``path_info`` with ``/shop/<code>`` so the
    storefront's URLs resolve. Hosts that are a platform's own domain are never looked up (they
    cost nothing here); any other host costs one cache round trip and no SQL when warm.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._route(request)
        return self.get_response(request)

    def _route(self, request: HttpRequest) -> None:
        if request.path_info.startswith(EXEMPT_PREFIXES):
            return
        # A platform's own domain is never a vendor's (the development fallback host may be).
        if getattr(request, "platform_by_domain", False):
            return
        host, _port = split_domain_port(request.get_host())
        route = route_for_host(host) if host else None
        if route is None:
            return
        state = state_for_platform(route.platform_id)
        request.platform, request.modules = state.platform, state.enabled
        request.platform_state = state
        request.storefront_vendor = route.vendor
        prefix = f"/shop/{route.vendor_code}"
        if not (request.path_info == prefix or request.path_info.startswith(prefix + "/")):
            request.path_info = prefix + request.path_info
        request.frontend = frontend_for_path(request.path_info)
