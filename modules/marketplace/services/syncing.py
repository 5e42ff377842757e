"""Importing the feeds vendors configured: "Import now" on the portal and the scheduled sync.

A feed's import is an ordinary URL job (``jobs.create_url_job``) that remembers its feed; the
caller queues ``run_import`` for it (after the transaction commits). A feed has at most one
job in flight: while its last job is pending or running, it is not imported again.

A job stays pending only until a worker takes its message. One still pending after
``STALE_PENDING`` lost its message (the broker was down when it was queued, or lost it): rather
than keep its feed busy for ever, "Import now" and the schedule queue that same job again.
Running a job twice is safe (its batches are idempotent, as for a redelivered task), so a
message that was only slow costs a second, empty run.

The schedule (``marketplace.sync_feeds``, hourly per platform with marketplace on) imports
every enabled feed whose interval (``Feed.sync_every``) has passed since its last import, for
vendors active on the platform. Each feed is locked while its job is created and its
``last_synced_at`` moves on in the same transaction, so a second run, even concurrent, finds it
not due (or locked, and skips it): running the sync twice creates one job.

After staging, the ``run_import`` task calls ``publish_if_clean``: a feed with
``auto_publish`` has a job without error rows published at once; anything else waits in
staging for the vendor's review.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from modules.marketplace.models import Feed, ImportJob
from modules.marketplace.services import jobs, publishing
from modules.tenancy.models import Vendor, VendorPlatform

IN_FLIGHT = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
# The hourly run starts a little early or late; without slack a daily feed imported at
# 03:20:05 would wait until 04:20 the next day, and drift an hour later every day.
SLACK = datetime.timedelta(minutes=10)
# How long a job may wait for a worker before its message counts as lost (module docstring).
STALE_PENDING = datetime.timedelta(hours=1)


class FeedBusy(Exception):  # noqa: N818
    """The feed's last import is still pending or running."""


@dataclass
class SyncResult:
    """What one sync did: the jobs it created and the stale pending jobs it took up again
    (both to queue), and the due feeds it left alone because their last job has not ended. On
    a dry run, ``due`` lists what it would import."""

    started: list[ImportJob] = field(default_factory=list)
    requeued: list[ImportJob] = field(default_factory=list)
    busy: list[Feed] = field(default_factory=list)
    due: list[Feed] = field(default_factory=list)


def in_flight(feed: Feed) -> bool:
    """Whether the feed's last job is still pending or running."""
    return _in_flight_job(feed) is not None


def _in_flight_job(feed: Feed) -> ImportJob | None:
    if feed.last_job_id is None:
        return None
    with scope(vendor=feed.vendor_id):
        return ImportJob.objects.filter(pk=feed.last_job_id, status__in=IN_FLIGHT).first()


def _lost(job: ImportJob) -> bool:
    """Whether ``job`` has waited for a worker so long that its message must be lost."""
    return job.status == ImportJob.Status.PENDING and (
        job.created_at <= timezone.now() - STALE_PENDING
    )


def start(feed: Feed, *, user: Any = None) -> ImportJob:
    """A pending job importing ``feed`` now (a new one, or its last one whose message was
    lost), or ``FeedBusy``. The caller queues it."""
    with transaction.atomic(), scope(vendor=feed.vendor_id):
        feeds = Feed.objects.select_for_update(of=("self",)).select_related("vendor")
        job = _start(feeds.get(pk=feed.pk), user)
    feed.refresh_from_db()
    return job


def _start(feed: Feed, user: Any = None) -> ImportJob:
    last = _in_flight_job(feed)
    if last is not None:
        if _lost(last):
            return last
        raise FeedBusy(feed.pk)
    job = jobs.create_url_job(
        feed.vendor, feed.url, feed.format, platform=feed.platform, user=user, feed=feed
    )
    feed.last_job = job
    feed.last_synced_at = timezone.now()
    feed.save(update_fields=["last_job", "last_synced_at", "updated_at"])
    return job


def due_feeds(
    platform_id: int, *, now: datetime.datetime | None = None, vendor: Vendor | None = None
) -> QuerySet[Feed]:
    """The platform's enabled, scheduled feeds whose interval has passed, of vendors active
    there (across vendors: the caller disables the scope)."""
    now = now or timezone.now()
    never = Q(last_synced_at__isnull=True)
    for every, interval in Feed.INTERVALS.items():
        never |= Q(sync_every=every, last_synced_at__lte=now - interval + SLACK)
    active = VendorPlatform.objects.filter(
        platform_id=platform_id, status=Vendor.Status.ACTIVE
    ).values("vendor_id")
    feeds = Feed.objects.filter(
        never,
        platform_id=platform_id,
        enabled=True,
        sync_every__in=list(Feed.INTERVALS),
        vendor_id__in=active,
        vendor__status=Vendor.Status.ACTIVE,
    )
    return feeds.filter(vendor=vendor) if vendor else feeds


def sync(
    platform_id: int,
    *,
    vendor: Vendor | None = None,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> SyncResult:
    """Create a job for each of the platform's due feeds that has none in flight (see the
    module's docstring). The caller queues ``result.started``; ``dry_run`` creates nothing."""
    result = SyncResult()
    with scopes_disabled():
        ids = list(due_feeds(platform_id, now=now, vendor=vendor).values_list("pk", flat=True))
        for pk in ids:
            with transaction.atomic():
                due = due_feeds(platform_id, now=now)
                due = due.select_for_update(skip_locked=True, of=("self",))
                feed = due.select_related("vendor").filter(pk=pk).first()
                if feed is None:  # another run has it, or has just imported it
                    continue
                last = _in_flight_job(feed)
                if last is not None and not _lost(last):
                    result.busy.append(feed)
                elif dry_run:
                    result.due.append(feed)
                elif last is not None:
                    result.requeued.append(last)
                else:
                    result.started.append(_start(feed))
    return result


def publish_if_clean(job: ImportJob) -> ImportJob:
    """Publish ``job`` if it is staged without error rows and its feed publishes without
    review; else leave it staged for the vendor. Returns the job."""
    if job.status != ImportJob.Status.STAGED or job.error_rows or job.feed_id is None:
        return job
    with scope(vendor=job.vendor_id):
        if not Feed.objects.filter(pk=job.feed_id, auto_publish=True).exists():
            return job
    try:
        return publishing.publish(job)
    except publishing.NotPublishable:  # cancelled meanwhile
        job.refresh_from_db()
        return job
