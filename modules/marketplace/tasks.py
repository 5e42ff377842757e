"""Marketplace's Celery tasks (autodiscovered)."""

from __future__ import annotations

from celery import shared_task
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob
from modules.marketplace.services import jobs, publishing


@shared_task(name="marketplace.run_import", acks_late=True)
def run_import(job_id: int) -> str:
    """Stage import job ``job_id``. Acknowledged only once done: a worker killed half-way
    leaves the message to another, which resumes at the job's checkpoint (batches already
    committed are not staged again). Returns the job's status."""
    with scopes_disabled():
        job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return jobs.run(job).status


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
