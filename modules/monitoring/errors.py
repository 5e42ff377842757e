"""Recent application errors: turning a log record into an ``ErrorRecord``, grouping repeats,
the retention purge and the staff list.

The logging handler (``modules.monitoring.log_handler``) calls :func:`entry_from_record` and
:func:`record_error`; everything here is plain Django so it is tested without logging.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from modules.monitoring.models import ErrorRecord

# A repeat of an error within this time of its last occurrence counts on the same row.
REPEAT_WINDOW = timedelta(minutes=1)
MESSAGE_LIMIT = 2_000
TRACEBACK_LIMIT = 20_000
FINGERPRINT_FRAMES = 3
LEVELS = ("ERROR", "CRITICAL")


@dataclass(frozen=True)
class ErrorEntry:
    """What is kept of one log record: the fields of ``ErrorRecord`` it fills."""

    fingerprint: str
    level: str
    logger_name: str
    message: str
    exception_type: str = ""
    traceback: str = ""
    request_method: str = ""
    request_path: str = ""
    request_host: str = ""
    platform_code: str = ""
    user_id: int | None = None
    task_name: str = ""
    task_id: str = ""


def _cap(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: its start and its end, which of a traceback are the
    entry point and the innermost frames (the part that says what failed)."""
    if len(text) <= limit:
        return text
    head = limit // 5
    tail = limit - head - 3
    return f"{text[:head]}\n…\n{text[-tail:]}"


def _short_path(filename: str) -> str:
    """A frame's file without the deployment's own directories, so the fingerprint of an error
    is the same from one release directory (or virtualenv) to the next."""
    path = Path(filename)
    try:
        return path.relative_to(settings.BASE_DIR).as_posix()
    except ValueError:
        parts = path.parts
        if "site-packages" in parts:
            return "/".join(parts[parts.index("site-packages") + 1 :])
        return path.name


def fingerprint(record: logging.LogRecord) -> str:
    """Same error, same fingerprint: the exception's type, the logger and the innermost frames
    (file and function, not line numbers, which move with every edit); without an exception, the
    logger, the message's template (not its arguments) and where it was logged."""
    exc_type, _exc, tb = record.exc_info or (None, None, None)
    if exc_type is not None:
        frames = traceback.extract_tb(tb)[-FINGERPRINT_FRAMES:] if tb else []
        parts = [exc_type.__qualname__, record.name]
        parts += [f"{_short_path(f.filename)}:{f.name}" for f in frames]
    else:
        parts = [record.name, str(record.msg), f"{_short_path(record.pathname)}:{record.funcName}"]
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # arguments that do not fit the template: keep the template
        return str(record.msg)


def _traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    return "".join(traceback.format_exception(*exc_info))


def _request_fields(request: Any) -> dict[str, Any]:
    """Method, path, host, platform and user of the request a record was logged for. Never the
    query string, body, cookies or headers (other than the host); the user only when the request
    has already loaded it (the handler must not query)."""
    if request is None:
        return {}
    meta = getattr(request, "META", {}) or {}
    fields: dict[str, Any] = {
        "request_method": str(getattr(request, "method", "") or "")[:10],
        "request_path": str(getattr(request, "path", "") or "")[:500],
        "request_host": str(meta.get("HTTP_HOST") or meta.get("SERVER_NAME") or "")[:255],
    }
    platform = getattr(request, "platform", None)
    if platform is not None:
        fields["platform_code"] = str(getattr(platform, "code", "") or "")[:64]
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject) and user._wrapped is empty:  # not loaded: do not query
        user = None
    if user is not None and getattr(user, "is_authenticated", False):
        fields["user_id"] = user.pk
    return fields


def _task_fields() -> dict[str, str]:
    """The Celery task running in this thread, if any."""
    from celery import current_task

    task = current_task._get_current_object() if current_task else None
    if task is None:
        return {}
    return {"task_name": (task.name or "")[:200], "task_id": str(task.request.id or "")[:64]}


