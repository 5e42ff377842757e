"""Scheduled work of the monitoring module."""

from __future__ import annotations

from celery import shared_task

from modules.monitoring.errors import purge_errors
from modules.monitoring.services import module_health, record_health
from orion_core.services import ModuleService
from orion_core.tasks import PlatformTask

OK = "ok"


@shared_task(base=PlatformTask, module="monitoring", name="monitoring.check_module_health")
def check_module_health(*, platform_id: int) -> dict[str, str]:
    """Run the ``health_check`` hook of every module enabled on the platform.

    Returns ``{code: "ok" | "<error message>"}`` (JSON-able, for the result backend). A failing
    module is logged as an error and reported; it never stops the others from being checked.
    Each result is kept as a ``HealthSample`` (the page of health over time), and samples older
    than the retention are deleted. Runs only where monitoring is enabled (``PlatformTask``
    re-checks when the task starts).
    """
    enabled = ModuleService().enabled_codes(platform_id)
    results = module_health(enabled)
    record_health(platform_id, results)
    return {health.code: OK if health.ok else health.detail for health in results}


@shared_task(name="monitoring.purge_errors", acks_late=True)
def purge_error_records() -> int:
    """Delete the application errors not seen for ``MONITORING_ERROR_RETENTION_DAYS``; how many
    rows went. Daily, for every platform at once (errors are kept per process, not per
    platform)."""
    return purge_errors()
