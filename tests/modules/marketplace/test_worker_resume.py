"""A real Celery worker killed in the middle of an import; another finishes it, every row once.

``marketplace.run_import`` is acknowledged late, so the message of a worker that dies stays
unacknowledged in Redis; a worker that polls gives it back to the queue once it is older than
the broker's visibility timeout (``CELERY_VISIBILITY_TIMEOUT``, short here) and takes it. The
job then resumes at its checkpoint: the batches the first worker committed are not staged
again, the one it was writing when it died (rolled back) is.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import redis
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from config.celery import app as celery_app
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import jobs
from modules.marketplace.tasks import run_import
from tests.integration.conftest import shared_cache, subprocess_database_url  # noqa: F401 - a fixture
from tests.integration.test_celery_worker import celery_worker, publishing_to, with_db, worker_log
from tests.modules.marketplace.conftest import write_big_csv

BROKER_DB = 8  # not the other worker tests'; keys prefixed per run besides (worker_settings)
ROWS = 3_000
BATCH = 20  # rows per batch in the workers: the import takes a few seconds
VISIBILITY = 2  # seconds before the second worker takes the dead one's task back
TIMEOUT = 60  # per wait; generous for a loaded machine, only a failing run waits it out

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def wait_for(condition: Callable[[], bool], what: str, worker) -> None:
    """Poll ``condition`` until it holds; fail with the worker's log if it does not in time."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"worker exited with {worker.returncode}:\n{worker_log(worker)}")
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {TIMEOUT}s; worker log:\n{worker_log(worker)}")


@contextlib.contextmanager
def broker_keys_prefixed(broker_url: str, prefix: str) -> Iterator[None]:
    """Publish with the workers' key prefix; delete this run's broker keys at the end."""
    options = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {**options, "global_keyprefix": prefix}
    try:
        yield
    finally:
        celery_app.conf.broker_transport_options = options
        client = redis.Redis.from_url(broker_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def current(job: ImportJob) -> ImportJob:
    with scopes_disabled():
        return ImportJob.objects.get(pk=job.pk)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_import_is_finished_by_another_with_every_row_once(
    postgres,
    shared_cache,  # noqa: F811
    platform,
    shop,
    settings,
    tmp_path,
):
    broker_url = with_db(shared_cache["REDIS_URL"], BROKER_DB)
    prefix = f"orion-test-{uuid.uuid4().hex[:10]}:"
    env = {
        **os.environ,
        **shared_cache,
        "DJANGO_SETTINGS_MODULE": "tests.modules.marketplace.worker_settings",
        "ORION_TEST_IMPORT_ROOT": str(settings.MARKETPLACE_IMPORT_ROOT),
        "ORION_TEST_IMPORT_BATCH_SIZE": str(BATCH),
        "ORION_TEST_BROKER_PREFIX": prefix,
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": broker_url,  # results go to the test database (the default)
        "DEBUG": "true",
    }
    feed = tmp_path / "feed.csv"
    bad = write_big_csv(feed, ROWS)
    queued = []

    with broker_keys_prefixed(broker_url, prefix), publishing_to(broker_url):
        # The first worker has the default visibility timeout (an hour): it dies before it
        # could matter.
        with celery_worker(env) as first:
            with transaction.atomic(), feed.open("rb") as upload:
                job = jobs.create_upload_job(shop, upload, feed.name, platform=platform)
                transaction.on_commit(lambda: queued.append(run_import.delay(job.pk)))
            wait_for(lambda: current(job).checkpoint > 0, "no batch staged", first)
            os.kill(first.pid, signal.SIGKILL)  # no warm shutdown: the task is not acknowledged
            first.wait(timeout=TIMEOUT)
            first_log = worker_log(first)

        job = current(job)
        assert job.status == ImportJob.Status.RUNNING
        assert 0 < job.checkpoint < ROWS, "the first worker finished before it was killed"
        with scopes_disabled():  # the batch being written when it died was rolled back
            assert StagedProduct.objects.filter(job=job).count() == job.checkpoint
        # A worker gives unacknowledged messages back as it starts and then about every 100 s,
        # those older than its visibility timeout: let the dead worker's message (delivered
        # before the job started) grow that old, so the second worker's first look takes it.
        wait = job.started_at + timedelta(seconds=VISIBILITY) - timezone.now()
        time.sleep(max(wait.total_seconds(), 0))

        with celery_worker({**env, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}) as second:
            wait_for(
                lambda: current(job).status == ImportJob.Status.STAGED, "job not staged", second
            )
            second_log = worker_log(second)

    (task,) = queued
    assert f"Task marketplace.run_import[{task.id}] received" in first_log
    assert f"Task marketplace.run_import[{task.id}] received" in second_log  # the same message
    job = current(job)
    assert (job.total_rows, job.checkpoint, job.rows_done) == (ROWS, ROWS, ROWS)
    assert job.error_rows == len(bad) == ROWS // 50
    assert job.new_count == ROWS - len(bad)
    with scopes_disabled():
        staged = StagedProduct.objects.filter(job=job)
        numbers = list(staged.order_by("row_number").values_list("row_number", flat=True))
        errors = set(
            staged.filter(state=StagedProduct.State.ERROR).values_list("row_number", flat=True)
        )
    assert numbers == list(range(1, ROWS + 1))  # every row, none twice
    assert errors == bad
