"""factory-boy factories of payments' models (tests, the isolation walk).

Rows are created outside any vendor scope and directly, not through the services: a
``PaymentFactory`` payment has no history behind it. Tests of payments themselves go through
``modules.payments.services``. Like the services' commits, a factory's payment makes the
dashboards' cached figures of its platform and vendor stale.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from modules.payments.cache import platform_scope, vendor_scope
from modules.payments.models import Payment, PaymentTransition, ProcessedWebhook, Refund, Source
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory
from orion_core import shared_cache
from orion_core.testing import PlatformFactory


class PaymentFactory(ScopeFreeFactory):
    class Meta:
        model = Payment

    vendor = factory.SubFactory(VendorFactory)
    platform = factory.SubFactory(PlatformFactory)
    reference = factory.Sequence(lambda n: f"ORD-{n:05d}")
    gateway = "manual"
    state = Payment.State.PENDING
    amount = Decimal("49.90")
    currency = "EUR"
    customer_email = factory.Sequence(lambda n: f"customer{n}@example.com")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Payment:
        payment = super()._create(model_class, *args, **kwargs)
        shared_cache.bump(platform_scope(payment.platform_id), vendor_scope(payment.vendor_id))
        return payment


class PaymentTransitionFactory(ScopeFreeFactory):
    class Meta:
        model = PaymentTransition

    payment = factory.SubFactory(PaymentFactory)
    vendor = factory.SelfAttribute("payment.vendor")
    from_state = ""
    to_state = Payment.State.PENDING
    source = Source.CUSTOMER
    note = "Checkout"


class RefundFactory(ScopeFreeFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(
        PaymentFactory,
        state=Payment.State.PARTIALLY_REFUNDED,
        captured=Decimal("49.90"),
        refunded=Decimal("10.00"),
    )
    vendor = factory.SelfAttribute("payment.vendor")
    amount = Decimal("10.00")
    reason = "Damaged in transit"
    source = Source.VENDOR


class ProcessedWebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessedWebhook

    platform = factory.SubFactory(PlatformFactory)
    gateway = "stripe"
    event_id = factory.Sequence(lambda n: f"evt_{n:08d}")
    event_type = "checkout.session.completed"
    outcome = ProcessedWebhook.Outcome.APPLIED
