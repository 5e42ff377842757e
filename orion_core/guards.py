"""Fail-closed vendor and storefront views: the tenant guard, applied where URLs are mounted.

``orion_core.urls`` passes every view of a module's ``vendor``, ``vendor_api``, ``storefront``
and ``storefront_api`` URL lists through :func:`guard_patterns`. Each view is then wrapped so
that the tenant guard (``orion_core.contracts.tenant_guard``) admits the request before the view
runs, and the view and its rendering run in the admitted tenant. A view cannot forget it; it
opts out only explicitly, with ``@tenant_guard_exempt`` (or ``tenant_guard_exempt = True`` on
its class), which is easy to grep for.

Views declare the module permission they need, and the same guard checks it:

- a class (Django or DRF): ``permission = "giftcards.view"``, or per method
  ``permission = read_write("giftcards.view", "giftcards.issue")``;
- a function: ``@permission("giftcards.view")``.

A mapping is looked up by HTTP method (``HEAD`` and ``OPTIONS`` fall back to ``GET``), then
``"*"``; a method it does not name is refused. Without a declaration, membership of the team is
all a portal view needs.

Views also declare the feature of the vendor's plan they need, ``@requires_feature("invoices")``
(``orion_core.features``) or ``feature = "invoices"`` on the class, and the guard checks it once
the request is admitted and holds the permission. A refusal (declared, or ``FeatureNotAvailable``
and ``LimitReached`` raised by a service inside the view) is answered by :func:`refused`: the
upgrade prompt on the portal, a 403 naming the tiers on the vendor API, a 404 on the storefront.

DRF views are guarded from inside: their class is extended with :class:`GuardedAPIView`, whose
``initial()`` admits the request right after DRF authenticated it (session or token), before
permissions, throttles and the handler; refusals come back as DRF error bodies.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _

from orion_core import features, metrics
from orion_core.contracts import provider_for
from orion_core.contracts.entitlements import EntitlementError
from orion_core.contracts.tenant_guard import TENANT_GUARD, Access, LoginRequired
from orion_core.modules.definition import FrontendType

PermissionSpec = str | Mapping[str, str] | None
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UPGRADE_TEMPLATE = "orion/upgrade_required.html"

# The URL lists orion_core.urls guards, and the frontend each one serves.
GUARDED_LISTS: dict[str, tuple[FrontendType, bool]] = {
    "vendor": (FrontendType.VENDOR, False),
    "vendor_api": (FrontendType.VENDOR, True),
    "storefront": (FrontendType.STOREFRONT, False),
    "storefront_api": (FrontendType.STOREFRONT, True),
}


@dataclass(frozen=True)
class Guarded:
    """What a mounted view carries as ``orion_guard``: the frontend it is guarded for."""

    frontend: FrontendType
    api: bool


# --- what views declare ------------------------------------------------------------------------


def permission(code: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the module permission a function view needs: ``@permission("giftcards.view")``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        view.permission = code  # type: ignore[attr-defined]
        return view

    return decorator


def read_write(read: str, write: str) -> dict[str, str]:
    """``read`` for GET/HEAD/OPTIONS, ``write`` for every other method."""
    return {"GET": read, "*": write}


def tenant_guard_exempt(view: Any) -> Any:
    """Serve this vendor or storefront view without the tenant guard (it resolves no tenant
    and must show no tenant's data). Works on functions and classes."""
    view.tenant_guard_exempt = True
    return view


def declared_permissions(view: Any) -> set[str]:
    """Every permission code the view's declaration names (for the system check)."""
    spec = getattr(_declared(view), "permission", None)
    if spec is None:
        return set()
    return {spec} if isinstance(spec, str) else set(spec.values())


def declared_feature(view: Any) -> str | None:
    """The feature of the vendor's plan the view declares it needs (``requires_feature``)."""
    return getattr(_declared(view), "feature", None) or None


def required_permission(spec: PermissionSpec, method: str) -> str | None:
    """The permission ``spec`` requires for ``method``; PermissionDenied if it names none."""
    if spec is None or isinstance(spec, str):
        return spec
    method = method.upper()
    lookup = [method, "GET"] if method in SAFE_METHODS else [method]
    for key in [*lookup, "*"]:
        if key in spec:
            return spec[key]
    raise PermissionDenied(_("This action is not allowed here."))


# --- admission ---------------------------------------------------------------------------------


def admit(request: HttpRequest, access: Access) -> contextlib.AbstractContextManager[Any]:
    """Ask the tenant guard of the request's platform (see the contract for the rules)."""
    return provider_for(TENANT_GUARD, getattr(request, "modules", ())).admit(request, access)


def _admit(
    request: HttpRequest, frontend: FrontendType, kwargs: Mapping[str, Any], spec: PermissionSpec
) -> contextlib.AbstractContextManager[Any]:
    """Admit a request to a view declaring ``spec``, counting the outcome. A method the
    declaration does not allow is refused only once the request is admitted: a stranger learns
    nothing from a 403."""
    try:
        code, allowed = required_permission(spec, request.method or "GET"), True
    except PermissionDenied:
        code, allowed = None, False
    access = Access(frontend=frontend, vendor_code=kwargs.get("vendor_code", ""), permission=code)
    outcome = "error"
    try:
        scope = admit(request, access)
        if not allowed:
            raise PermissionDenied(_("This action is not allowed here."))
        outcome = "admitted"
    except Http404:
        outcome = "not_found"
        raise
    except LoginRequired:
        outcome = "login"
        raise
    except PermissionDenied:
        outcome = "forbidden"
        raise
    finally:
        match = getattr(request, "resolver_match", None)
        module = match.namespaces[0] if match and match.namespaces else ""
        metrics.tenant_guard.labels(module=module, frontend=frontend.value, outcome=outcome).inc()
    return scope


def _declared(view: Any) -> Any:
    """The object a view's declarations live on: its class for class-based views."""
    return getattr(view, "view_class", None) or getattr(view, "cls", None) or view


def is_exempt(view: Any) -> bool:
    return bool(getattr(view, "tenant_guard_exempt", False)) or bool(
        getattr(_declared(view), "tenant_guard_exempt", False)
    )


def refused(
    request: HttpRequest, refusal: EntitlementError, frontend: FrontendType, *, api: bool
) -> HttpResponse:
    """The answer when the vendor's plan does not allow what the request asks: the upgrade
    prompt naming the tiers (403) on the portal, the same as JSON on the API, and a 404 on the
    storefront, whose customers have no plan to upgrade."""
    if frontend is FrontendType.STOREFRONT:
        raise Http404(_("Not available in this shop."))
    if api:
        return JsonResponse(refusal.as_dict(), status=403)
    context = {
        "message": str(refusal),
        "refusal": refusal.as_dict(),
        "tiers": refusal.tiers,
        "vendor": getattr(request, "vendor", None),
    }
    return TemplateResponse(request, UPGRADE_TEMPLATE, context, status=403)


def rendered(response: HttpResponse) -> HttpResponse:
    """Render a lazy (template) response now, while the tenant is still admitted: Django would
    otherwise render it after the view returned, outside the vendor's query scope."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def guard_view(view: Callable[..., Any], frontend: FrontendType, *, api: bool) -> Any:
    """``view`` wrapped by the tenant guard for ``frontend`` (unchanged if it is exempt)."""
    if is_exempt(view):
        return view
    cls = getattr(view, "cls", None)
    if cls is not None and hasattr(cls, "initial"):  # a DRF view
        return _guard_api_view(view, frontend)
    declared = _declared(view)

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scope = _admit(request, frontend, kwargs, getattr(declared, "permission", None))
        except LoginRequired:
            if api:
                from rest_framework.exceptions import NotAuthenticated

                return JsonResponse({"detail": str(NotAuthenticated.default_detail)}, status=401)
            return redirect_to_login(request.get_full_path())
        with scope:
            try:
                features.enforce(request, declared_feature(declared))
                return rendered(view(request, *args, **kwargs))
            except EntitlementError as refusal:
                return rendered(refused(request, refusal, frontend, api=api))

    guarded.orion_guard = Guarded(frontend, api)  # type: ignore[attr-defined]
    return guarded


def _guard_api_view(view: Any, frontend: FrontendType) -> Any:
    cls = view.cls
    guarded_cls = type(
        cls.__name__,
        (GuardedAPIView, cls),
        {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
            "tenant_frontend": frontend,
        },
    )
    actions = getattr(view, "actions", None)
    initkwargs = getattr(view, "initkwargs", {})
    guarded = (
        guarded_cls.as_view(actions, **initkwargs)
        if actions is not None
        else guarded_cls.as_view(**initkwargs)
    )
    guarded.orion_guard = Guarded(frontend, True)
    return guarded


class GuardedAPIView:
    """Put in front of a DRF view's class by :func:`guard_view`: admits the request right after
    authentication and keeps the tenant admitted until the response is rendered."""

    tenant_frontend: FrontendType

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        from rest_framework.exceptions import NotAuthenticated

        self.perform_authentication(request)  # type: ignore[attr-defined]
        spec = getattr(self, "permission", None)
        try:
            scope = _admit(request._request, self.tenant_frontend, kwargs, spec)
        except LoginRequired:
            raise NotAuthenticated() from None
        self._tenant_scope = contextlib.ExitStack()
        self._tenant_scope.enter_context(scope)
        features.enforce(request._request, getattr(self, "feature", None))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> Any:
        """A refusal of the vendor's plan, declared or raised by a service, as DRF answers:
        403 ``{"detail", "feature" or "limit", "tiers"}`` (404 on the storefront API)."""
        if isinstance(exc, EntitlementError):
            from rest_framework import exceptions

            if self.tenant_frontend is FrontendType.STOREFRONT:
                exc = exceptions.NotFound()
            else:
                forbidden = exceptions.PermissionDenied()
                forbidden.detail = exc.as_dict()  # as it is: DRF would stringify the numbers
                exc = forbidden
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        scope = getattr(self, "_tenant_scope", None)
        if scope is not None:
            self._tenant_scope = None
            with scope:  # render (e.g. the browsable API's forms) still inside the tenant
                rendered(response)
        return response


# --- mounting ----------------------------------------------------------------------------------


def guard_patterns(
    patterns: list[URLPattern | URLResolver], frontend: FrontendType, *, api: bool
) -> list[URLPattern | URLResolver]:
    """Copies of ``patterns`` (nested includes too) whose views are guarded for ``frontend``.

    The module's own pattern objects are left as they are.
    """
    guarded: list[URLPattern | URLResolver] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            guarded.append(
                URLResolver(
                    entry.pattern,
                    guard_patterns(entry.url_patterns, frontend, api=api),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
        else:
            guarded.append(
                URLPattern(
                    entry.pattern,
                    guard_view(entry.callback, frontend, api=api),
                    entry.default_args,
                    entry.name,
                )
            )
    return guarded
