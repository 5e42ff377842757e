"""Which permission codes the user of a request holds, without orion_core knowing who decides.

A module that knows (tenancy: vendor roles) offers a ``permissions_provider`` in its
``providers.py``: an object with ``get_permissions(request)`` returning the codes the request's
user holds, or None when it has no say about this request (no vendor, not a member…). Only the
modules enabled on the request's platform are asked, in dependency order; a provider that raises
is logged, counted and left out.

``granted_permissions(request)`` is the providers' answer: the union of what they granted, kept
to permissions of modules enabled on the platform, or None when no provider decided.
``effective_permissions(request, frontend)`` applies the rule for an undecided request: staff
hold every permission of the enabled modules on the ADMIN frontend; everybody else holds none.
Both are memoised on the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from orion_core import metrics
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import ModuleRegistry, get_registry

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

PROVIDER_KIND = "permissions"
_GRANTED = "_orion_granted_permissions"
_UNSET = object()


@runtime_checkable
class PermissionsProvider(Protocol):
    def get_permissions(self, request: HttpRequest) -> Iterable[str] | None: ...


def enabled_permission_codes(
    enabled: Iterable[str], registry: ModuleRegistry | None = None
) -> frozenset[str]:
    """Every permission code declared by one of the ``enabled`` modules."""
    registry = registry if registry is not None else get_registry()
    enabled = set(enabled)
    return frozenset(
        perm.code
        for definition in registry
        if definition.code in enabled
        for perm in definition.permissions
    )


def granted_permissions(
    request: HttpRequest, *, registry: ModuleRegistry | None = None
) -> frozenset[str] | None:
    """What the permissions providers of the enabled modules grant; None if none decided."""
    memo = getattr(request, _GRANTED, _UNSET)
    if memo is not _UNSET:
        return memo
    registry = registry if registry is not None else get_registry()
    enabled = frozenset(getattr(request, "modules", ()))
    granted: set[str] | None = None
    for code in registry.dependency_order():
        if code not in enabled:
            continue
        try:
            provider = registry.provider(code, PROVIDER_KIND)
            if provider is None:
                continue
            answer = provider.get_permissions(request)
            codes = None if answer is None else {str(c) for c in answer}
        except Exception:
            logger.exception("The permissions provider of module %s failed; left out", code)
            metrics.provider_failures.labels(module=code, kind=PROVIDER_KIND).inc()
            continue
        if codes is not None:
            granted = (granted or set()) | codes
    result = (
        None
        if granted is None
        else frozenset(granted & enabled_permission_codes(enabled, registry))
    )
    setattr(request, _GRANTED, result)
    return result


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", True))


def effective_permissions(
    request: HttpRequest,
    frontend: FrontendType | str | None = None,
    *,
    registry: ModuleRegistry | None = None,
) -> frozenset[str]:
    """The permission codes the request's user holds on ``frontend`` (default: the request's).

    Undecided by every provider: staff hold all permissions of the enabled modules on the ADMIN
    frontend, everybody else none.
    """
    granted = granted_permissions(request, registry=registry)
    if granted is not None:
        return granted
    if frontend is None:
        frontend = getattr(request, "frontend", None)
    if frontend is not None and FrontendType(frontend) is FrontendType.ADMIN and _is_staff(request):
        return enabled_permission_codes(getattr(request, "modules", ()), registry)
    return frozenset()


def has_permission(
    request: HttpRequest,
    code: str,
    frontend: FrontendType | str | None = None,
    *,
    registry: ModuleRegistry | None = None,
) -> bool:
    return code in effective_permissions(request, frontend, registry=registry)


def forget(request: Any) -> None:
    """Drop the memoised answer (after changing ``request.user`` or ``request.modules``)."""
    if hasattr(request, _GRANTED):
        delattr(request, _GRANTED)