def entry_from_record(record: logging.LogRecord) -> ErrorEntry:
    """What to keep of ``record``: capped message and traceback, the request or task it belongs
    to, and the platform (the request's, else the tenant ``TenantLogFilter`` put on the record)."""
    exc_info = record.exc_info if record.exc_info and record.exc_info[0] else None
    fields: dict[str, Any] = {}
    tenant = getattr(record, "platform", "")
    if isinstance(tenant, str) and tenant not in ("", "-"):
        fields["platform_code"] = tenant[:64]
    fields.update(_request_fields(getattr(record, "request", None)))
    fields.update(_task_fields())
    return ErrorEntry(
        fingerprint=fingerprint(record),
        level=record.levelname[:10],
        logger_name=record.name[:200],
        message=_cap(_message(record), MESSAGE_LIMIT),
        exception_type=exc_info[0].__qualname__[:200] if exc_info else "",
        traceback=_cap(_traceback(exc_info), TRACEBACK_LIMIT) if exc_info else "",
        **fields,
    )


def record_error(entry: ErrorEntry, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Count ``entry`` on the newest row of its fingerprint when that one was last seen within
    ``REPEAT_WINDOW``, else keep it as a new row. Two queries at most; the caller chooses the
    connection and the transaction."""
    now = timezone.now()
    records = ErrorRecord.objects.using(using)
    newest = (
        records.filter(fingerprint=entry.fingerprint, last_seen__gte=now - REPEAT_WINDOW)
        .order_by("-last_seen")
        .values("pk")[:1]
    )
    if records.filter(pk__in=newest).update(occurrences=F("occurrences") + 1, last_seen=now):
        return
    records.create(first_seen=now, last_seen=now, **asdict(entry))


def retention() -> timedelta:
    return timedelta(days=settings.MONITORING_ERROR_RETENTION_DAYS)


def purge_errors(now: Any = None) -> int:
    """Delete the rows not seen for longer than ``MONITORING_ERROR_RETENTION_DAYS``; how many."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _by_model = ErrorRecord.objects.filter(last_seen__lt=cutoff).delete()
    return deleted


def error_groups(
    *, level: str = "", logger_name: str = "", platform_code: str = "", search: str = ""
) -> QuerySet:
    """One row (a dict) per fingerprint among the filtered records, most recently seen first:
    total ``occurrences``, ``bursts`` (rows), ``first_seen``, ``last_seen`` and ``newest_id``,
    the newest record (see :func:`with_newest`). ``logger_name`` matches the logger and its
    children; ``search`` looks in the message, the exception type and the path."""
    records = ErrorRecord.objects.all()
    if level:
        records = records.filter(level=level)
    if logger_name:
        records = records.filter(
            Q(logger_name=logger_name) | Q(logger_name__startswith=f"{logger_name}.")
        )
    if platform_code:
        records = records.filter(platform_code=platform_code)
    if search:
        records = records.filter(
            Q(message__icontains=search)
            | Q(exception_type__icontains=search)
            | Q(request_path__icontains=search)
        )
    newest = records.filter(fingerprint=OuterRef("fingerprint")).order_by("-last_seen", "-pk")
    return (
        records.values("fingerprint")
        .annotate(
            occurrences_total=Sum("occurrences"),
            bursts=Count("pk"),
            first_seen_min=Min("first_seen"),
            last_seen_max=Max("last_seen"),
            newest_id=Subquery(newest.values("pk")[:1]),
        )
        .order_by("-last_seen_max", "fingerprint")
    )


def with_newest(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``groups`` (a page of :func:`error_groups`) each with its newest record under
    ``record`` (traceback deferred): one query for the page."""
    ids = [group["newest_id"] for group in groups]
    newest = ErrorRecord.objects.defer("traceback").in_bulk(ids)
    return [{**group, "record": newest.get(group["newest_id"])} for group in groups]


def bursts_of(record: ErrorRecord, limit: int = 20) -> list[ErrorRecord]:
    """The newest rows of ``record``'s error (its other bursts included), big fields deferred."""
    return list(
        ErrorRecord.objects.filter(fingerprint=record.fingerprint)
        .defer("traceback", "message")
        .order_by("-last_seen")[:limit]
    )
