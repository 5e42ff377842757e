"""Entitlements: may this vendor use feature F here, and how many of L may it have?

Asked by the feature guard (``orion_core.features``: views declaring ``requires_feature``, menu
items declaring a ``feature``) and by services that create what a plan counts (the catalog
before it adds a product: ``check_limit``). Provided by the billing module
(``entitlements_provider``, a later issue), which answers from the vendor's plan on the
platform. A feature is a code some module declares in its ``features``; a limit is a name the
counting module chooses (``"max_products"``).

Fallback, when no enabled module sells plans (billing off or not installed): **yes,
unlimited**. Every feature is allowed and every limit is unlimited (``maximum`` None); neither
names tiers, and nothing is ever refused.

Rules a provider keeps:
- Every question gets an answer; asking never writes and never raises for an unknown vendor or
  feature. A feature or limit none of the platform's tiers mentions is allowed and unlimited:
  switching billing on locks nobody out of what no plan talks about.
- ``tiers`` name what the vendor could move to, in the order the platform presents them
  (cheapest first): for a refused feature, the tiers that include it; for a limit, the tiers
  whose limit is higher (or unlimited). Never the vendor's current tier. Pages and API bodies
  show them as they are (``code`` for links, ``name`` for people).
- Answers may be cached, by the provider and by callers, under ``entitlement_scopes(platform_id,
  vendor_id)`` in the shared cache (``orion_core.shared_cache``), and never in process memory
  beyond one request. So the provider bumps, once the change commits (``bump_on_commit``),
  ``entitlements_scope(vendor_id)`` whenever a vendor's plan changes (subscribed, upgraded,
  downgraded, cancelled, a trial or a payment lapsed) and ``plans_scope(platform_id)`` whenever
  a tier of the platform changes (its features, limits or name). Switching a module on or off
  stales every cached entry by itself (``orion_core.state``). That is how the gate follows a plan
  change on the next request, in every process. The fallback never changes, so it never bumps.
- A limit counts what exists: the caller passes how many there are, and ``check_limit`` refuses
  the one beyond ``maximum``. Where two creations may race, the caller counts under a lock (the
  vendor's row, ``select_for_update``) in the transaction that creates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from orion_core.contracts import Contract
from orion_core.exceptions import OrionError


def entitlements_scope(vendor_id: int) -> str:
    """The shared-cache scope a change of ``vendor_id``'s plan bumps (see the rules above)."""
    return f"entitlements:vendor:{vendor_id}"


def plans_scope(platform_id: int) -> str:
    """The shared-cache scope a change of ``platform_id``'s tiers bumps (see the rules above)."""
    return f"entitlements:platform:{platform_id}"


def entitlement_scopes(platform_id: int, vendor_id: int) -> tuple[str, str]:
    """Both scopes an answer about ``vendor_id`` on ``platform_id`` depends on: cache under
    these and a bump of either makes the entry stale."""
    return plans_scope(platform_id), entitlements_scope(vendor_id)


@dataclass(frozen=True)
class PlanTier:
    """A tier of the platform's plans, as a prompt names it."""

    code: str
    name: str


@dataclass(frozen=True)
class Entitlement:
    """Whether the vendor may use ``feature``; if not, the ``tiers`` that include it."""

    feature: str
    allowed: bool
    tiers: tuple[PlanTier, ...] = ()


@dataclass(frozen=True)
class Limit:
    """How many of ``name`` the vendor may have (``maximum`` None: unlimited), and the
    ``tiers`` that allow more."""

    name: str
    maximum: int | None
    tiers: tuple[PlanTier, ...] = ()

    @property
    def unlimited(self) -> bool:
        return self.maximum is None

    def allows(self, count: int) -> bool:
        """May the vendor have ``count`` of them?"""
        return self.maximum is None or count <= self.maximum


# --- refusals ----------------------------------------------------------------------------------


def _either(tiers: Sequence[PlanTier]) -> str:
    names = [tier.name for tier in tiers]
    if len(names) == 1:
        return names[0]
    # Translators: the plan tiers a vendor could choose, e.g. "Starter, Growth or Pro".
    return _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def feature_label(feature: str) -> str:
    """How a message names a feature: its code, spaced (features have no declared label)."""
    return feature.replace("_", " ")


class EntitlementError(OrionError, PermissionDenied):
    """The vendor's plan does not allow this. A ``PermissionDenied``, so anything that does not
    know better answers 403; the feature guard answers with the tiers (``as_dict``)."""

    tiers: tuple[PlanTier, ...]

    def as_dict(self) -> dict[str, Any]:
        """The API's 403 body: ``detail`` (the message), what was refused, and ``tiers``."""
        raise NotImplementedError


class FeatureNotAvailable(EntitlementError):  # noqa: N818 - the answer, as a sentence
    """The vendor's plan does not include ``feature``."""

    def __init__(self, entitlement: Entitlement) -> None:
        self.feature = entitlement.feature
        self.tiers = entitlement.tiers
        values = {"feature": feature_label(self.feature)}
        if self.tiers:
            message = _("Your plan does not include %(feature)s. Upgrade to %(tiers)s to use it.")
            values["tiers"] = _either(self.tiers)
        else:
            message = _("Your plan does not include %(feature)s.")
        super().__init__(message % values)

    def as_dict(self) -> dict[str, Any]:
        return {"detail": str(self), "feature": self.feature, "tiers": _tiers(self.tiers)}


class LimitReached(EntitlementError):  # noqa: N818
    """Having ``count`` of ``limit.name`` would exceed the vendor's plan."""

    def __init__(self, limit: Limit, count: int, label: str = "") -> None:
        self.limit = limit.name
        self.maximum = limit.maximum
        self.count = count
        self.tiers = limit.tiers
        values: dict[str, Any] = {"maximum": limit.maximum, "things": label or limit.name}
        if self.tiers:
            # Translators: "Your plan allows 100 products. Upgrade to Growth or Pro for more."
            message = _("Your plan allows %(maximum)s %(things)s. Upgrade to %(tiers)s for more.")
            values["tiers"] = _either(self.tiers)
        else:
            message = _("Your plan allows %(maximum)s %(things)s.")
        super().__init__(message % values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": str(self),
            "limit": self.limit,
            "maximum": self.maximum,
            "tiers": _tiers(self.tiers),
        }


def _tiers(tiers: Sequence[PlanTier]) -> list[dict[str, str]]:
    return [{"code": tier.code, "name": tier.name} for tier in tiers]


# --- the contract ------------------------------------------------------------------------------


@runtime_checkable
class EntitlementsProvider(Protocol):
    def entitlement(self, platform_id: int, vendor_id: int, feature: str) -> Entitlement:
        """May ``vendor_id`` use ``feature`` on ``platform_id``?"""

    def limit(self, platform_id: int, vendor_id: int, name: str) -> Limit:
        """How many of ``name`` may ``vendor_id`` have on ``platform_id``?"""


class Unlimited:
    """The fallback: no plans are sold here, so everything is allowed and nothing is counted."""

    def entitlement(self, platform_id: int, vendor_id: int, feature: str) -> Entitlement:
        return Entitlement(feature, allowed=True)

    def limit(self, platform_id: int, vendor_id: int, name: str) -> Limit:
        return Limit(name, maximum=None)


ENTITLEMENTS: Contract[EntitlementsProvider] = Contract(
    name="entitlements",
    protocol=EntitlementsProvider,
    fallback=Unlimited(),
    description="Which features and how much of each a vendor's plan allows.",
)
