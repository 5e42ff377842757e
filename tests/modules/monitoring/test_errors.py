"""Recent application errors: the logging handler keeps ERROR records (a view's exception with
its request, a task's failure with the task) grouped by fingerprint, survives rolled-back and
broken transactions and an unreachable database, the daily task purges what is older than the
retention, and staff read them on the "Errors" pages."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from celery import shared_task
from celery.utils.log import get_task_logger
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone

from config import urls as project_urls
from config.celery import app as celery_app
from modules.monitoring.errors import REPEAT_WINDOW
from modules.monitoring.factories import ErrorRecordFactory
from modules.monitoring.log_handler import ErrorRecordHandler, own_connection
from modules.monitoring.models import ErrorRecord
from modules.monitoring.tasks import purge_error_records
from modules.monitoring.views.staff import ErrorsView
from modules.tenancy.factories import MembershipFactory
from orion_core.models import Platform
from orion_core.testing import override_module

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
HOST = "acme.test"
logger = logging.getLogger("tests.monitoring.errors")


def boom(request: HttpRequest):
    """A view of this test only: loads the user, then fails."""
    assert request.user.is_authenticated is not None
    raise ValueError("boom in a view")


def boom_in_atomic(request: HttpRequest):
    """Fails inside an atomic block after writing: the block is rolled back first."""
    with transaction.atomic():
        Platform.objects.create(code="rolled-back", name="Rolled back")
        raise KeyError("boom in an atomic block")


urlpatterns = [
    path("boom/", boom),
    path("boom-atomic/", boom_in_atomic),
    *project_urls.urlpatterns,
]


@shared_task(name="tests.monitoring.failing")
def failing() -> None:
    raise RuntimeError("task failed")


def log_the_same_error() -> None:
    try:
        {}["missing"]
    except KeyError:
        logger.exception("Lookup failed for %s", "a key")


@pytest.fixture
def staff_client(platform, staff_user):
    with override_module(platform, "monitoring", enabled=True):
        client = Client(HTTP_HOST=HOST)
        client.force_login(staff_user)
        yield client


# --- recording ----------------------------------------------------------------------------


def test_a_failing_view_is_recorded_with_its_request_and_traceback(platform, user):
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    client.force_login(user)
    client.cookies["x"] = "private"
    assert client.get("/boom/?token=secret").status_code == 500

    record = ErrorRecord.objects.get(exception_type="ValueError")
    assert (record.level, record.logger_name) == ("ERROR", "django.request")
    assert (record.request_method, record.request_path) == ("GET", "/boom/")
    assert (record.request_host, record.platform_code, record.user_id) == (HOST, "acme", user.pk)
    assert "boom in a view" in record.traceback and "def boom" not in record.message
    assert record.occurrences == 1 and len(record.fingerprint) == 40
    stored = " ".join(str(v) for v in ErrorRecord.objects.values().get(pk=record.pk).values())
    assert "secret" not in stored and "private" not in stored  # no query string, no cookies


def test_the_same_error_is_counted_on_one_row(db):
    log_the_same_error()
    log_the_same_error()
    record = ErrorRecord.objects.get(logger_name=logger.name)
    assert record.occurrences == 2 and record.last_seen >= record.first_seen
    assert record.message == "Lookup failed for a key" and record.exception_type == "KeyError"

    # Quiet for longer than the window: the next one starts a new row of the same error.
    ErrorRecord.objects.update(last_seen=F("last_seen") - REPEAT_WINDOW - timedelta(seconds=1))
    log_the_same_error()
    rows = ErrorRecord.objects.filter(logger_name=logger.name).order_by("first_seen")
    assert [r.occurrences for r in rows] == [2, 1]
    assert len({r.fingerprint for r in rows}) == 1

    logger.error("Another error")
    assert ErrorRecord.objects.filter(logger_name=logger.name).count() == 3


def test_a_record_reaching_two_handlers_is_written_once(db):
    child = logging.getLogger("tests.monitoring.errors.child")
    extra = ErrorRecordHandler()
    child.addHandler(extra)
    try:
        child.error("Seen by this handler and the root's")
    finally:
        child.removeHandler(extra)
    assert ErrorRecord.objects.get(logger_name=child.name).occurrences == 1


def test_warnings_are_not_kept(db):
    logger.warning("Only a warning")
    assert not ErrorRecord.objects.filter(logger_name=logger.name).exists()


def test_a_failing_task_is_recorded_with_the_task(db):
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=False)
    try:
        result = failing.delay()
    finally:
        celery_app.conf.update(task_always_eager=saved[0], task_eager_propagates=saved[1])
    record = ErrorRecord.objects.get(exception_type="RuntimeError", task_name=failing.name)
    assert record.task_id == result.id and "task failed" in record.traceback


def test_what_a_task_logs_in_a_worker_is_kept(db):
    """A worker sets Celery's task loggers up not to propagate to the root (what
    ``setup_task_loggers`` does when a worker starts, run here as it runs there); an error
    logged through ``get_task_logger`` is still kept, once."""
    base = logging.getLogger("celery.task")
    saved = base.handlers[:], base.propagate, base.level
    try:
        celery_app.log.setup_task_loggers(loglevel=logging.INFO)
        assert not base.propagate
        get_task_logger("modules.example.tasks").error("the feed vanished")
    finally:
        base.handlers[:], base.propagate = saved[0], saved[1]
        base.setLevel(saved[2])
    assert ErrorRecord.objects.filter(message="the feed vanished").count() == 1


def test_the_message_and_traceback_are_capped(db):
    logger.error("x" * 50_000)
    record = ErrorRecord.objects.get(logger_name=logger.name)
    assert len(record.message) == 2_000 and record.message.startswith("xxx")


def test_the_handler_drops_the_record_when_the_database_is_unavailable(django_db_blocker):
    handler = ErrorRecordHandler()
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "Lost", (), None)
    with django_db_blocker.block():
        handler.handle(record)  # the write fails: no exception, nothing written
        logger.error("Lost as well")  # and through logging, with the configured handler
    assert not ErrorRecord.objects.filter(logger_name=logger.name).exists()
    logger.error("Written again")
    assert ErrorRecord.objects.get(logger_name=logger.name).message == "Written again"


@pytest.fixture
def committed_apart():
    """What the handler commits on its own connection outlives the test's transaction: the
    test's rows go when it ends (faster than a transactional test's flush)."""
    yield
    with own_connection() as alias:
        ErrorRecord.objects.using(alias).filter(logger_name=logger.name).delete()


def test_a_view_failing_inside_an_atomic_block_is_recorded(platform):
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    assert client.get("/boom-atomic/").status_code == 500
    assert ErrorRecord.objects.get(exception_type="KeyError").request_path == "/boom-atomic/"
    assert not Platform.objects.filter(code="rolled-back").exists()


def test_an_error_logged_inside_a_rolled_back_block_is_kept(committed_apart):
    with pytest.raises(RuntimeError), transaction.atomic():
        Platform.objects.create(code="rolled-back", name="Rolled back")
        logger.error("Logged inside the block")
        raise RuntimeError("the block fails")
    assert ErrorRecord.objects.get(logger_name=logger.name).message == "Logged inside the block"
    assert not Platform.objects.filter(code="rolled-back").exists()


def test_an_error_logged_in_a_broken_transaction_is_kept(committed_apart):
    with pytest.raises(RuntimeError), transaction.atomic():
        try:
            with transaction.atomic(savepoint=False), connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        except DatabaseError:
            assert connection.needs_rollback  # nothing more may run on this connection
            logger.exception("Division failed")
        raise RuntimeError("the block fails")
    record = ErrorRecord.objects.get(logger_name=logger.name)
    assert record.message == "Division failed" and record.exception_type


# --- retention ----------------------------------------------------------------------------


def test_the_daily_task_purges_errors_older_than_the_retention(settings):
    settings.MONITORING_ERROR_RETENTION_DAYS = 3
    now = timezone.now()
    old = ErrorRecordFactory(last_seen=now - timedelta(days=3, minutes=1))
    recent = ErrorRecordFactory(
        first_seen=now - timedelta(days=10), last_seen=now - timedelta(days=2)
    )
    assert purge_error_records.apply().get() == 1
    assert list(ErrorRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ErrorRecord.objects.filter(pk=old.pk).exists()


def test_purging_the_module_deletes_the_platforms_errors(platform, other_platform, staff_user):
    mine, theirs = (
        ErrorRecordFactory(platform_code="acme"),
        ErrorRecordFactory(platform_code="globex"),
    )
    apps.get_app_config("monitoring").on_purge(platform, staff_user)
    assert not ErrorRecord.objects.filter(pk=mine.pk).exists()
    assert ErrorRecord.objects.filter(pk=theirs.pk).exists()


# --- the staff pages ----------------------------------------------------------------------


def test_only_staff_get_in(platform, user):
    record = ErrorRecordFactory()
    member = MembershipFactory().user
    with override_module(platform, "monitoring", enabled=True):
        for url in (reverse("monitoring:errors"), reverse("monitoring:error", args=[record.pk])):
            assert Client(HTTP_HOST=HOST).get(url).status_code == 404
            for someone in (user, member):
                client = Client(HTTP_HOST=HOST)
                client.force_login(someone)
                assert client.get(url).status_code == 404


# Rows another test's handler committed on its own connection may exist: each test lists its own
# logger's rows.
MINE = {"logger_name": "tests.monitoring.listed"}


def test_errors_are_listed_by_fingerprint_newest_first(staff_client):
    now = timezone.now()
    older = ErrorRecordFactory(
        fingerprint="a" * 40,
        occurrences=3,
        first_seen=now - timedelta(hours=5),
        last_seen=now - timedelta(hours=4),
        **MINE,
    )
    newer_burst = ErrorRecordFactory(
        fingerprint="a" * 40,
        occurrences=2,
        first_seen=now - timedelta(hours=1),
        last_seen=now,
        **MINE,
    )
    other = ErrorRecordFactory(last_seen=now - timedelta(hours=2), **MINE)
    page = staff_client.get(reverse("monitoring:errors"), MINE)
    groups = page.context["groups"]
    assert [g["newest_id"] for g in groups] == [newer_burst.pk, other.pk]
    first = groups[0]
    assert (first["occurrences_total"], first["bursts"]) == (5, 2)
    assert (first["first_seen_min"], first["last_seen_max"]) == (older.first_seen, now)
    assert newer_burst.message in page.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "CRITICAL"}, {"critical"}),
        ({"logger_name": "tests.billing"}, {"billing"}),
        ({"logger_name": "tests.bill"}, set()),  # a logger and its children, not a prefix
        ({"platform_code": "acme"}, {"acme"}),
        ({"search": "TIMEOUT"}, {"timeout"}),
        ({"search": "/checkout/"}, {"timeout"}),
        ({"level": "bogus"}, {"critical", "billing", "acme", "timeout"}),  # invalid: no filter
    ],
)
def test_filters(staff_client, query, expected):
    named = {
        "critical": ErrorRecordFactory(level="CRITICAL"),
        "billing": ErrorRecordFactory(logger_name="tests.billing.services"),
        "acme": ErrorRecordFactory(platform_code="acme"),
        "timeout": ErrorRecordFactory(
            exception_type="TimeoutError", request_path="/checkout/", message="gateway"
        ),
    }
    mine = {record.pk: name for name, record in named.items()}
    page = staff_client.get(reverse("monitoring:errors"), query)
    listed = {mine[g["newest_id"]] for g in page.context["groups"] if g["newest_id"] in mine}
    assert listed == expected


def test_pages_keep_the_filters(staff_client, monkeypatch):
    monkeypatch.setattr(ErrorsView, "page_size", 2)
    for _ in range(5):
        ErrorRecordFactory(level="CRITICAL", **MINE)
    ErrorRecordFactory(**MINE)
    query = {"level": "CRITICAL", **MINE}
    first = staff_client.get(reverse("monitoring:errors"), query)
    assert first.context["page_obj"].paginator.num_pages == 3
    assert "level=CRITICAL&amp;logger_name=tests.monitoring.listed&amp;page=2" in (
        first.content.decode()
    )
    last = staff_client.get(reverse("monitoring:errors"), {**query, "page": "3"})
    assert len(last.context["groups"]) == 1


def test_the_detail_shows_the_traceback_request_and_the_other_bursts(staff_client, user):
    earlier = ErrorRecordFactory(fingerprint="b" * 40, last_seen=timezone.now() - timedelta(days=1))
    record = ErrorRecordFactory(
        fingerprint="b" * 40,
        traceback="Traceback (most recent call last):\nValueError: the detail",
        request_method="POST",
        request_host=HOST,
        request_path="/shop/acme/cart/",
        platform_code="acme",
        user_id=user.pk,
    )
    page = staff_client.get(reverse("monitoring:error", args=[record.pk]))
    html = page.content.decode()
    assert "ValueError: the detail" in html and "POST acme.test/shop/acme/cart/" in html
    assert [b.pk for b in page.context["bursts"]] == [record.pk, earlier.pk]
    assert staff_client.get(reverse("monitoring:error", args=[0])).status_code == 404


def test_the_list_costs_the_same_queries_at_any_size(staff_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("monitoring:errors")).status_code == 200
        return len(captured)

    ErrorRecordFactory.create_batch(3)
    queries()  # warms the caches (platforms, menus)
    few = queries()
    ErrorRecordFactory.create_batch(40)
    assert queries() == few
