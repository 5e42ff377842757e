"""Inventory's Celery tasks (autodiscovered); the periodic one is declared in apps.py."""

from __future__ import annotations

from celery import shared_task

from modules.inventory import services


@shared_task(name="inventory.release_expired_reservations", acks_late=True)
def release_expired_reservations() -> int:
    """Release every held reservation whose expiry has passed, for every vendor (stock is per
    vendor, not per platform, and a reservation that ran out must free its units even where
    inventory has since been switched off). Idempotent and safe to run twice at once; returns
    how many reservations were released."""
    return services.expire_reservations()
