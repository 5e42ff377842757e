"""Carrying the tenant context into Celery tasks (PRACTICES.md: request context does not travel
into tasks by itself).

``before_task_publish`` adds the headers ``orion_platform`` / ``orion_vendor`` from the current
context; ``task_prerun`` restores the context, the vendor's query scope and the Sentry tag for
the task's duration; ``task_postrun`` puts everything back. Eager tasks (no broker) go through
``apply()``, which publishes nothing, so for them the context is taken from the caller, which is
the same thread.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from modules.tenancy import context

logger = logging.getLogger(__name__)

HEADERS = ("orion_platform", "orion_vendor")
# task id -> the ExitStack undoing what task_prerun set up.
_active: dict[str, contextlib.ExitStack] = {}


@before_task_publish.connect(dispatch_uid="orion_tenancy_publish")
def add_tenant_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is None:
        return
    ctx = context.current()
    if ctx is context.EMPTY:
        return
    for name, value in ctx.as_headers().items():
        headers.setdefault(name, value)


def _context_of(task: Any) -> context.TenantContext:
    request = getattr(task, "request", None)
    platform = getattr(request, "orion_platform", None)
    vendor = getattr(request, "orion_vendor", None)
    if platform is None and vendor is None:
        headers = getattr(request, "headers", None) or {}
        platform, vendor = headers.get("orion_platform"), headers.get("orion_vendor")
    if platform is None and vendor is None:
        # Eager execution in the caller's thread: the caller's context is the task's.
        return context.current()
    return context.TenantContext.from_headers(platform, vendor)


@task_prerun.connect(dispatch_uid="orion_tenancy_prerun")
def enter_tenant_context(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id is None or task is None:
        return
    ctx = _context_of(task)
    stack = contextlib.ExitStack()
    token = context.set_context(ctx)
    stack.callback(context.reset_context, token)
    if ctx.vendor_id:
        from django_scopes import scope

        stack.enter_context(scope(vendor=ctx.vendor_id))
    context.tag_vendor(ctx.vendor_code, ctx.platform_code)
    _active[task_id] = stack


@task_postrun.connect(dispatch_uid="orion_tenancy_postrun")
def leave_tenant_context(task_id: str | None = None, **kwargs: Any) -> None:
    stack = _active.pop(task_id, None) if task_id else None
    if stack is not None:
        try:
            stack.close()
        except ValueError:  # a token from another context (should not happen): log, go on
            logger.warning("Could not reset the tenant context of task %s", task_id)
