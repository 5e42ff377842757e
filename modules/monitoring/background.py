"""Background work as staff watch it: task results kept by django-celery-results, and the
periodic tasks of django-celery-beat.

Results are written by the result backend (``CELERY_RESULT_BACKEND = "django-db"`` with
``CELERY_RESULT_EXTENDED``, so each row has the task's name, args and kwargs); this module only
reads them, re-sends a task, and switches periodic tasks on and off.
"""

from __future__ import annotations

import ast
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from celery import current_app, states
from django.db.models import QuerySet
from django.utils import timezone
from django_celery_beat.models import PeriodicTask, PeriodicTasks
from django_celery_results.models import TaskResult

logger = logging.getLogger(__name__)

FAILED_STATES = (states.FAILURE,)
RECENT_LIMIT = 100


class RetryRefused(Exception):
    """A task result that cannot be sent again (unknown task, arguments not recoverable)."""


def recent_results(*, failed_only: bool = False, limit: int = RECENT_LIMIT) -> QuerySet:
    """The newest task results, failures only if asked (big fields deferred)."""
    results = TaskResult.objects.defer("result", "traceback", "meta").order_by("-date_done")
    if failed_only:
        results = results.filter(status__in=FAILED_STATES)
    return results[:limit]


def _arguments(encoded: str | None, empty: Any) -> Any:
    """Arguments as the backend stored them: JSON of Celery's ``argsrepr``/``kwargsrepr``, a
    Python literal of JSON-able values (tasks accept JSON only), or None when not recorded."""
    if not encoded:
        return empty
    value = json.loads(encoded)
    return ast.literal_eval(value) if isinstance(value, str) else value


def retry(result: TaskResult) -> str:
    """Send the task of ``result`` again with the same args and kwargs; the new task's id.

    Refused when the task is not registered in this process (renamed or removed since), or its
    arguments were not recorded in full (Celery shortens very long ``argsrepr``).
    """
    task = current_app.tasks.get(result.task_name or "")
    if task is None:
        raise RetryRefused(f"unknown task {result.task_name or '(no name)'}")
    try:
        args = _arguments(result.task_args, ())
        kwargs = _arguments(result.task_kwargs, {})
    except (ValueError, SyntaxError) as exc:
        raise RetryRefused(f"arguments of {result.task_id} cannot be read back") from exc
    if not isinstance(args, list | tuple) or not isinstance(kwargs, dict):
        raise RetryRefused(f"arguments of {result.task_id} cannot be read back")
    sent = task.apply_async(args=list(args), kwargs=kwargs)
    logger.info("Task %s (%s) sent again as %s", result.task_name, result.task_id, sent.id)
    return sent.id


@dataclass(frozen=True)
class ScheduledRow:
    task: PeriodicTask
    next_run: datetime | None


def _next_run(task: PeriodicTask) -> datetime | None:
    if not task.enabled:
        return None
    try:
        schedule = task.schedule
        now = schedule.now() if hasattr(schedule, "now") else timezone.now()
        return now + schedule.remaining_estimate(task.last_run_at or now)
    except Exception:  # a schedule without an estimate (e.g. a clocked one already run)
        return None


def scheduled_tasks() -> list[ScheduledRow]:
    """Every periodic task of django-celery-beat, by name, with when it runs next."""
    tasks = PeriodicTask.objects.select_related("crontab", "interval", "solar", "clocked").order_by(
        "name"
    )
    return [ScheduledRow(task, _next_run(task)) for task in tasks]


def set_enabled(task: PeriodicTask, enabled: bool) -> None:
    """Switch a periodic task on or off and tell the running beat to reload its schedule."""
    task.enabled = enabled
    task.save(update_fields=["enabled"])
    PeriodicTasks.update_changed()
