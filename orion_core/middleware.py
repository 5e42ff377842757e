"""Request-time resolution of the platform and the gate in front of module views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port

from orion_core import metrics
from orion_core.frontends import frontend_for_path
from orion_core.modules.registry import get_registry
from orion_core.observability import tag_request
from orion_core.state import state_for_host

# Paths served without tenant resolution: probes and scrapers must work on any host.
EXEMPT_PREFIXES = ("/health/", "/metrics", "/static/")


class PlatformMiddleware:
    """Set ``request.platform`` (or None) and ``request.modules`` from the Host header, and
    ``request.frontend`` (a ``FrontendType`` or None) from the path. ``request.platform_state``
    is the whole cached ``PlatformState`` (menus read the platform's menu configuration from it);
    ``request.platform_by_domain`` says whether the host is one of the platform's own domains
    (not the development fallback).

    One shared-cache round trip on the warm path, no SQL; the result is memoised on the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.platform_by_domain, request.platform_state = False, None
        if request.path_info.startswith(EXEMPT_PREFIXES):
            request.platform, request.modules, request.frontend = None, frozenset(), None
        else:
            # split_domain_port copes with IPv6 literals and a trailing dot, unlike rsplit(":").
            domain, _port = split_domain_port(request.get_host())
            state = state_for_host(domain)
            request.platform = state.platform if state else None
            request.modules = state.enabled if state else frozenset()
            request.platform_by_domain = bool(state and state.by_domain)
            request.platform_state = state
            request.frontend = frontend_for_path(request.path_info)
            if request.platform is not None:
                tag_request(request.platform.code, None)
        return self.get_response(request)


class ModuleGateMiddleware:
    """404 for a view in the namespace of a module the request's platform has not enabled.

    Core modules are always on, so they are served even on a host that resolves to no platform
    (the staff dashboard must be reachable to fix exactly that). Internal modules are also
    hidden from anyone who is not staff.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        match = request.resolver_match
        if match is None or not match.namespaces:
            return
        code = match.namespaces[0]
        registry = get_registry()
        if code not in registry:
            return
        enabled = registry.is_core(code) or code in getattr(request, "modules", ())
        allowed = enabled and (
            not registry.is_internal(code) or getattr(request.user, "is_staff", False)
        )
        metrics.module_requests.labels(module=code, outcome="served" if allowed else "gated").inc()
        tag_request(None, code)
        if not allowed:
            raise Http404(f"Module '{code}' is not enabled here.")
