"""Staged rows of imports over for longer than MARKETPLACE_STAGED_RETENTION_DAYS are deleted
(the daily ``marketplace.purge_staged``), but the last published row of each SKU, which staging
compares image addresses with; jobs and their figures stay, and the job page says so."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.marketplace import tasks
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import publishing, retention, staging
from orion_core.modules.registry import get_registry
from tests.modules.marketplace.conftest import make_job

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def feed(rows: list[tuple[str, str]]) -> bytes:
    lines = ["sku,title,price,image_urls"]
    lines += [f"{sku},Product {sku},9.90,{url}" for sku, url in rows]
    return "\n".join(lines).encode()


def ended(job: ImportJob, days_ago: int) -> ImportJob:
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(
            finished_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    job.refresh_from_db()
    return job


def rows_of(job: ImportJob) -> dict[str, bool]:
    """SKU → published, of the job's staged rows still there."""
    with scopes_disabled():
        return dict(StagedProduct.objects.filter(job=job).values_list("sku", "published"))


def test_old_rows_go_but_the_last_published_row_of_each_sku(shop, other_shop, settings):
    settings.MARKETPLACE_STAGED_RETENTION_DAYS = 30
    image = "https://images.example.com/a.jpg"
    # January: A and B published; February: A published again, C an error row.
    january = ended(
        publishing.publish(staging.stage(make_job(shop, feed([("A-1", image), ("B-2", "")])))), 60
    )
    february = publishing.publish(
        staging.stage(
            make_job(shop, feed([("A-1", "https://images.example.com/b.jpg"), ("C-3!", "")]))
        )
    )
    february = ended(february, 40)
    theirs = ended(
        publishing.publish(staging.stage(make_job(other_shop, feed([("A-1", image)])))), 60
    )
    recent = ended(publishing.publish(staging.stage(make_job(shop, feed([("D-4", "")])))), 5)
    failed = ended(staging.fail(staging.stage(make_job(shop, feed([("E-5", "")]))), "broken"), 90)
    review = staging.stage(make_job(shop, feed([("F-6", "")])))  # staged, waiting: never purged

    deleted = tasks.purge_staged()

    assert rows_of(january) == {"B-2": True}  # A-1's last published row is February's
    assert rows_of(february) == {"A-1": True}  # the error row went
    assert rows_of(theirs) == {"A-1": True}  # another vendor's SKU is its own
    assert rows_of(recent) == {"D-4": True}
    assert rows_of(review) == {"F-6": False}
    assert deleted == 2
    with scopes_disabled():
        assert ImportJob.objects.filter(pk__in=[january.pk, february.pk, failed.pk]).count() == 3
    assert tasks.purge_staged() == 0  # again: nothing left to do

    # What stays is what staging compares with: the same images are still no change.
    again = staging.stage(make_job(shop, feed([("A-1", "https://images.example.com/b.jpg")])))
    assert (again.changed_count, again.unchanged_count) == (0, 1)


def test_the_job_page_says_the_rows_are_gone(client_of, modules_on, shop, settings):
    settings.MARKETPLACE_STAGED_RETENTION_DAYS = 30
    job = publishing.publish(staging.stage(make_job(shop, feed([("A-1", "")]))))
    page = client_of("viewer").get(f"/vendor/shop-a/marketplace/imports/{job.pk}/")
    assert "its rows were deleted" not in page.content.decode()

    ended(job, 31)
    assert retention.purged(job)
    page = client_of("viewer").get(f"/vendor/shop-a/marketplace/imports/{job.pk}/")
    assert "ended more than 30 days ago: its rows were deleted" in page.content.decode()


def test_the_purge_runs_daily():
    declared = {task.task: task for task in get_registry().get("marketplace").scheduled_tasks}
    assert declared["marketplace.purge_staged"].schedule == "50 3 * * *"
    assert not declared["marketplace.purge_staged"].per_platform
