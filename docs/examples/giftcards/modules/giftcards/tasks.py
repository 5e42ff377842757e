"""Giftcards Celery tasks (autodiscovered).

Declare the periodic ones as ScheduledTask in apps.py.

A PlatformTask takes ``platform_id`` and does nothing (returns orion_core.tasks.SKIPPED) when
the module is off for that platform by the time it runs. Tasks must be idempotent: safe to retry.
"""

from celery import shared_task

from modules.giftcards import services
from orion_core.tasks import PlatformTask


@shared_task(base=PlatformTask, module="giftcards")
def expire_cards(*, platform_id: int) -> int:
    """Empty the expired gift cards of the platform's vendors (nightly, see apps.py)."""
    return services.expire_cards(platform_id)
