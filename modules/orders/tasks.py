"""Orders' Celery tasks (autodiscovered); the periodic one is declared in apps.py."""

from __future__ import annotations

from celery import shared_task

from modules.orders.services import orders


@shared_task(name="orders.release_expired_orders", acks_late=True)
def release_expired_orders() -> int:
    """Cancel every unpaid order past its time to pay and release its stock, for every vendor
    (an order placed while orders was on must be released even if it has since been switched
    off). Idempotent and safe to run twice at once; returns how many were cancelled."""
    return orders.expire_unpaid()
