"""Feeds a vendor configures: the portal's form (refusals save nothing), another vendor's feed
out of reach, "Import now", the scheduled sync (due feeds only, one job per feed at a time,
platforms with marketplace off left alone, idempotent), publishing without review when the
import is clean, and ``manage.py marketplace sync-feeds``."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.catalog.models import Product
from modules.marketplace import tasks
from modules.marketplace.factories import FeedFactory, ImportJobFactory
from modules.marketplace.models import Feed, ImportJob
from modules.marketplace.services import syncing
from modules.tenancy.models import Vendor, VendorPlatform
from orion_core.tasks import SKIPPED
from orion_core.testing import override_module
from tests.modules.marketplace.conftest import LoopbackHandler, sample, serving

pytestmark = pytest.mark.django_db

BASE = "/vendor/shop-a/marketplace/"
CLEAN_CSV = b"sku,title,price,quantity\nFEED-1,Feed product,9.90,3\nFEED-2,Other product,4.50,1\n"


class FeedHandler(LoopbackHandler):
    """``/clean.csv`` has no error rows; anything else is products.csv (5 rows of 10 wrong)."""

    def do_GET(self):  # noqa: N802 - http.server's name
        body = CLEAN_CSV if self.path.endswith("/clean.csv") else sample("products.csv")
        self.answer(body, "text/csv; charset=utf-8")


@pytest.fixture
def feed_server():
    with serving(FeedHandler) as url:
        yield url


@pytest.fixture
def manager(client_of, modules_on):
    return client_of("manager")


@pytest.fixture
def viewer(client_of, modules_on):
    return client_of("viewer")


NOTHING = {"started": 0, "requeued": 0, "busy": 0}


def feeds_of(vendor) -> list[Feed]:
    with scopes_disabled():
        return list(Feed.objects.filter(vendor=vendor))


def jobs_of(vendor) -> list[ImportJob]:
    with scopes_disabled():
        return list(ImportJob.objects.filter(vendor=vendor))


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


FEED = {"name": "Wines", "url": "https://feeds.example.com/wines.csv", "format": "csv"}


# The portal's form


def test_a_manager_adds_a_feed_shown_on_the_imports_page(manager, shop, platform):
    response = manager.post(
        f"{BASE}feeds/new/", {**FEED, "sync_every": "daily", "auto_publish": "on", "enabled": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}imports/"
    [feed] = feeds_of(shop)
    assert (feed.url, feed.sync_every, feed.auto_publish, feed.enabled) == (
        FEED["url"],
        "daily",
        True,
        True,
    )
    assert feed.platform == platform
    assert feed.created_by is not None
    page = manager.get(f"{BASE}imports/").content.decode()
    assert FEED["url"] in page
    assert f'action="{BASE}feeds/{feed.pk}/import/"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**FEED, "url": "ftp://feeds.example.com/wines.csv"}, "url", "http:// or https://"),
        ({**FEED, "url": "not a url at all"}, "url", "Enter a valid URL."),
        ({**FEED, "name": ""}, "name", "This field is required."),
        ({**FEED, "url": ""}, "url", "This field is required."),
        ({**FEED, "format": "xml"}, "format", "Select a valid choice."),
        ({**FEED, "sync_every": "hourly"}, "sync_every", "Select a valid choice."),
    ],
)
def test_a_bad_feed_is_refused_with_the_field_error_and_nothing_saved(
    manager, shop, data, field, message
):
    data.setdefault("sync_every", "off")

    response = manager.post(f"{BASE}feeds/new/", data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert feeds_of(shop) == []


def test_a_second_feed_at_the_same_address_is_refused(manager, shop, other_shop):
    mine = FeedFactory(vendor=shop, url=FEED["url"], name="Mine")
    FeedFactory(vendor=other_shop, url="https://feeds.example.com/other.csv")

    response = manager.post(f"{BASE}feeds/new/", {**FEED, "sync_every": "off"})

    assert response.status_code == 400
    assert response.context["form"].errors["url"] == ["You already have a feed at this address."]
    assert feeds_of(shop) == [mine]
    # Another vendor's address is free; editing a feed keeps its own address.
    other = {**FEED, "url": "https://feeds.example.com/other.csv", "sync_every": "off"}
    assert manager.post(f"{BASE}feeds/new/", other).status_code == 302
    edit = manager.post(
        f"{BASE}feeds/{mine.pk}/", {**FEED, "name": "Renamed", "sync_every": "weekly"}
    )
    assert edit.status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.sync_every) == ("Renamed", "weekly")


def test_a_failed_edit_changes_nothing(manager, shop):
    feed = FeedFactory(vendor=shop, url=FEED["url"], name="Wines")

    response = manager.post(f"{BASE}feeds/{feed.pk}/", {**FEED, "url": "ftp://x.example.com/"})

    assert response.status_code == 400
    feed.refresh_from_db()
    assert (feed.name, feed.url) == ("Wines", FEED["url"])


def test_a_viewer_sees_the_feeds_but_may_not_change_them(viewer, shop):
    feed = FeedFactory(vendor=shop, name="Wines")

    page = viewer.get(f"{BASE}imports/").content.decode()

    assert feed.url in page
    assert "feeds/new/" not in page
    assert viewer.post(f"{BASE}feeds/new/", {**FEED, "sync_every": "off"}).status_code == 403
    assert viewer.post(f"{BASE}feeds/{feed.pk}/delete/").status_code == 403
    assert viewer.post(f"{BASE}feeds/{feed.pk}/import/").status_code == 403
    assert feeds_of(shop) == [feed]
    assert jobs_of(shop) == []


def test_another_vendors_feed_is_not_found(manager, shop, other_shop):
    theirs = FeedFactory(vendor=other_shop, name="Theirs")
    url = f"{BASE}feeds/{theirs.pk}/"

    assert manager.get(url).status_code == 404
    assert manager.post(url, {**FEED, "sync_every": "off"}).status_code == 404
    assert manager.post(f"{url}delete/").status_code == 404
    assert manager.post(f"{url}import/").status_code == 404
    assert theirs.url not in manager.get(f"{BASE}imports/").content.decode()
    [kept] = feeds_of(other_shop)
    assert (kept.name, kept.url, kept.last_job) == ("Theirs", theirs.url, None)
    assert jobs_of(other_shop) == []


def test_deleting_a_feed_keeps_its_jobs(manager, shop):
    feed = FeedFactory(vendor=shop)
    job = ImportJobFactory(vendor=shop, feed=feed)

    response = manager.post(f"{BASE}feeds/{feed.pk}/delete/")

    assert response.status_code == 302
    assert feeds_of(shop) == []
    assert [(j.pk, j.feed) for j in jobs_of(shop)] == [(job.pk, None)]


# Import now


def test_import_now_creates_a_job_that_stages(
    manager, shop, feed_server, django_capture_on_commit_callbacks
):
    feed = FeedFactory(vendor=shop, url=f"{feed_server}/products.csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{BASE}feeds/{feed.pk}/import/")

    [job] = jobs_of(shop)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}imports/{job.pk}/"
    assert (job.status, job.source, job.feed_url, job.feed) == ("staged", "url", feed.url, feed)
    assert (job.total_rows, job.error_rows) == (10, 5)
    assert job.created_by is not None
    feed.refresh_from_db()
    assert feed.last_job == job
    assert feed.last_synced_at is not None


def test_import_now_refuses_while_the_last_import_runs(manager, shop):
    feed = FeedFactory(vendor=shop)
    running = ImportJobFactory(vendor=shop, feed=feed, status=ImportJob.Status.RUNNING)
    Feed.objects.with_scopes_disabled().filter(pk=feed.pk).update(last_job=running)

    response = manager.post(f"{BASE}feeds/{feed.pk}/import/", follow=True)

    assert "already being imported" in response.content.decode()
    assert jobs_of(shop) == [running]


# The schedule


def test_the_sync_imports_the_due_feeds_only(shop, platform, modules_on, feed_server):
    url = f"{feed_server}/feeds/{{}}.csv"
    due = [
        FeedFactory(vendor=shop, url=url.format("new-daily")),
        FeedFactory(vendor=shop, url=url.format("old-daily"), last_synced_at=ago(hours=24)),
        FeedFactory(
            vendor=shop,
            url=url.format("old-weekly"),
            sync_every="weekly",
            last_synced_at=ago(days=7),
        ),
    ]
    FeedFactory(vendor=shop, url=url.format("recent"), last_synced_at=ago(hours=20))
    FeedFactory(
        vendor=shop, url=url.format("weekly"), sync_every="weekly", last_synced_at=ago(days=2)
    )
    FeedFactory(vendor=shop, url=url.format("by-hand"), sync_every="off")
    FeedFactory(vendor=shop, url=url.format("disabled"), enabled=False)

    result = tasks.sync_feeds(platform_id=platform.pk)

    assert result == {"started": 3, "requeued": 0, "busy": 0}
    jobs = {job.feed_id: job for job in jobs_of(shop)}
    assert set(jobs) == {feed.pk for feed in due}
    assert {job.status for job in jobs.values()} == {"staged"}  # queued, run eagerly
    for feed in due:
        feed.refresh_from_db()
        assert feed.last_job == jobs[feed.pk]


def test_the_sync_skips_a_feed_whose_job_is_running(shop, platform, modules_on):
    feed = FeedFactory(vendor=shop, last_synced_at=ago(days=2))
    running = ImportJobFactory(vendor=shop, feed=feed, status=ImportJob.Status.RUNNING)
    Feed.objects.with_scopes_disabled().filter(pk=feed.pk).update(last_job=running)

    assert tasks.sync_feeds(platform_id=platform.pk) == {"started": 0, "requeued": 0, "busy": 1}
    assert jobs_of(shop) == [running]


def test_the_sync_leaves_platforms_without_marketplace_and_inactive_vendors_alone(
    shop, platform, other_platform, other_shop
):
    off = FeedFactory(vendor=shop, platform=platform)
    with (
        override_module(other_platform, "catalog"),
        override_module(other_platform, "inventory"),
        override_module(other_platform, "marketplace"),
    ):
        VendorPlatform.objects.with_scopes_disabled().create(
            vendor=other_shop, platform=other_platform, status=Vendor.Status.PENDING
        )
        FeedFactory(vendor=shop, platform=other_platform)  # shop does not sell there
        FeedFactory(vendor=other_shop, platform=other_platform)  # pending there

        assert tasks.sync_feeds(platform_id=platform.pk) == SKIPPED
        assert tasks.sync_feeds(platform_id=other_platform.pk) == NOTHING

    assert jobs_of(shop) == jobs_of(other_shop) == []
    off.refresh_from_db()
    assert off.last_synced_at is None


def pending_since(feed: Feed, since: datetime.datetime) -> ImportJob:
    """A pending job of ``feed`` (its last), created at ``since``: as if queued then."""
    job = ImportJobFactory(
        vendor=feed.vendor,
        feed=feed,
        source="url",
        feed_url=feed.url,
        file="",  # as jobs.create_url_job leaves it: fetched when the job runs
        status="pending",
        total_rows=None,
        rows_done=0,
        checkpoint=0,
        new_count=0,
    )
    ImportJob.objects.with_scopes_disabled().filter(pk=job.pk).update(created_at=since)
    Feed.objects.with_scopes_disabled().filter(pk=feed.pk).update(last_job=job)
    return job


def test_a_job_whose_message_was_lost_is_queued_again_not_duplicated(
    shop, platform, modules_on, feed_server
):
    lost = pending_since(
        FeedFactory(vendor=shop, url=f"{feed_server}/a.csv", last_synced_at=ago(days=2)),
        ago(hours=2),
    )
    waiting = pending_since(
        FeedFactory(vendor=shop, url=f"{feed_server}/b.csv", last_synced_at=ago(days=2)),
        ago(minutes=10),  # a worker may still take it
    )

    result = tasks.sync_feeds(platform_id=platform.pk)

    assert result == {"started": 0, "requeued": 1, "busy": 1}
    assert jobs_of(shop) == [waiting, lost]  # no new job
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert (lost.status, lost.total_rows, waiting.status) == ("staged", 10, "pending")


def test_import_now_queues_a_lost_job_again(
    manager, shop, feed_server, django_capture_on_commit_callbacks
):
    feed = FeedFactory(vendor=shop, url=f"{feed_server}/products.csv")
    lost = pending_since(feed, ago(hours=3))

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{BASE}feeds/{feed.pk}/import/")

    assert response["Location"] == f"{BASE}imports/{lost.pk}/"
    assert jobs_of(shop) == [lost]
    lost.refresh_from_db()
    assert lost.status == "staged"


def test_syncing_twice_creates_one_job(shop, platform, modules_on):
    feed = FeedFactory(vendor=shop, url="http://127.0.0.1:9/feed.csv")  # refused at once

    first = tasks.sync_feeds(platform_id=platform.pk)
    second = tasks.sync_feeds(platform_id=platform.pk)

    assert (first, second) == ({"started": 1, "requeued": 0, "busy": 0}, NOTHING)
    [job] = jobs_of(shop)
    assert (job.feed, job.status) == (feed, "failed")  # ended: not in flight, just not due
    assert syncing.sync(platform.pk).started == []


# Publishing without review


def test_a_clean_import_of_an_auto_publish_feed_is_published(
    shop, platform, modules_on, feed_server
):
    FeedFactory(vendor=shop, url=f"{feed_server}/clean.csv", auto_publish=True)

    tasks.sync_feeds(platform_id=platform.pk)

    [job] = jobs_of(shop)
    assert (job.status, job.error_rows, job.created_products) == ("published", 0, 2)
    with scopes_disabled():
        assert set(Product.objects.filter(vendor=shop).values_list("sku", flat=True)) == {
            "FEED-1",
            "FEED-2",
        }


@pytest.mark.parametrize(("path", "auto_publish"), [("/products.csv", True), ("/clean.csv", False)])
def test_an_import_with_errors_or_without_auto_publish_waits_for_review(
    shop, platform, modules_on, feed_server, path, auto_publish
):
    FeedFactory(vendor=shop, url=f"{feed_server}{path}", auto_publish=auto_publish)

    tasks.sync_feeds(platform_id=platform.pk)

    [job] = jobs_of(shop)
    assert job.status == "staged"
    with scopes_disabled():
        assert not Product.objects.filter(vendor=shop).exists()


# The command


def test_the_command_lists_due_feeds_on_a_dry_run_and_imports_them_otherwise(
    shop, other_shop, platform, modules_on
):
    feed = FeedFactory(vendor=shop, url="http://127.0.0.1:9/a.csv")
    FeedFactory(vendor=other_shop, url="http://127.0.0.1:9/b.csv")
    out = io.StringIO()

    call_command("marketplace", "sync-feeds", "--vendor", "shop-a", "--dry-run", stdout=out)

    assert out.getvalue() == f"Due: feed {feed.pk} {feed.url} (shop-a)\n"
    assert jobs_of(shop) == []
    call_command("marketplace", "sync-feeds", "--vendor", "shop-a", stdout=io.StringIO())
    assert [job.feed for job in jobs_of(shop)] == [feed]
    assert jobs_of(other_shop) == []
    # A job whose message was lost is queued again, and said so.
    lost = pending_since(feed, ago(hours=2))
    Feed.objects.with_scopes_disabled().filter(pk=feed.pk).update(last_synced_at=ago(days=2))
    out = io.StringIO()
    call_command("marketplace", "sync-feeds", "--vendor", "shop-a", stdout=out)
    assert f"Import job {lost.pk} queued again (pending since " in out.getvalue()
    assert len(jobs_of(shop)) == 2
