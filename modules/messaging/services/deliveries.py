"""E-mail deliveries: queued with the notification, sent by a Celery task, logged.

- ``queue`` writes the ``Delivery`` (rendered text, sender, recipient) inside the caller's
  transaction and sends the task when it commits: nothing is sent for a rolled-back change, and
  a task never looks for a row that is not committed yet.
- ``send`` (the task's body) sends one delivery once: it locks the row (``SKIP LOCKED``: a second
  worker holding the same delivery leaves it to the first), does nothing for a delivery already
  sent or given up, and records every attempt. A failure raises ``TransientSendError`` so the
  task retries with exponential backoff; the last allowed attempt marks it ``failed`` and
  returns (nothing propagates to whoever queued it).
- ``sweep`` (scheduled) re-queues deliveries left waiting longer than any backoff: the broker
  was down when they were queued, or a worker died holding them.
- ``retry`` puts a failed delivery back in the queue (the portal's and the dashboard's button).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.messaging.models import Delivery, Notification

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(hours=1)  # longer than the longest backoff (tasks.py)
SWEEP_BATCH = 500
ERROR_MAX = 2000


class TransientSendError(Exception):
    """Sending failed and may work later: the task retries (with backoff)."""


def queue(notification: Notification | None, *, to_email: str, sender: Any, text: Any) -> Delivery:
    """A delivery of ``text`` to ``to_email``, sent once the current transaction commits."""
    delivery = Delivery.objects.create(
        platform_id=getattr(notification, "platform_id", None),
        vendor_id=getattr(notification, "vendor_id", None),
        notification=notification,
        kind=getattr(notification, "kind", ""),
        to_email=to_email,
        from_email=sender.from_email,
        reply_to=sender.reply_to,
        subject=text.subject,
        body=text.body,
        html_body=text.html,
    )
    transaction.on_commit(lambda: enqueue(delivery.pk), robust=True)
    return delivery


def enqueue(delivery_id: int) -> None:
    """Send the task; a broker that cannot be reached is logged (``sweep`` queues it later)."""
    from modules.messaging.tasks import send_delivery

    try:
        send_delivery.delay(delivery_id)
    except Exception:
        logger.exception("messaging: could not queue delivery %s; the sweep will", delivery_id)


def message_of(delivery: Delivery) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        from_email=delivery.from_email,
        to=[delivery.to_email],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    return message


def send(delivery_id: int, *, final: bool) -> str:
    """Send delivery ``delivery_id`` unless it is done; returns its status. ``final``: this is
    the last attempt allowed (a failure marks it failed instead of raising)."""
    with scopes_disabled(), transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id).first()
        )
        if delivery is None:  # gone, or another worker is sending it right now
            return "skipped"
        if delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
            return delivery.status  # never twice
        delivery.attempts += 1
        try:
            message_of(delivery).send()
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
            delivery.status = Delivery.Status.FAILED if final else Delivery.Status.RETRYING
            failure: Exception | None = error
        else:
            delivery.status, delivery.sent_at, delivery.last_error = (
                Delivery.Status.SENT,
                timezone.now(),
                "",
            )
            failure = None
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    # Committed: the attempt is in the log whatever follows.
    if failure is None:
        return Delivery.Status.SENT
    if final:
        logger.error(
            "messaging: delivery %s to %s failed for good after %s attempts: %s",
            delivery_id,
            delivery.to_email,
            delivery.attempts,
            delivery.last_error,
        )
        return Delivery.Status.FAILED
    logger.warning("messaging: delivery %s failed (%s); retrying", delivery_id, delivery.last_error)
    raise TransientSendError(delivery.last_error) from failure


def sweep(now: datetime.datetime | None = None) -> int:
    """Queue again the deliveries waiting for longer than any retry would; how many."""
    now = now or timezone.now()
    with scopes_disabled():
        waiting = list(
            Delivery.objects.filter(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING],
                updated_at__lt=now - STALE_AFTER,
            )
            .order_by("updated_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        Delivery.objects.filter(pk__in=waiting).update(updated_at=now)
    for pk in waiting:
        enqueue(pk)
    return len(waiting)


def retry(delivery: Delivery) -> bool:
    """Queue a failed delivery again (its attempts keep counting); False if it is not failed."""
    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
                status=Delivery.Status.QUEUED, updated_at=timezone.now()
            )
            > 0
        )
        if changed:
            transaction.on_commit(lambda: enqueue(delivery.pk), robust=True)
    return changed
