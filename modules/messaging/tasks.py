"""Messaging's Celery tasks (autodiscovered); the sweep is scheduled in apps.py.

``send_delivery`` sends one e-mail of the log. A failure is retried by Celery (``autoretry_for``)
with exponential backoff and jitter: about 1, 2, 4, 8, 16 minutes, at most ``BACKOFF_MAX``
seconds apart, ``MAX_RETRIES`` times; the last attempt marks the delivery failed. It runs whether
messaging is still on or not: an e-mail queued was a promise already made (an order confirmed).
Idempotent (a delivery is sent at most once, see ``services.deliveries.send``), so ``acks_late``
redelivery after a worker died is safe. Without a broker (tasks run eagerly) the attempts run
back to back, in process.
"""

from __future__ import annotations

from celery import shared_task

from modules.messaging.services import deliveries

MAX_RETRIES = 5
BACKOFF = 60  # seconds before the first retry, doubled each time
BACKOFF_MAX = 30 * 60  # deliveries.STALE_AFTER must stay above this


@shared_task(
    bind=True,
    name="messaging.send_delivery",
    acks_late=True,
    autoretry_for=(deliveries.TransientSendError,),
    retry_backoff=BACKOFF,
    retry_backoff_max=BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def send_delivery(self, delivery_id: int) -> str:
    """Send delivery ``delivery_id``; its status afterwards."""
    try:
        return deliveries.send(delivery_id, final=self.request.retries >= MAX_RETRIES)
    except deliveries.TransientSendError:
        if not self.request.is_eager:
            raise  # autoretry_for: again after the backoff
    # No broker (the embedded default, tests): no worker will retry later, and an eager Retry
    # would propagate to whoever queued it. The next attempt runs now, as the next retry would.
    return self.apply(args=[delivery_id], retries=self.request.retries + 1).get()


@shared_task(name="messaging.sweep_deliveries", acks_late=True)
def sweep_deliveries() -> int:
    """Queue again what waited too long (a broker outage, a dead worker); how many."""
    return deliveries.sweep()
