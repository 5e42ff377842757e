"""Running modules' ``health_check`` hooks, shared by the staff page and the scheduled task, and
their history: samples kept per platform and module, summarised per hour."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from modules.monitoring.models import RETENTION, HealthSample
from orion_core.modules.registry import get_registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModuleHealth:
    code: str
    name: str
    ok: bool
    detail: str = ""


def module_health(codes: Iterable[str]) -> list[ModuleHealth]:
    """Health of each module in ``codes`` (dependency order); a failure never stops the rest."""
    registry = get_registry()
    results = []
    for code in registry.dependency_order(c for c in codes if c in registry):
        definition = registry.get(code)
        try:
            definition.health_check()
        except Exception as exc:
            logger.error("Module %s is unhealthy: %s", code, exc)
            results.append(
                ModuleHealth(code, definition.name, ok=False, detail=str(exc) or type(exc).__name__)
            )
        else:
            results.append(ModuleHealth(code, definition.name, ok=True))
    return results


def record_health(platform_id: int, results: Iterable[ModuleHealth]) -> None:
    """Keep one sample per result, and delete this platform's samples older than RETENTION."""
    now = timezone.now()
    HealthSample.objects.bulk_create(
        HealthSample(
            platform_id=platform_id,
            module_code=r.code,
            ok=r.ok,
            detail=r.detail[:500],
            checked_at=now,
        )
        for r in results
    )
    HealthSample.objects.filter(platform_id=platform_id, checked_at__lt=now - RETENTION).delete()


@dataclass
class HealthHistory:
    """One module on one platform over the window: checks and failures per hour, oldest first."""

    platform_id: int
    module_code: str
    hours: list[tuple[datetime, int, int]] = field(default_factory=list)  # (hour, total, failed)

    @property
    def checks(self) -> int:
        return sum(total for _hour, total, _failed in self.hours)

    @property
    def failures(self) -> int:
        return sum(failed for _hour, _total, failed in self.hours)

    @property
    def uptime(self) -> float:
        """Share of checks that passed, in percent (100 without checks)."""
        return 100.0 * (self.checks - self.failures) / self.checks if self.checks else 100.0


def health_history(hours: int = 24) -> list[HealthHistory]:
    """Every (platform, module) checked in the last ``hours``, with its hourly figures: one
    query, aggregated in the database."""
    since = timezone.now() - timedelta(hours=hours)
    rows = (
        HealthSample.objects.filter(checked_at__gte=since)
        .annotate(hour=TruncHour("checked_at"))
        .values("platform_id", "module_code", "hour")
        .annotate(total=Count("id"), failed=Count("id", filter=Q(ok=False)))
        .order_by("platform_id", "module_code", "hour")
    )
    found: dict[tuple[int, str], HealthHistory] = {}
    for row in rows:
        key = (row["platform_id"], row["module_code"])
        history = found.setdefault(key, HealthHistory(*key))
        history.hours.append((row["hour"], row["total"], row["failed"]))
    return list(found.values())
