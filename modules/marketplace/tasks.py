"""Marketplace's Celery tasks (autodiscovered)."""

from __future__ import annotations

from celery import shared_task
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob
from modules.marketplace.services import images, jobs, publishing, retention, syncing
from orion_core.tasks import PlatformTask


@shared_task(name="marketplace.run_import", acks_late=True)
def run_import(job_id: int) -> str:
    """Stage import job ``job_id``. Acknowledged only once done: a worker killed half-way
    leaves the message to another, which resumes at the job's checkpoint (batches already
    committed are not staged again). A feed's job staged without error rows is then
    published if its feed says so (``syncing.publish_if_clean``). Returns the job's status."""
    with scopes_disabled():
        job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return syncing.publish_if_clean(jobs.run(job)).status


@shared_task(name="marketplace.publish_import", acks_late=True)
def publish_import(job_id: int) -> str:
    """Publish import job ``job_id``'s rows marked publish. Each batch commits with its rows'
    published flags, so a redelivery after a crash publishes only the rest."""
    with scopes_disabled():
        job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    try:
        return publishing.publish(job).status
    except publishing.NotPublishable:  # not staged (cancelled meanwhile, or still running)
        return job.status


@shared_task(name="marketplace.sync_feeds", base=PlatformTask, module="marketplace", acks_late=True)
def sync_feeds(*, platform_id: int) -> dict[str, int]:
    """Import the platform's feeds that are due (hourly, see apps.py): a job each, queued; a
    due feed's job whose message was lost is queued again. Idempotent: a feed imported moments
    ago is not due, one with a job in flight is skipped."""
    result = syncing.sync(platform_id)
    for job in [*result.started, *result.requeued]:
        run_import.delay(job.pk)
    return {
        "started": len(result.started),
        "requeued": len(result.requeued),
        "busy": len(result.busy),
    }


@shared_task(name="marketplace.fetch_images", acks_late=True)
def fetch_images(job_id: int) -> str:
    """Download and attach the images of import job ``job_id``'s published products (queued
    by publishing once it commits). Safe to run again: an image a product shows already is
    not attached twice. Returns what it did."""
    with scopes_disabled():
        job = ImportJob.objects.filter(pk=job_id).select_related("vendor", "platform").first()
    if job is None:
        return "missing"
    done = images.fetch_images(job)
    return f"{done.attached} attached, {done.present} present, {done.failed} failed"


@shared_task(name="marketplace.purge_staged", acks_late=True)
def purge_staged() -> int:
    """Delete the staged rows of imports over for ``MARKETPLACE_STAGED_RETENTION_DAYS`` (the
    last published row of each SKU stays); how many went. Daily, for every platform at once."""
    return retention.purge_staged()
