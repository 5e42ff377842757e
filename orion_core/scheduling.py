"""Writing modules' ``ScheduledTask`` declarations into django-celery-beat, idempotently.

Rows are named ``orion:<module>:<task name>``. A sync creates or updates every declared row,
disables ``orion:`` rows that are no longer declared (it never deletes, so history and admin
notes survive), and leaves rows outside the namespace alone. Per-platform tasks are scheduled
once, through :func:`orion_core.tasks.fan_out`, which runs them for each platform that has the
module enabled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

from orion_core.modules.definition import ModuleDefinition, ScheduledTask
from orion_core.modules.registry import ModuleRegistry, get_registry

PREFIX = "orion:"
FAN_OUT_TASK = "orion_core.tasks.fan_out"


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.disabled)


def entry_name(definition: ModuleDefinition, task: ScheduledTask) -> str:
    return f"{PREFIX}{definition.code}:{task.name}"


def sync_schedule(registry: ModuleRegistry | None = None) -> SyncReport:
    registry = registry or get_registry()
    report = SyncReport()
    with transaction.atomic():
        declared = set()
        for definition in registry:
            for task in definition.scheduled_tasks:
                name = entry_name(definition, task)
                declared.add(name)
                _upsert(name, definition, task, report)
        stale = PeriodicTask.objects.filter(name__startswith=PREFIX, enabled=True).exclude(
            name__in=declared
        )
        report.disabled = sorted(stale.values_list("name", flat=True))
        stale.update(enabled=False)
        if report.changed:
            PeriodicTasks.update_changed()
    return report


def _upsert(
    name: str, definition: ModuleDefinition, task: ScheduledTask, report: SyncReport
) -> None:
    if task.per_platform:
        celery_task = FAN_OUT_TASK
        kwargs = {"task": task.task, "module": definition.code, "kwargs": dict(task.kwargs)}
    else:
        celery_task, kwargs = task.task, dict(task.kwargs)
    wanted = {
        "task": celery_task,
        "kwargs": json.dumps(kwargs, sort_keys=True),
        "description": task.description or f"{definition.name}: {task.name}",
        "enabled": True,
        **_schedule(task.schedule),
    }
    existing = PeriodicTask.objects.filter(name=name).first()
    if existing is None:
        PeriodicTask.objects.create(name=name, **wanted)
        report.created.append(name)
        return
    differs = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not differs:
        report.unchanged.append(name)
        return
    for key, value in differs.items():
        setattr(existing, key, value)
    existing.save()
    report.updated.append(name)


def _schedule(schedule: int | str) -> dict[str, object]:
    """Exactly one of interval/crontab set, the way django-celery-beat requires."""
    if isinstance(schedule, int):
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=schedule, period=IntervalSchedule.SECONDS
        )
        return {"interval": interval, "crontab": None}
    minute, hour, day_of_month, month_of_year, day_of_week = schedule.split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="UTC",
    )
    return {"crontab": crontab, "interval": None}
