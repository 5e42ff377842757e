"""Monitoring's staff pages: background task results kept by django-celery-results (with the
traceback of failures and a retry that re-sends the task with its args and kwargs), the beat's
periodic tasks (enable, disable, last and next run), and links to Flower and Grafana."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from config.celery import app as celery_app
from orion_core.scheduling import sync_schedule
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
HOST = "acme.test"
CALLS: list[tuple] = []


@shared_task(name="tests.monitoring.flaky")
def flaky(label: str, *, fail: bool) -> str:
    """A task of this test only: fails when asked, records each run."""
    CALLS.append((label, fail))
    if fail:
        raise RuntimeError(f"flaky {label} failed")
    return label


@pytest.fixture
def eager_and_stored(monkeypatch):
    """Tasks run in-process and their results are stored, as a worker would store them."""
    keys = ("task_always_eager", "task_eager_propagates")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=False)
    monkeypatch.setattr(flaky, "store_eager_result", True)  # read when the task was bound
    CALLS.clear()
    yield
    celery_app.conf.update(saved)


@pytest.fixture
def staff_client(platform, staff_user):
    with override_module(platform, "monitoring", enabled=True):
        client = Client(HTTP_HOST=HOST)
        client.force_login(staff_user)
        yield client


@pytest.mark.parametrize("name", ["monitoring:tasks", "monitoring:schedule"])
def test_only_staff_get_in(platform, user, name):
    with override_module(platform, "monitoring", enabled=True):
        assert Client(HTTP_HOST=HOST).get(reverse(name)).status_code == 404
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404
        assert client.post(reverse("monitoring:task-retry", args=[1])).status_code == 404


def test_a_failure_is_listed_with_its_traceback_and_retried(staff_client, eager_and_stored):
    flaky.delay("first", fail=True)
    flaky.delay("second", fail=False)
    failed = TaskResult.objects.get(status="FAILURE")
    assert failed.task_name == "tests.monitoring.flaky"

    page = staff_client.get(reverse("monitoring:tasks"))
    assert {r.status for r in page.context["results"]} == {"FAILURE", "SUCCESS"}
    only = staff_client.get(reverse("monitoring:tasks"), {"failed": "1"})
    assert [r.pk for r in only.context["results"]] == [failed.pk]
    detail = staff_client.get(reverse("monitoring:task-result", args=[failed.pk]))
    html = detail.content.decode()
    assert "Traceback" in html and "flaky first failed" in html

    response = staff_client.post(reverse("monitoring:task-retry", args=[failed.pk]), follow=True)
    assert "sent again" in response.content.decode()
    assert CALLS == [("first", True), ("second", False), ("first", True)]  # same args, kwargs
    assert TaskResult.objects.filter(status="FAILURE").count() == 2


def test_retry_of_an_unknown_task_is_refused(staff_client):
    gone = TaskResult.objects.create(
        task_id="abc", task_name="modules.removed.task", status="FAILURE", task_kwargs='"{}"'
    )
    response = staff_client.post(reverse("monitoring:task-retry", args=[gone.pk]), follow=True)
    assert "The task was not sent again: unknown task modules.removed.task." in (
        response.content.decode()
    )


def test_periodic_tasks_with_last_and_next_run_and_a_switch(staff_client):
    sync_schedule()
    page = staff_client.get(reverse("monitoring:schedule"))
    rows = {row.task.name: row for row in page.context["rows"]}
    health = rows["orion:monitoring:check-module-health"]
    assert health.task.enabled and health.next_run is not None
    assert "orion:monitoring:check-module-health" in page.content.decode()

    response = staff_client.post(
        reverse("monitoring:schedule"), {"task": health.task.pk, "enabled": "0"}, follow=True
    )
    assert "disabled" in response.content.decode()
    task = PeriodicTask.objects.get(pk=health.task.pk)
    assert not task.enabled
    assert {r.task.name: r for r in response.context["rows"]}[task.name].next_run is None
    staff_client.post(reverse("monitoring:schedule"), {"task": task.pk, "enabled": "1"})
    assert PeriodicTask.objects.get(pk=task.pk).enabled


def test_links_to_flower_and_grafana_only_when_configured(staff_client, settings):
    settings.FLOWER_URL, settings.GRAFANA_URL = "", ""
    html = staff_client.get(reverse("monitoring:overview")).content.decode()
    assert "Flower" not in html and "Grafana" not in html
    settings.FLOWER_URL = "https://flower.example.com/"
    settings.GRAFANA_URL = "https://grafana.example.com/d/orion"
    for name in ("monitoring:overview", "monitoring:tasks", "monitoring:schedule"):
        html = staff_client.get(reverse(name)).content.decode()
        assert 'href="https://flower.example.com/"' in html
        assert 'href="https://grafana.example.com/d/orion"' in html
