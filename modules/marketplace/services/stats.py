"""Figures of the imports for the dashboards, cached in the shared cache.

``STATS_SCOPE`` (every platform's figures) and ``jobs_scope(vendor_id)`` (a vendor's recent
jobs) are bumped by ``jobs_changed`` once a job is created or ends a phase (staged, failed,
cancelled, published); a running job's progress is not a dashboard's business.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob
from orion_core import shared_cache

STATS_SCOPE = "marketplace:stats"
RECENT = 5


def jobs_scope(vendor_id: int) -> str:
    return f"marketplace:jobs:{vendor_id}"


def jobs_changed(vendor_id: int) -> None:
    """What a job of ``vendor_id`` changing phase says, once it commits."""
    shared_cache.bump_on_commit(STATS_SCOPE, jobs_scope(vendor_id))


@dataclasses.dataclass(frozen=True)
class Figures:
    imports: int
    rows: int
    errors: int

    @property
    def error_rate(self) -> float:
        """Percent of the rows read that had errors, one decimal."""
        return round(100 * self.errors / self.rows, 1) if self.rows else 0.0


def platform_figures(platform: Any) -> Figures:
    """Imports of the platform's vendors in the last seven days: jobs, rows read, rows in error."""

    def load() -> Figures:
        since = timezone.now() - datetime.timedelta(days=7)
        with scopes_disabled():
            found = ImportJob.objects.filter(
                Q(vendor__platforms__platform=platform), created_at__gte=since
            ).aggregate(imports=Count("pk"), rows=Sum("rows_done"), errors=Sum("error_rows"))
        return Figures(found["imports"], found["rows"] or 0, found["errors"] or 0)

    return shared_cache.get_or_load(
        f"orion:marketplace:figures:{platform.pk}", load, scope=STATS_SCOPE
    )


def recent_jobs(vendor_id: int) -> list[dict[str, Any]]:
    """The vendor's latest jobs, as plain values for its dashboard widget."""

    def load() -> list[dict[str, Any]]:
        with scopes_disabled():
            jobs = ImportJob.objects.filter(vendor_id=vendor_id)[:RECENT]
            return [
                {
                    "pk": job.pk,
                    "name": job.source_name,
                    "status": job.get_status_display(),
                    "rows": job.rows_done,
                    "errors": job.error_rows,
                    "created_at": job.created_at,
                }
                for job in jobs
            ]

    return shared_cache.get_or_load(
        f"orion:marketplace:recent:{vendor_id}", load, scope=jobs_scope(vendor_id)
    )
