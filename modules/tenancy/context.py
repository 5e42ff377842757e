"""The tenant a piece of work runs for, carried across requests, Celery tasks and log records.

A ``contextvars.ContextVar`` holds the current platform and vendor (ids and codes). The vendor
mixins set it for the duration of a view (``tenant_context``); ``modules.tenancy.signals`` puts
it into the headers of every task published inside it and restores it, together with the
vendor's query scope, while the task runs. ``TenantLogFilter`` copies it onto log records as
``record.platform`` / ``record.vendor`` and ``tag_vendor`` onto the Sentry scope.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sentry_sdk


@dataclass(frozen=True)
class TenantContext:
    platform_id: int | None = None
    platform_code: str = ""
    vendor_id: int | None = None
    vendor_code: str = ""

    def as_headers(self) -> dict[str, dict[str, Any] | None]:
        platform = (
            {"id": self.platform_id, "code": self.platform_code} if self.platform_id else None
        )
        vendor = {"id": self.vendor_id, "code": self.vendor_code} if self.vendor_id else None
        return {"orion_platform": platform, "orion_vendor": vendor}

    @classmethod
    def from_headers(cls, platform: Any, vendor: Any) -> TenantContext:
        platform = platform if isinstance(platform, dict) else {}
        vendor = vendor if isinstance(vendor, dict) else {}
        return cls(
            platform_id=platform.get("id"),
            platform_code=platform.get("code") or "",
            vendor_id=vendor.get("id"),
            vendor_code=vendor.get("code") or "",
        )


EMPTY = TenantContext()
_current: ContextVar[TenantContext] = ContextVar("orion_tenant", default=EMPTY)


def current() -> TenantContext:
    """The tenant of the running request or task (``EMPTY`` outside any)."""
    return _current.get()


@contextlib.contextmanager
def tenant_context(platform: Any = None, vendor: Any = None) -> Iterator[TenantContext]:
    """Make ``platform``/``vendor`` (model instances, either may be None) current in the block."""
    ctx = TenantContext(
        platform_id=getattr(platform, "pk", None),
        platform_code=getattr(platform, "code", "") or "",
        vendor_id=getattr(vendor, "pk", None),
        vendor_code=getattr(vendor, "code", "") or "",
    )
    token = _current.set(ctx)
    tag_vendor(ctx.vendor_code)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_context(ctx: TenantContext) -> Any:
    """Low level: make ``ctx`` current, returning the token for ``reset_context``."""
    return _current.set(ctx)


def reset_context(token: Any) -> None:
    _current.reset(token)


def tag_vendor(vendor_code: str, platform_code: str = "") -> None:
    """Tag the current Sentry scope with the vendor (and platform); a no-op without Sentry."""
    if not sentry_sdk.get_client().is_active():
        return
    scope = sentry_sdk.get_isolation_scope()
    if vendor_code:
        scope.set_tag("vendor", vendor_code)
    if platform_code:
        scope.set_tag("platform", platform_code)


class TenantLogFilter(logging.Filter):
    """Adds ``platform`` and ``vendor`` (codes, "-" when none) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = _current.get()
        record.platform = ctx.platform_code or "-"
        record.vendor = ctx.vendor_code or "-"
        return True
