"""The feature gate: one declaration for pages, the API and services.

What a vendor's plan allows is asked through the entitlements contract
(``orion_core.contracts.entitlements``): billing answers when it is enabled on the platform,
and "yes, unlimited" when it is off or absent. Code never asks billing itself:

- a view declares the feature it needs, ``@requires_feature("invoices")`` on a function or a
  class (Django's or DRF's; ``feature = "invoices"`` on the class is the same). The tenant guard
  (``orion_core.guards``) checks it right after the team permission: a portal page then shows
  the upgrade prompt naming the tiers that include it (403), the vendor API answers 403 with
  ``{"detail", "feature", "tiers"}``, and a storefront page or API answers 404 (customers never
  see the vendor's plan);
- a service checks before it writes: ``require_feature(platform, vendor_id, "invoices")`` and
  ``check_limit(platform, vendor_id, "max_products", count, label=_("products"))`` raise
  ``FeatureNotAvailable`` and ``LimitReached``. Raised inside a guarded view and not caught
  there, they get the same answers as a declared feature;
- a menu item declares ``feature="invoices"`` (``orion_core.menus``): shown locked on the portal,
  hidden on the storefront;
- a page asks ``has_feature(request, "invoices")`` or ``limit(request, "max_products")`` to
  decide what to show.

Answers are memoised on the request only: the next request asks again, so a plan change is
followed on the next request in every process (the provider caches under the contract's
shared-cache scopes and bumps them on commit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.entitlements import (
    ENTITLEMENTS,
    Entitlement,
    EntitlementsProvider,
    FeatureNotAvailable,
    Limit,
    LimitReached,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from orion_core.models import Platform
    from orion_core.modules.registry import ModuleRegistry

V = TypeVar("V")

_MEMO = "_orion_entitlements"


def requires_feature(code: str) -> Callable[[V], V]:
    """Declare the feature a view needs, on a function or a class:
    ``@requires_feature("invoices")``. The tenant guard enforces it (see the module docstring)."""

    def decorator(view: V) -> V:
        view.feature = code  # type: ignore[attr-defined]
        return view

    return decorator


# --- outside requests: services, tasks, commands ---------------------------------------------


def provider(platform: Platform | int) -> EntitlementsProvider:
    """Whoever answers entitlements on ``platform`` (billing, or the "unlimited" fallback)."""
    return provider_for(ENTITLEMENTS, state.state_for_platform(platform).enabled)


def require_feature(platform: Platform | int, vendor_id: int, feature: str) -> Entitlement:
    """The vendor's entitlement to ``feature``; ``FeatureNotAvailable`` if its plan lacks it."""
    answer = provider(platform).entitlement(_pk(platform), vendor_id, feature)
    if not answer.allowed:
        raise FeatureNotAvailable(answer)
    return answer


def check_limit(
    platform: Platform | int,
    vendor_id: int,
    name: str,
    count: int,
    *,
    adding: int = 1,
    label: str = "",
) -> Limit:
    """Refuse (``LimitReached``) when the vendor, having ``count`` of ``name``, may not have
    ``adding`` more. ``label`` is what is counted, in the plural, for the message
    ("Your plan allows 100 products. Upgrade to Growth or Pro for more.")."""
    answer = provider(platform).limit(_pk(platform), vendor_id, name)
    if not answer.allows(count + adding):
        raise LimitReached(answer, count + adding, label)
    return answer


def _pk(platform: Platform | int) -> int:
    return platform if isinstance(platform, int) else platform.pk


# --- in requests: views, the guard, menus ----------------------------------------------------


def _ask(
    request: HttpRequest, kind: str, name: str, registry: ModuleRegistry | None
) -> Entitlement | Limit | None:
    """The answer about the request's vendor, memoised on the request; None without a vendor
    (staff dashboards, platform pages: nothing to gate)."""
    vendor, platform = getattr(request, "vendor", None), getattr(request, "platform", None)
    if vendor is None or platform is None:
        return None
    memo = getattr(request, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(request, _MEMO, memo)
    key = (kind, platform.pk, vendor.pk, name)
    if key not in memo:
        answers = provider_for(ENTITLEMENTS, getattr(request, "modules", ()), registry=registry)
        ask = answers.entitlement if kind == "feature" else answers.limit
        memo[key] = ask(platform.pk, vendor.pk, name)
    return memo[key]


def entitlement(
    request: HttpRequest, feature: str, *, registry: ModuleRegistry | None = None
) -> Entitlement:
    """The request's vendor's entitlement to ``feature`` (allowed without a vendor)."""
    answer = _ask(request, "feature", feature, registry)
    return answer if isinstance(answer, Entitlement) else Entitlement(feature, allowed=True)


def has_feature(
    request: HttpRequest, feature: str, *, registry: ModuleRegistry | None = None
) -> bool:
    return entitlement(request, feature, registry=registry).allowed


def limit(request: HttpRequest, name: str, *, registry: ModuleRegistry | None = None) -> Limit:
    """The request's vendor's limit ``name`` (unlimited without a vendor)."""
    answer = _ask(request, "limit", name, registry)
    return answer if isinstance(answer, Limit) else Limit(name, maximum=None)


def enforce(request: HttpRequest, feature: str | None) -> None:
    """Raise ``FeatureNotAvailable`` unless the request's vendor may use ``feature`` (the guard
    calls this once it has admitted the request)."""
    if feature:
        answer = entitlement(request, feature)
        if not answer.allowed:
            raise FeatureNotAvailable(answer)


def forget(request: Any) -> None:
    """Drop the answers memoised on the request."""
    if hasattr(request, _MEMO):
        delattr(request, _MEMO)
