"""Billing's Celery tasks (autodiscovered); the periodic one is declared in apps.py."""

from __future__ import annotations

from celery import shared_task

from modules.billing.services import invoices, subscriptions
from orion_core.tasks import PlatformTask


@shared_task(
    name="billing.advance_subscriptions", base=PlatformTask, module="billing", acks_late=True
)
def advance_subscriptions(*, platform_id: int) -> dict[str, int]:
    """Move the platform's subscriptions whose trial or period ended (trials to active or
    expired, renewals, cancellations at period end). Runs only while billing is on there
    (``PlatformTask``); idempotent and safe to run twice at once. Returns how many of each."""
    return subscriptions.advance(platform_id).as_dict()


@shared_task(name="billing.run_invoices", base=PlatformTask, module="billing", acks_late=True)
def run_invoices(*, platform_id: int) -> dict[str, int]:
    """Issue the platform's invoices that are due, dun the overdue ones and tell trials that
    end soon (``services.invoices.run``). Idempotent: a retry after a crash half-way issues
    only what is still missing. Returns how many of each."""
    return invoices.run(platform_id).as_dict()
