"""A platform's tiers, the limits modules declare, and a vendor's usage against them.

Tiers are platform-owned and edited by staff (the admin validates them with ``Tier.clean``);
what reads them here works across vendors and needs no scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from modules.billing.models import Tier
from modules.billing.services import entitlements
from orion_core import state
from orion_core.contracts.entitlements import feature_label
from orion_core.modules.definition import LimitDefinition
from orion_core.modules.registry import get_registry


def declared_limits() -> dict[str, LimitDefinition]:
    """Every limit a module declares, by name (``ModuleDefinition.limits``)."""
    return {limit.name: limit for limit in get_registry().limits()}


def declared_features() -> set[str]:
    return {feature for definition in get_registry() for feature in definition.features}


def tier_problems(features: Any, limits: Any) -> dict[str, list[str]]:
    """What is wrong with a tier's ``features`` and ``limits``, by field (empty: nothing)."""
    problems: dict[str, list[str]] = {}
    known_features, known_limits = declared_features(), declared_limits()
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        problems["features"] = [_("Give a list of feature codes.")]
    else:
        unknown = sorted(set(features) - known_features)
        if unknown:
            problems["features"] = [
                _("No module declares %(codes)s.") % {"codes": ", ".join(unknown)}
            ]
    if not isinstance(limits, dict):
        problems["limits"] = [_("Give an object of limit names and whole numbers.")]
    else:
        unknown = sorted(set(limits) - set(known_limits))
        if unknown:
            problems.setdefault("limits", []).append(
                _("No module declares the limit %(names)s.") % {"names": ", ".join(unknown)}
            )
        bad = sorted(
            name
            for name, value in limits.items()
            if isinstance(value, bool) or not isinstance(value, int) or value < 0
        )
        if bad:
            problems.setdefault("limits", []).append(
                _("%(names)s: give a whole number of at least 0 (leave it out for unlimited).")
                % {"names": ", ".join(bad)}
            )
    return problems


def platform_tiers(platform: Any) -> QuerySet[Tier]:
    """Every tier of ``platform`` (a Platform or id), archived ones too, in pricing order."""
    return Tier.objects.filter(platform_id=getattr(platform, "pk", platform)).order_by(
        "position", "monthly_price", "pk"
    )


def offered_tiers(platform: Any) -> QuerySet[Tier]:
    """The tiers a vendor may choose on ``platform``, cheapest first."""
    return platform_tiers(platform).filter(is_active=True)


def offered_tier(platform: Any, code: str) -> Tier | None:
    """The tier ``code`` if ``platform`` offers it (another platform's never)."""
    if not isinstance(code, str) or not code:
        return None
    return offered_tiers(platform).filter(code=code).first()


def enabled_limits(platform: Any) -> list[LimitDefinition]:
    """The limits of the modules enabled on ``platform`` (what pages show usage of)."""
    enabled = state.state_for_platform(platform).enabled
    return [limit for limit in declared_limits().values() if limit.module_code in enabled]


@dataclass(frozen=True)
class Usage:
    """How many of ``label`` the vendor has, against its plan's ``maximum`` (None: unlimited)."""

    name: str
    label: str
    used: int
    maximum: int | None

    @property
    def unlimited(self) -> bool:
        return self.maximum is None

    @property
    def over(self) -> bool:
        return self.maximum is not None and self.used > self.maximum

    @property
    def percent(self) -> int:
        if not self.maximum:
            return 100 if self.maximum == 0 and self.used else 0
        return min(100, round(100 * self.used / self.maximum))


def usage(platform: Any, vendor_id: int, plan: entitlements.Plan | None = None) -> list[Usage]:
    """The vendor's usage of every limit of the platform's enabled modules, against what its
    plan allows. Billing answers the entitlements contract wherever its pages and widgets are
    shown, so the maximums come from the vendor's cached plan (``plan`` if the caller read it
    already): one cache round trip for all of them. Each count comes from the module that
    declares the limit (``LimitDefinition.usage``, cached by that module)."""
    platform_id = getattr(platform, "pk", platform)
    plan = plan or entitlements.plan(platform_id, vendor_id)
    found = []
    for limit in enabled_limits(platform_id):
        count = import_string(limit.usage)(vendor_id) if limit.usage else 0
        maximum = entitlements.limit(plan, limit.name).maximum
        found.append(Usage(limit.name, str(limit.label), count, maximum))
    return found


def limit_label(name: str) -> str:
    """How pages name a limit: its declared label, else its name."""
    found = declared_limits().get(name)
    return str(found.label) if found else name


def describe_limits(tier: Tier, names: list[str] | None = None) -> list[tuple[str, int | None]]:
    """(label, maximum) of each limit in ``names`` (default: every declared one) on ``tier``:
    None where the tier leaves it unlimited."""
    names = names if names is not None else list(declared_limits())
    return [(limit_label(name), tier.limits.get(name)) for name in names]


def describe_features(tier: Tier) -> list[str]:
    return [feature_label(code) for code in tier.features]
