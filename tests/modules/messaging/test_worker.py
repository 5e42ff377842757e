"""A real Celery worker sends what messaging queued (ARCHITECTURE.md §8): the provider writes
the delivery, the task is published to Redis when the transaction commits, a worker process
sends the e-mail and marks the log. The worker writes mail to files (``worker_settings``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import redis
from django.db import transaction
from django_scopes import scopes_disabled

from modules.messaging import providers
from modules.messaging.models import Delivery
from modules.tenancy.factories import VendorFactory
from orion_core.contracts.notifications import Notification
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory
from tests.integration.conftest import shared_cache, subprocess_database_url  # noqa: F401 - a fixture
from tests.integration.test_celery_worker import celery_worker, publishing_to, with_db, worker_log

BROKER_DB = 7  # not the other worker test's
TIMEOUT = 30

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_queued_email_and_logs_it(postgres, shared_cache, tmp_path):  # noqa: F811
    broker_url = with_db(shared_cache["REDIS_URL"], BROKER_DB)
    redis.Redis.from_url(broker_url).flushdb()
    env = {
        **os.environ,
        **shared_cache,
        "DJANGO_SETTINGS_MODULE": "tests.modules.messaging.worker_settings",
        "ORION_TEST_MAIL_DIR": str(tmp_path),
        "DATABASE_URL": subprocess_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "DEBUG": "true",
    }
    platform = PlatformFactory(code="acme", domains=["acme.test"])
    ModuleService().enable(platform, "messaging")
    shop = VendorFactory(code="shop-a", name="Shop A", platforms=[platform])

    with publishing_to(broker_url), celery_worker(env) as worker:
        with transaction.atomic():
            assert providers.notifications_provider.notify(
                Notification(
                    kind="orders.confirmation",
                    to=("ada@example.com",),
                    subject="Your order ORD-1",
                    body="Thank you.",
                    vendor_id=shop.pk,
                    platform_id=platform.pk,
                )
            )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with scopes_disabled():
                delivery = Delivery.objects.get()
            if delivery.status == Delivery.Status.SENT:
                break
            if worker.poll() is not None:
                pytest.fail(f"worker exited:\n{worker_log(worker)}")
            time.sleep(0.2)
        else:
            pytest.fail(f"not sent within {TIMEOUT}s ({delivery.status}):\n{worker_log(worker)}")

    assert delivery.attempts == 1 and delivery.sent_at is not None
    (written,) = list(Path(tmp_path).iterdir())
    text = written.read_text()
    assert "Subject: Your order ORD-1" in text and "To: ada@example.com" in text
    assert "From: Shop A <noreply@example.com>" in text
