"""Health per platform and module over time: the scheduled check keeps a sample per module,
prunes what is older than the retention, and staff read uptime hour by hour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from modules.monitoring.models import RETENTION, HealthSample
from modules.monitoring.tasks import check_module_health
from orion_core.services import ModuleService
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
HOST = "acme.test"


@pytest.fixture(autouse=True)
def eager():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(task_always_eager=saved[0], task_eager_propagates=saved[1])


def test_each_check_keeps_a_sample_per_module_and_prunes_old_ones(platform, other_platform):
    old = HealthSample.objects.create(
        platform=platform,
        module_code="core",
        ok=True,
        checked_at=timezone.now() - RETENTION - timedelta(minutes=1),
    )
    elsewhere = HealthSample.objects.create(
        platform=other_platform, module_code="core", ok=True, checked_at=old.checked_at
    )
    with override_module(platform, "monitoring"):
        check_module_health.delay(platform_id=platform.pk).get()
        enabled = set(ModuleService().enabled_codes(platform))
    samples = HealthSample.objects.filter(platform=platform)
    assert {s.module_code for s in samples} == enabled and all(s.ok for s in samples)
    assert not HealthSample.objects.filter(pk=old.pk).exists()
    assert HealthSample.objects.filter(pk=elsewhere.pk).exists()  # pruned per platform


def test_staff_read_uptime_and_failing_hours(platform, staff_user):
    now = timezone.now()
    for minutes, ok in ((5, False), (10, True), (70, True), (75, True)):
        HealthSample.objects.create(
            platform=platform,
            module_code="billing",
            ok=ok,
            detail="" if ok else "down",
            checked_at=now - timedelta(minutes=minutes),
        )
    HealthSample.objects.create(
        platform=platform, module_code="core", ok=True, checked_at=now - timedelta(days=2)
    )  # outside the window
    with override_module(platform, "monitoring", enabled=True):
        client = Client(HTTP_HOST=HOST)
        client.force_login(staff_user)
        response = client.get(reverse("monitoring:history"))
    assert response.status_code == 200
    ((shown, rows),) = response.context["platforms"]
    assert shown == platform
    (billing,) = rows
    assert (billing.checks, billing.failures, billing.uptime) == (4, 1, 75.0)
    assert sum(failed for _hour, _total, failed in billing.hours) == 1
    html = response.content.decode()
    assert 'id="health-acme-billing"' in html and "75.0 %" in html and "✗" in html


def test_purge_deletes_the_platforms_history(platform, other_platform, staff_user):
    for target in (platform, other_platform):
        HealthSample.objects.create(platform=target, module_code="core", ok=True)
    apps.get_app_config("monitoring").on_purge(platform, staff_user)
    assert list(HealthSample.objects.values_list("platform", flat=True)) == [other_platform.pk]
