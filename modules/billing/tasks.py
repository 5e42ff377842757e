"""Billing's Celery tasks (autodiscovered); the periodic one is declared in apps.py."""

from __future__ import annotations

from celery import shared_task

from modules.billing.services import subscriptions
from orion_core.tasks import PlatformTask


@shared_task(
    name="billing.advance_subscriptions", base=PlatformTask, module="billing", acks_late=True
)
def advance_subscriptions(*, platform_id: int) -> dict[str, int]:
    """Move the platform's subscriptions whose trial or period ended (trials to active or
    expired, renewals, cancellations at period end). Runs only while billing is on there
    (``PlatformTask``); idempotent and safe to run twice at once. Returns how many of each."""
    return subscriptions.advance(platform_id).as_dict()
