"""Starting and running import jobs: what the Celery task, the command and the portal share."""

from __future__ import annotations

import pathlib
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django_scopes import scope

from modules.marketplace.models import ImportJob
from modules.marketplace.services import fetching, staging, stats
from modules.marketplace.services.feeds import FeedError
from orion_core.domain_events import import_finished

FORMATS = {".csv": ImportJob.Format.CSV, ".json": ImportJob.Format.JSON}


def format_of(name: str) -> str | None:
    """The feed format a file's name says (``.csv`` or ``.json``), or None."""
    return FORMATS.get(pathlib.PurePath(name).suffix.lower())


def create_upload_job(
    vendor: Any, upload: IO[bytes], name: str, *, platform: Any = None, user: Any = None
) -> ImportJob:
    """A pending job for the uploaded file ``upload`` called ``name`` (kept in private storage).
    The caller checked the format (``format_of``)."""
    with scope(vendor=vendor.pk):
        job = ImportJob(
            vendor=vendor,
            platform=platform,
            source=ImportJob.Source.UPLOAD,
            format=format_of(name) or ImportJob.Format.CSV,
            file_name=pathlib.PurePath(name).name[:255],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        job.file.save(job.file_name, File(upload, name=job.file_name), save=False)
        job.save()
    stats.jobs_changed(vendor.pk)
    return job


def create_url_job(
    vendor: Any,
    url: str,
    fmt: str,
    *,
    platform: Any = None,
    user: Any = None,
    feed: Any = None,
) -> ImportJob:
    """A pending job reading the feed at ``url`` (``fmt``: csv or json) when it runs; ``feed``
    is the configured ``Feed`` it imports, if any."""
    with scope(vendor=vendor.pk):
        job = ImportJob.objects.create(
            vendor=vendor,
            platform=platform,
            source=ImportJob.Source.URL,
            feed_url=url,
            format=fmt,
            feed=feed,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
    stats.jobs_changed(vendor.pk)
    return job


def run(job: ImportJob, *, progress: staging.Progress | None = None) -> ImportJob:
    """Stage ``job`` (from its checkpoint on; a feed URL is fetched first, once) and tell
    ``import_finished`` if it failed."""
    if job.source == ImportJob.Source.URL and not job.file:
        try:
            with scope(vendor=job.vendor_id):
                fetching.fetch(job)
        except FeedError as exc:
            job = staging.fail(job, str(exc))
            announce(job)
            return job
    job = staging.stage(job, progress=progress)
    if job.status == ImportJob.Status.FAILED:
        announce(job)
    return job


def request_cancel(job: ImportJob) -> bool:
    """Ask a pending or running job to stop (it does between two batches); a pending one stops
    at once. False when the job is past the point of cancelling."""
    with transaction.atomic(), scope(vendor=job.vendor_id):
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (
            ImportJob.Status.PENDING,
            ImportJob.Status.RUNNING,
            ImportJob.Status.STAGED,
        ):
            return False
        locked.cancel_requested = True
        fields = ["cancel_requested"]
        if locked.status != ImportJob.Status.RUNNING:
            locked.status = ImportJob.Status.CANCELLED
            fields.append("status")
        locked.save(update_fields=fields)
        stats.jobs_changed(job.vendor_id)
    job.refresh_from_db()
    return True


def announce(job: ImportJob) -> None:
    """Send ``import_finished`` for a job that ended (published or failed)."""
    import_finished.send_on_commit(
        "marketplace",
        platform_id=job.platform_id,
        vendor_id=job.vendor_id,
        job_id=job.pk,
        source=job.source_name,
        created=job.created_products,
        updated=job.updated_products,
        errors=job.error_rows,
        status="completed" if job.status == ImportJob.Status.PUBLISHED else "failed",
    )
