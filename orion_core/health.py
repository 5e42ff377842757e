"""Liveness and readiness probes (``/health/`` and ``/health/ready/``), as JSON.

Readiness runs django-health-check's database and cache checks, a broker check when a broker is
configured, and the ``health_check`` hook of every module enabled on at least one active
platform. Any failure answers 503 so a load balancer takes the process out of rotation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views import View
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from orion_core.models import PlatformModule
from orion_core.modules.registry import get_registry


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection."""

    url: str = dataclasses.field(default="", repr=False)
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        from kombu import Connection

        try:
            with Connection(self.url, connect_timeout=self.timeout.total_seconds()) as conn:
                conn.ensure_connection(max_retries=1)
        except Exception as exc:
            raise ServiceUnavailable(f"Broker unreachable: {type(exc).__name__}") from exc


@dataclasses.dataclass
class ModuleHealth(HealthCheck):
    """A module's own ``health_check`` hook; its exception message says what is wrong."""

    module: str = ""

    def run(self) -> None:
        try:
            get_registry().get(self.module).health_check()
        except Exception as exc:
            raise ServiceUnavailable(str(exc) or type(exc).__name__) from exc


def enabled_anywhere() -> list[str]:
    """Codes of modules enabled on at least one active platform, in dependency order."""
    registry = get_registry()
    codes = set(
        PlatformModule.objects.filter(is_enabled=True, platform__is_active=True)
        .values_list("module_code", flat=True)
        .distinct()
    )
    codes |= {d.code for d in registry if d.is_core}
    return registry.dependency_order(c for c in codes if c in registry)


def readiness_checks() -> list[HealthCheck]:
    checks: list[HealthCheck] = [Database(), Cache()]
    if settings.CELERY_BROKER_URL:
        checks.append(Broker(url=settings.CELERY_BROKER_URL))
    try:
        modules = enabled_anywhere()
    except Exception:  # the database check reports the outage; module checks need it
        modules = []
    checks += [ModuleHealth(module=code) for code in modules]
    return checks


def _label(check: HealthCheck) -> str:
    if isinstance(check, ModuleHealth):
        return f"module:{check.module}"
    return type(check).__name__.lower()


def _result(result: HealthCheckResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "ok" if result.error is None else "unavailable",
        "ms": round(result.time_taken * 1000, 1),
    }
    if result.error is not None:
        body["error"] = str(result.error)
    return body


class ReadinessView(HealthCheckView):
    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        checks = await sync_to_async(readiness_checks)()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks))
        ready = all(result.error is None for result in results)
        body = {
            "status": "ok" if ready else "unavailable",
            "checks": {_label(r.check): _result(r) for r in results},
        }
        return JsonResponse(body, status=200 if ready else 503)


class LivenessView(View):
    """The process answers: nothing else is checked, so a database outage never restarts it."""

    def get(self, request: HttpRequest) -> JsonResponse:
        response = JsonResponse({"status": "ok"})
        add_never_cache_headers(response)
        return response
