"""Celery plumbing for modules: per-platform tasks that run only where their module is on."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from orion_core.models import Platform, PlatformModule
from orion_core.services import ModuleService

logger = logging.getLogger(__name__)

SKIPPED = "skipped: module disabled"


class PlatformTask(Task):
    """Base for a task that works on one platform for one module.

    Declare ``@shared_task(base=PlatformTask, module="analytics")`` and take ``platform_id``.
    The module state is re-checked when the task runs (not when it was queued), so a task
    queued before the module was disabled does nothing; it returns :data:`SKIPPED`.
    """

    abstract = True
    module: str = ""

    def __call__(self, *args: Any, platform_id: int, **kwargs: Any) -> Any:
        if not self.module:
            raise TypeError(f"{self.name} is a PlatformTask but declares no module.")
        try:
            enabled = ModuleService().is_enabled(platform_id, self.module)
        except Platform.DoesNotExist:
            logger.info("%s: platform %s no longer exists; skipped", self.name, platform_id)
            return SKIPPED
        if not enabled:
            logger.info(
                "%s: module %s is off on platform %s; skipped", self.name, self.module, platform_id
            )
            return SKIPPED
        return super().__call__(*args, platform_id=platform_id, **kwargs)


@shared_task(name="orion_core.tasks.fan_out", acks_late=True)
def fan_out(*, task: str, module: str, kwargs: dict[str, Any] | None = None) -> list[int]:
    """Queue ``task`` once for every active platform with ``module`` enabled (beat calls this)."""
    platform_ids = list(
        PlatformModule.objects.filter(module_code=module, is_enabled=True, platform__is_active=True)
        .order_by("platform_id")
        .values_list("platform_id", flat=True)
    )
    for platform_id in platform_ids:
        dispatch(task, {**(kwargs or {}), "platform_id": platform_id})
    return platform_ids


def dispatch(task: str, kwargs: dict[str, Any]) -> None:
    """Run the task named ``task`` with ``kwargs``: in process when no broker is configured
    (``task_always_eager``), else through the broker.

    Eagerly, every app's ``tasks.py`` is imported first (Celery only autodiscovers them in a
    worker), so a web process or a management command finds tasks it never imported; an
    unknown name raises ``celery.exceptions.NotRegistered``. With a broker the task is sent by
    name, so a task registered only in the worker processes is still delivered.
    """
    app = fan_out.app
    if app.conf.task_always_eager:
        app.loader.import_default_modules()
        app.tasks[task].apply(kwargs=kwargs)
    else:
        app.send_task(task, kwargs=kwargs)
