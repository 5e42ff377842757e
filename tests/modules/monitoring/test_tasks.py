"""``monitoring.check_module_health``: the scheduled, per-platform module health check."""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
from django.apps import apps

from config.celery import app as celery_app
from modules.monitoring.services import module_health
from modules.monitoring.tasks import check_module_health
from orion_core.modules.definition import ScheduledTask
from orion_core.modules.registry import get_registry
from orion_core.scheduling import sync_schedule
from orion_core.services import ModuleService
from orion_core.tasks import SKIPPED, PlatformTask, fan_out
from orion_core.testing import PlatformFactory, override_module

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager():
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(task_always_eager=saved[0], task_eager_propagates=saved[1])


@pytest.fixture
def broken_analytics():
    """Analytics' health_check raises (the registry is rebuilt around the patched hook)."""
    config = type(apps.get_app_config("analytics"))

    def health_check(self):
        raise RuntimeError("warehouse unreachable")

    config.health_check = health_check
    get_registry.cache_clear()
    try:
        yield
    finally:
        del config.health_check
        get_registry.cache_clear()


def test_is_registered_under_its_declared_name():
    celery_app.loader.import_default_modules()  # what a worker does: autodiscovery
    registered = celery_app.tasks["monitoring.check_module_health"]
    assert isinstance(registered, PlatformTask)
    assert registered.module == "monitoring"


def test_monitoring_declares_a_per_platform_schedule_and_a_daily_purge():
    task, purge = get_registry().get("monitoring").scheduled_tasks
    assert task == ScheduledTask(
        name="check-module-health",
        task="monitoring.check_module_health",
        schedule="*/5 * * * *",
        per_platform=True,
        description=task.description,
    )
    assert task.description
    # Errors are not per platform: one purge a day for all of them.
    assert (purge.task, purge.schedule, purge.per_platform) == (
        "monitoring.purge_errors",
        "40 3 * * *",
        False,
    )
    unchanged = sync_schedule().unchanged
    assert {"orion:monitoring:check-module-health", "orion:monitoring:purge-errors"} <= set(
        unchanged
    )


def test_checks_every_module_enabled_on_the_platform(platform):
    with override_module(platform, "monitoring"), override_module(platform, "analytics"):
        enabled = ModuleService().enabled_codes(platform)
        result = check_module_health.delay(platform_id=platform.pk).get()

    assert set(result) == set(enabled)
    assert {"monitoring", "analytics", "core", "tenancy"} <= set(result)
    assert set(result.values()) == {"ok"}
    assert json.loads(json.dumps(result)) == result


def test_only_the_platforms_own_modules_are_checked(platform, other_platform):
    with override_module(platform, "monitoring"), override_module(other_platform, "analytics"):
        result = check_module_health.delay(platform_id=platform.pk).get()

    assert "analytics" not in result


def test_a_failing_module_is_reported_and_logged(platform, broken_analytics, caplog):
    caplog.set_level(logging.ERROR)
    with override_module(platform, "monitoring"), override_module(platform, "analytics"):
        result = check_module_health.delay(platform_id=platform.pk).get()

    assert result["analytics"] == "warehouse unreachable"
    assert result["monitoring"] == "ok", "the others are still checked"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("analytics" in r.getMessage() for r in errors)


def test_skipped_where_monitoring_is_off(platform):
    assert not ModuleService().is_enabled(platform, "monitoring")
    assert check_module_health.delay(platform_id=platform.pk).get() == SKIPPED


def test_fan_out_checks_each_platform_with_monitoring(platform, other_platform):
    third = PlatformFactory(code="third")
    with (
        override_module(platform, "monitoring"),
        override_module(third, "monitoring"),
        mock.patch("modules.monitoring.tasks.module_health", wraps=module_health) as checked,
    ):
        ran = fan_out.delay(task="monitoring.check_module_health", module="monitoring").get()

    assert ran == sorted([platform.pk, third.pk])
    assert checked.call_count == 2, "once per platform with monitoring, not for globex"
