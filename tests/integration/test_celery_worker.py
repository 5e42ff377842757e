"""A real Celery worker process sees committed module changes (ARCHITECTURE.md §8, §12).

The worker is a separate process on the test database (PostgreSQL: an in-memory SQLite database
cannot be shared) and the same Redis cache. A module switched on or off through the service in
this process is seen by the worker's very next task, because the change bumps the shared state
generation on commit.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from celery.exceptions import TimeoutError as CeleryTimeout

from config.celery import app as celery_app
from modules.monitoring.tasks import check_module_health
from orion_core.services import ModuleService
from orion_core.tasks import SKIPPED, fan_out
from orion_core.testing import PlatformFactory
from tests.integration.conftest import subprocess_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
BROKER_DB = 6
TASK_TIMEOUT = 30
STOP_TIMEOUT = 10

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


@contextlib.contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Point the Celery app of this process at a real broker and result backend, then back.

    The app read Django settings (eager, no broker) when it was configured. Its broker connection
    pool, producer pool and result backend are cached (eager runs create the pools too, pointing
    at the default amqp://localhost), so they are dropped on the way in and on the way out.
    """
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}

    def reset() -> None:
        # Not app.close(): it also deregisters the app, so shared tasks stop binding to it.
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        # kombu keeps producer pools in a registry of its own, keyed by connection: the eager
        # default's would still hold the pool closed above ("Acquire on closed pool").
        kombu.pools.reset()
        celery_app.amqp._producer_pool = None  # else it keeps publishing to the old broker
        celery_app._backend_cache = None
        celery_app._local = threading.local()  # the thread-local result backend

    celery_app.conf.update(
        broker_url=broker_url, result_backend=broker_url, task_always_eager=False
    )
    reset()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset()


@contextlib.contextmanager
def celery_worker(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """``celery -A config worker --pool=solo`` as a subprocess; stopped however the test ends."""
    log = tempfile.NamedTemporaryFile(prefix="orion-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"orion-test-{uuid.uuid4().hex[:8]}@%h",
    ]
    worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker.log_path = log.name  # type: ignore[attr-defined]
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=STOP_TIMEOUT)
        log.close()
        os.unlink(log.name)


def worker_log(worker: subprocess.Popen) -> str:
    return Path(worker.log_path).read_text(errors="replace")[-4000:]  # type: ignore[attr-defined]


def result_of(async_result, worker: subprocess.Popen, timeout: float = TASK_TIMEOUT):
    """The task's result, failing early (with the worker's log) if the worker died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"worker exited with {worker.returncode}:\n{worker_log(worker)}")
        try:
            return async_result.get(timeout=1, propagate=True)
        except CeleryTimeout:
            continue
    pytest.fail(f"no result within {timeout}s; worker log:\n{worker_log(worker)}")
    return None


@pytest.mark.django_db(transaction=True)
def test_worker_sees_committed_module_changes(postgres, shared_cache):
    broker_url = with_db(shared_cache["REDIS_URL"], BROKER_DB)
    redis.Redis.from_url(broker_url).flushdb()  # no messages left over from an earlier run
    env = {
        **os.environ,
        **shared_cache,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "DEBUG": "true",
    }
    platform = PlatformFactory(code="acme", domains=["acme.test"])
    service = ModuleService()

    with publishing_to(broker_url), celery_worker(env) as worker:
        # Monitoring is off: the worker's first look at the platform finds it so.
        assert (
            result_of(check_module_health.apply_async(kwargs={"platform_id": platform.pk}), worker)
            == SKIPPED
        )

        service.enable(platform, "monitoring")  # committed; on commit bumps the generation
        service.enable(platform, "analytics")
        result = result_of(
            check_module_health.apply_async(kwargs={"platform_id": platform.pk}), worker
        )
        assert set(result) == set(service.enabled_codes(platform))
        assert {"monitoring", "analytics", "core"} <= set(result)
        assert set(result.values()) == {"ok"}

        # fan_out in the worker dispatches through the broker, once per enabled platform.
        assert result_of(
            fan_out.apply_async(
                kwargs={"task": "monitoring.check_module_health", "module": "monitoring"}
            ),
            worker,
        ) == [platform.pk]

        service.disable(platform, "monitoring")
        assert (
            result_of(check_module_health.apply_async(kwargs={"platform_id": platform.pk}), worker)
            == SKIPPED
        )

        service.enable(platform, "monitoring")
        result = result_of(
            check_module_health.apply_async(kwargs={"platform_id": platform.pk}), worker
        )
        assert "monitoring" in result
