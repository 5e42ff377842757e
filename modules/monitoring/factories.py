"""factory-boy factories of monitoring's models (tests)."""

from __future__ import annotations

import factory

from modules.monitoring.models import ErrorRecord


class ErrorRecordFactory(factory.django.DjangoModelFactory):
    """A recorded error as the logging handler keeps it: each one its own error (fingerprint)
    unless given one."""

    class Meta:
        model = ErrorRecord

    fingerprint = factory.Sequence(lambda n: f"{n:040x}")
    level = "ERROR"
    logger_name = "modules.orders.services"
    message = factory.Sequence(lambda n: f"Something failed ({n})")
    exception_type = "ValueError"
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: failed\n'
