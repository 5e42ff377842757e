"""``sync_schedule``: modules' ScheduledTasks written into django-celery-beat, idempotently."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

from orion_core.modules.definition import ModuleDefinition, ScheduledTask
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.scheduling import FAN_OUT_TASK, sync_schedule

pytestmark = pytest.mark.django_db

MONITORING_ROW = "orion:monitoring:check-module-health"


def registry_with(*tasks_by_module: tuple[str, tuple[ScheduledTask, ...]]) -> ModuleRegistry:
    return ModuleRegistry(
        ModuleDefinition(code=code, name=code.title(), scheduled_tasks=tasks)
        for code, tasks in tasks_by_module
    )


NIGHTLY = ScheduledTask(name="nightly", task="reports.nightly", schedule="0 3 * * *")
PER_PLATFORM = ScheduledTask(
    name="refresh",
    task="reports.refresh",
    schedule=600,
    per_platform=True,
    kwargs={"full": False},
    description="Refresh the reports",
)


@pytest.fixture
def clean_beat(db):
    """Start from no periodic tasks at all (``migrate`` already synced the installed modules)."""
    PeriodicTask.objects.all().delete()
    PeriodicTasks.objects.all().delete()


def last_change() -> datetime.datetime | None:
    return PeriodicTasks.last_change()


def test_migrate_synced_the_installed_modules():
    """The post_migrate hook ran ``sync_schedule`` when the test database was built."""
    row = PeriodicTask.objects.get(name=MONITORING_ROW)
    assert row.enabled
    assert row.task == FAN_OUT_TASK
    assert json.loads(row.kwargs) == {
        "task": "monitoring.check_module_health",
        "module": "monitoring",
        "kwargs": {},
    }
    assert row.interval is None
    assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_week) == ("*/5", "*", "*")


def test_installed_modules_are_already_in_sync():
    report = sync_schedule()
    assert not report.changed
    assert MONITORING_ROW in report.unchanged


def test_every_declared_schedule_is_named_after_its_module(clean_beat):
    names = {f"orion:{d.code}:{t.name}" for d in get_registry() for t in d.scheduled_tasks}
    assert MONITORING_ROW in names

    report = sync_schedule()

    assert sorted(report.created) == sorted(names)
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == names


def test_creates_rows_plain_and_per_platform(clean_beat):
    registry = registry_with(("reports", (NIGHTLY, PER_PLATFORM)))

    report = sync_schedule(registry)

    assert sorted(report.created) == ["orion:reports:nightly", "orion:reports:refresh"]
    nightly = PeriodicTask.objects.get(name="orion:reports:nightly")
    assert nightly.task == "reports.nightly"
    assert json.loads(nightly.kwargs) == {}
    assert nightly.description == "Reports: nightly"
    assert nightly.interval is None
    assert nightly.crontab.minute == "0" and nightly.crontab.hour == "3"

    refresh = PeriodicTask.objects.get(name="orion:reports:refresh")
    assert refresh.task == FAN_OUT_TASK
    assert json.loads(refresh.kwargs) == {
        "task": "reports.refresh",
        "module": "reports",
        "kwargs": {"full": False},
    }
    assert refresh.description == "Refresh the reports"
    assert refresh.crontab is None
    assert (refresh.interval.every, refresh.interval.period) == (600, IntervalSchedule.SECONDS)
    assert last_change() is not None


def test_second_run_changes_nothing(clean_beat):
    registry = registry_with(("reports", (NIGHTLY, PER_PLATFORM)))
    sync_schedule(registry)
    before = last_change()
    rows = {t.name: (t.pk, t.date_changed) for t in PeriodicTask.objects.all()}
    schedules = (CrontabSchedule.objects.count(), IntervalSchedule.objects.count())

    report = sync_schedule(registry)

    assert not report.changed
    assert sorted(report.unchanged) == ["orion:reports:nightly", "orion:reports:refresh"]
    assert last_change() == before
    assert {t.name: (t.pk, t.date_changed) for t in PeriodicTask.objects.all()} == rows
    assert (CrontabSchedule.objects.count(), IntervalSchedule.objects.count()) == schedules


def test_a_changed_schedule_updates_the_row_in_place(clean_beat):
    sync_schedule(registry_with(("reports", (NIGHTLY,))))
    row = PeriodicTask.objects.get(name="orion:reports:nightly")
    before = last_change()

    moved = ScheduledTask(name="nightly", task="reports.nightly", schedule=3600)
    report = sync_schedule(registry_with(("reports", (moved,))))

    assert report.updated == ["orion:reports:nightly"]
    assert not report.created and not report.disabled
    row.refresh_from_db()
    assert row.crontab is None
    assert row.interval.every == 3600
    assert last_change() > before

    back = ScheduledTask(name="nightly", task="reports.nightly", schedule="30 4 * * 1")
    sync_schedule(registry_with(("reports", (back,))))
    row.refresh_from_db()
    assert row.interval is None
    assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_week) == ("30", "4", "1")


def test_changed_kwargs_and_per_platform_update_the_row(clean_beat):
    sync_schedule(registry_with(("reports", (PER_PLATFORM,))))
    changed = ScheduledTask(
        name="refresh", task="reports.refresh", schedule=600, kwargs={"full": True}
    )

    report = sync_schedule(registry_with(("reports", (changed,))))

    assert report.updated == ["orion:reports:refresh"]
    row = PeriodicTask.objects.get(name="orion:reports:refresh")
    assert row.task == "reports.refresh"
    assert json.loads(row.kwargs) == {"full": True}


def test_undeclared_rows_are_disabled_not_deleted(clean_beat):
    sync_schedule(registry_with(("reports", (NIGHTLY, PER_PLATFORM)), ("mail", (NIGHTLY,))))
    before = last_change()

    report = sync_schedule(registry_with(("reports", (NIGHTLY,))))

    assert report.disabled == ["orion:mail:nightly", "orion:reports:refresh"]
    assert report.unchanged == ["orion:reports:nightly"]
    assert last_change() > before
    rows = dict(PeriodicTask.objects.values_list("name", "enabled"))
    assert rows == {
        "orion:reports:nightly": True,
        "orion:reports:refresh": False,
        "orion:mail:nightly": False,
    }

    again = sync_schedule(registry_with(("reports", (NIGHTLY,))))
    assert not again.changed, "an already disabled row is not disabled twice"


def test_a_declaration_coming_back_re_enables_its_row(clean_beat):
    sync_schedule(registry_with(("reports", (NIGHTLY,))))
    sync_schedule(registry_with())
    assert not PeriodicTask.objects.get(name="orion:reports:nightly").enabled

    report = sync_schedule(registry_with(("reports", (NIGHTLY,))))

    assert report.updated == ["orion:reports:nightly"]
    assert PeriodicTask.objects.get(name="orion:reports:nightly").enabled


def test_rows_outside_the_namespace_are_left_alone(clean_beat):
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    foreign = PeriodicTask.objects.create(
        name="celery.backend_cleanup", task="celery.backend_cleanup", interval=every_minute
    )
    lookalike = PeriodicTask.objects.create(
        name="orion-reports:nightly", task="x", interval=every_minute
    )

    report = sync_schedule(registry_with(("reports", (NIGHTLY,))))

    assert report.created == ["orion:reports:nightly"]
    assert not report.disabled
    for row in (foreign, lookalike):
        kept = PeriodicTask.objects.get(pk=row.pk)
        assert kept.enabled
        assert (kept.name, kept.task, kept.interval_id) == (row.name, row.task, every_minute.pk)


def test_module_sync_schedule_after_migrate_restores_the_installed_rows(clean_beat):
    """``migrate`` re-syncs: a deleted row of an installed module comes back."""
    call_command("migrate", verbosity=0)
    assert PeriodicTask.objects.get(name=MONITORING_ROW).enabled
