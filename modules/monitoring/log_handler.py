"""The logging handler that keeps ERROR records as ``ErrorRecord`` rows (config/settings.py wires
it on the root logger and ``django.request`` at ERROR; in a worker, Celery's task loggers get it
too, as they do not propagate to the root there).

Logging must never break what it reports on, so the handler:

- never raises: a record it cannot write is dropped (``handleError`` is not called, it would
  print a traceback per error on stderr);
- never recurses: a record logged while it writes (by the database layer, say) is ignored;
- writes each record once, even when it reaches the handler through two loggers;
- does nothing until the apps are loaded or when the monitoring app is not installed, and pauses
  for ``PAUSE_AFTER_FAILURE`` after the database could not be reached (so an outage does not cost
  every error a connection timeout);
- never writes where the row would be rolled back with the failed work. Outside any
  ``atomic`` block (how Django handles a request's exception: the view's blocks have been
  left, and rolled back, by then) it writes on the thread's connection, in its own transaction.
  Inside a block, or in a transaction already marked for rollback, it writes on a connection of
  its own, opened for the write and closed after it, so the record survives the rollback and a
  broken transaction is never touched. The block Django's ``TestCase`` wraps each test in does
  not count (``_from_testcase``): a test's rows are rolled back with the test.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery.signals import after_setup_task_logger

PAUSE_AFTER_FAILURE = 30.0  # seconds
OWN_ALIAS = "monitoring_errors"
_MARK = "_orion_error_recorded"


class ErrorRecordHandler(logging.Handler):
    def __init__(self, level: int = logging.ERROR) -> None:
        super().__init__(level)
        self._local = threading.local()
        self._paused_until = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, _MARK, False) or getattr(self._local, "busy", False):
            return
        if time.monotonic() < self._paused_until or not _monitoring_ready():
            return
        setattr(record, _MARK, True)
        self._local.busy = True
        try:
            self._write(record)
        except Exception as exc:
            from django.db import OperationalError

            if isinstance(exc, OperationalError):  # unreachable database: stop trying a while
                self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        finally:
            self._local.busy = False

    def _write(self, record: logging.LogRecord) -> None:
        from django.db import DEFAULT_DB_ALIAS, connections, transaction

        from modules.monitoring.errors import entry_from_record, record_error

        entry = entry_from_record(record)
        if _rolled_back_with_caller(connections[DEFAULT_DB_ALIAS]):
            with own_connection() as alias, transaction.atomic(using=alias):
                record_error(entry, using=alias)
        else:
            with transaction.atomic():
                record_error(entry)


def _monitoring_ready() -> bool:
    from django.apps import apps

    return apps.ready and apps.is_installed("modules.monitoring")


def _rolled_back_with_caller(connection: object) -> bool:
    """Whether a row written on ``connection`` now could be rolled back with the caller's work:
    inside an application's ``atomic`` block, or in a transaction marked for rollback."""
    if getattr(connection, "needs_rollback", False):
        return True
    blocks = getattr(connection, "atomic_blocks", ())
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


@contextmanager
def own_connection() -> Iterator[str]:
    """A new connection to the default database, under ``OWN_ALIAS`` in this thread only, closed
    afterwards (errors inside atomic blocks are rare; a connection kept open for them would sit
    idle in every process)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import load_backend

    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    backend = load_backend(settings_dict["ENGINE"])
    connection = backend.DatabaseWrapper(settings_dict, alias=OWN_ALIAS)
    connections[OWN_ALIAS] = connection
    try:
        yield OWN_ALIAS
    finally:
        del connections[OWN_ALIAS]
        connection.close()


@after_setup_task_logger.connect(dispatch_uid="orion_monitoring_task_errors", weak=False)
def _keep_task_errors(logger: logging.Logger, **kwargs: object) -> None:
    """In a worker, Celery's task loggers (``get_task_logger``) stop propagating to the root
    logger, whose handler keeps errors: give them that same handler (a record reaching it
    twice is written once)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, ErrorRecordHandler) and handler not in logger.handlers:
            logger.addHandler(handler)
