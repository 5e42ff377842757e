"""How domain events reach people (connected in ``MessagingConfig.ready``).

Each receiver turns one event of ``orion_core.domain_events`` into a notification type of
``registry`` and tells the vendor's team members who may see it (the type's permission), on
the channels each of them wants. Nothing happens on a platform where messaging is off
(``notifications.tell_team`` checks). Events arrive after the sender's commit; the senders never
import messaging, and a receiver that raises is logged by the event and never reaches them.

| event | type | who |
| --- | --- | --- |
| ``order_placed`` | ``orders.order_placed`` | team members with ``orders.view`` |
| ``order_paid`` | ``orders.order_paid`` | team members with ``orders.view`` |
| ``stock_low`` | ``inventory.stock_low`` | team members with ``inventory.view`` |
| ``import_finished`` | ``marketplace.import_finished`` | team members with ``marketplace.view`` |

And one of messaging's own: a user's cached unread count (the bell) goes stale on commit of any
write to one of their notifications, whoever made it (a service, the admin, a factory).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from modules.messaging import registry
from modules.messaging.models import Notification
from modules.messaging.services import notifications
from orion_core import shared_cache
from orion_core.domain_events import import_finished, order_paid, order_placed, stock_low


@receiver(post_save, sender=Notification, dispatch_uid="messaging_inbox_saved")
@receiver(post_delete, sender=Notification, dispatch_uid="messaging_inbox_deleted")
def on_notification_written(sender: type, instance: Notification, **kwargs: Any) -> None:
    if instance.recipient_user_id is not None:
        shared_cache.bump_on_commit(notifications.inbox_scope(instance.recipient_user_id))


@receiver(order_placed, dispatch_uid="messaging_order_placed")
def on_order_placed(
    sender: str, *, platform_id: int | None, vendor_id: int | None, **payload: Any
) -> None:
    if vendor_id:
        notifications.tell_team(
            registry.ORDER_PLACED, platform_id=platform_id, vendor_id=vendor_id, context=payload
        )


@receiver(order_paid, dispatch_uid="messaging_order_paid")
def on_order_paid(
    sender: str, *, platform_id: int | None, vendor_id: int | None, **payload: Any
) -> None:
    if vendor_id:
        notifications.tell_team(
            registry.ORDER_PAID, platform_id=platform_id, vendor_id=vendor_id, context=payload
        )


@receiver(stock_low, dispatch_uid="messaging_stock_low")
def on_stock_low(
    sender: str, *, platform_id: int | None, vendor_id: int | None, **payload: Any
) -> None:
    if vendor_id:
        notifications.tell_team(
            registry.STOCK_LOW, platform_id=platform_id, vendor_id=vendor_id, context=payload
        )


@receiver(import_finished, dispatch_uid="messaging_import_finished")
def on_import_finished(
    sender: str, *, platform_id: int | None, vendor_id: int | None, **payload: Any
) -> None:
    if vendor_id:
        notifications.tell_team(
            registry.IMPORT_FINISHED, platform_id=platform_id, vendor_id=vendor_id, context=payload
        )
