"""What billing's caches hear (connected in ``BillingConfig.ready``).

Every save or delete of a tier or a subscription, from any writer (the services, the admin, a
shell, a factory), makes what was cached from it stale once it commits:

- a tier: ``plans_scope(platform)`` (every vendor's entitlements on that platform) and the
  platform's dashboard figures;
- a subscription: ``entitlements_scope(vendor)`` (that vendor's entitlements) and the figures of
  its platform.

So the feature gate follows a plan change on the next request in every process. A bulk
``QuerySet.update()`` sends no signal: billing never uses one on these models, and code that
does must bump the same scopes itself.

And one domain event: ``payment_captured`` for an invoice's payment reference (``billing/…``,
started from the invoice's page) marks that invoice paid. Payments never import billing.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from modules.billing.models import Subscription, Tier
from modules.billing.services import invoices
from modules.billing.services.queries import figures_scope
from orion_core import shared_cache
from orion_core.contracts.entitlements import entitlements_scope, plans_scope
from orion_core.domain_events import payment_captured


@receiver(post_save, sender=Tier, dispatch_uid="billing_tier_saved")
@receiver(post_delete, sender=Tier, dispatch_uid="billing_tier_deleted")
def tier_changed(sender: Any, instance: Tier, **kwargs: Any) -> None:
    shared_cache.bump_on_commit(
        plans_scope(instance.platform_id), figures_scope(instance.platform_id)
    )


@receiver(post_save, sender=Subscription, dispatch_uid="billing_subscription_saved")
@receiver(post_delete, sender=Subscription, dispatch_uid="billing_subscription_deleted")
def subscription_changed(sender: Any, instance: Subscription, **kwargs: Any) -> None:
    shared_cache.bump_on_commit(
        entitlements_scope(instance.vendor_id), figures_scope(instance.platform_id)
    )


@receiver(payment_captured, dispatch_uid="billing_payment_captured")
def invoice_paid(
    sender: str, *, platform_id: int | None, vendor_id: int | None, reference: str, **payload: Any
) -> None:
    if vendor_id is None:
        return
    invoice = invoices.invoice_for_payment(vendor_id, reference)
    if invoice is not None:
        invoices.mark_paid(invoice, note=str(payload.get("gateway") or ""))
