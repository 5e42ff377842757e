"""What payments keeps in the shared cache (``orion_core.shared_cache``), and what makes it stale.

Dashboards show payments' figures on every visit: the staff dashboard a platform's, a vendor's
portal home the vendor's (``services.summary``, one aggregate over every payment of theirs).
They are cached per platform and per vendor, and per month (the figures count the payments
started this month), under two scopes:

- ``payments:platform:<id>``: the platform's figures;
- ``payments:vendor:<id>``: the vendor's.

Every save or delete of a payment, from any writer (the services, a webhook, the admin, a
factory), bumps both of its scopes once it commits (the receivers below), so the figures are
never stale. ``QuerySet.update()`` sends no signal: payments never uses one on payments, and
code that does calls ``payment_changed`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from modules.payments import services
from modules.payments.models import Payment
from orion_core import shared_cache


def platform_scope(platform_id: int) -> str:
    return f"payments:platform:{platform_id}"


def vendor_scope(vendor_id: int) -> str:
    return f"payments:vendor:{vendor_id}"


def payment_changed(platform_id: int, vendor_id: int) -> None:
    """The cached figures of the payment's platform and vendor are stale once this commits."""
    shared_cache.bump_on_commit(platform_scope(platform_id), vendor_scope(vendor_id))


def summary(platform_id: int, vendor_id: int | None = None) -> services.Summary:
    """This month's ``services.summary`` of the platform (of one vendor there, if given), from
    the shared cache: no SQL when warm."""
    month = services.month_start()
    if vendor_id is None:
        whose, scope, vendors = "all", platform_scope(platform_id), None
    else:
        whose, scope, vendors = str(vendor_id), vendor_scope(vendor_id), [vendor_id]
    return shared_cache.get_or_load(
        f"orion:payments:summary:{platform_id}:{whose}:{month:%Y%m}",
        lambda: services.summary(platform_id, vendors, since=month),
        scope=scope,
    )


@receiver(post_save, sender=Payment, dispatch_uid="payments_payment_saved")
@receiver(post_delete, sender=Payment, dispatch_uid="payments_payment_deleted")
def _payment_saved(instance: Payment, **kwargs: Any) -> None:
    payment_changed(instance.platform_id, instance.vendor_id)
