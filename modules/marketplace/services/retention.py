"""How long staged rows are kept once their import is over.

Every import writes a staged row per feed row; a feed synced daily writes its whole catalogue
again every day. Once a job is over (published, failed or cancelled) for longer than
``MARKETPLACE_STAGED_RETENTION_DAYS``, its rows go; the job itself stays, with its counts, in
the vendor's list of imports. One row of each SKU outlives that: the last one published, whose
image addresses staging compares a new row with (``staging._compare``), so a purge never makes a
whole catalogue "changed" again.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob, StagedProduct

log = logging.getLogger(__name__)

OVER = (ImportJob.Status.PUBLISHED, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED)


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.MARKETPLACE_STAGED_RETENTION_DAYS)


def purged(job: ImportJob, now: Any = None) -> bool:
    """Whether ``job``'s rows are past the retention (gone, but the last published ones)."""
    return (
        job.status in OVER
        and job.finished_at is not None
        and job.finished_at < (now or timezone.now()) - retention()
    )


def purge_staged(now: Any = None) -> int:
    """Delete the staged rows of every job over for longer than the retention, but the last
    published row of each SKU; how many rows went. One transaction per job: a purge
    interrupted half-way leaves whole jobs, and the next run goes on."""
    cutoff = (now or timezone.now()) - retention()
    deleted = 0
    with scopes_disabled():
        jobs = ImportJob.objects.filter(status__in=OVER, finished_at__lt=cutoff)
        for job_id in jobs.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                deleted += _purge_job(job_id)
    if deleted:
        log.info("Purged %s staged rows of imports over before %s", deleted, cutoff)
    return deleted


def _purge_job(job_id: int) -> int:
    newer = StagedProduct.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        sku=OuterRef("sku"),
        published=True,
        job_id__gt=OuterRef("job_id"),
    )
    last_published = Q(published=True) & ~Exists(newer)
    count, _by_model = StagedProduct.objects.filter(job_id=job_id).exclude(last_published).delete()
    return count
