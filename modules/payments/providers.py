"""What payments offers the rest of Orion: the payments contract, dashboard figures, a widget.

``payments_provider`` answers ``orion_core.contracts.payments`` for platforms with payments on
(orders calls ``provider_for(PAYMENTS, enabled_modules)`` and never imports this module). It
translates the contract's calls to ``modules.payments.services`` and the stored payments to
the contract's dataclasses; the rules are the contract's, kept by the services.

Dashboards: ``metrics_provider`` gives the staff dashboard a platform's figures (payments
awaiting, money taken and refunded this month) over every vendor's payments on it;
``widgets_provider`` gives the vendor dashboard (a vendor in the tenant context, a member who
holds ``payments.view``) the same figures for that vendor. Both from the shared cache (no SQL
when warm; stale on commit of any change of a payment: ``modules.payments.cache``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.payments import cache, services
from modules.tenancy.context import current
from orion_core.contracts.payments import (
    CUSTOMER_PAYS,
    NextAction,
    PaymentMethod,
    PaymentStatus,
)
from orion_core.providers import Metric, Widget


class Payments:
    """The payments contract, answered by this module's services."""

    def method(self, platform_id: int) -> PaymentMethod | None:
        return services.method(platform_id)

    def start_payment(
        self,
        platform_id: int,
        vendor_id: int,
        reference: str,
        amount: Decimal,
        currency: str,
        *,
        customer_email: str,
        return_url: str,
        payer: str = CUSTOMER_PAYS,
    ) -> NextAction:
        _payment, action = services.start_payment(
            platform_id,
            vendor_id,
            reference,
            amount,
            currency,
            customer_email=customer_email,
            return_url=return_url,
            payer=payer,
        )
        return action

    def status(self, vendor_id: int, reference: str) -> PaymentStatus | None:
        payment = services.find(vendor_id, reference)
        return None if payment is None else services.status_of(payment)

    def capture(
        self, vendor_id: int, reference: str, *, amount: Decimal | None = None, user: Any = None
    ) -> PaymentStatus:
        return services.status_of(services.capture(vendor_id, reference, amount=amount, user=user))

    def refund(
        self, vendor_id: int, reference: str, amount: Decimal, *, reason: str = "", user: Any = None
    ) -> PaymentStatus:
        refund = services.refund(vendor_id, reference, amount, reason=reason, user=user)
        return services.status_of(refund.payment)

    def cancel(self, vendor_id: int, reference: str, *, user: Any = None) -> PaymentStatus | None:
        payment = services.cancel(vendor_id, reference, user=user)
        return None if payment is None else services.status_of(payment)


payments_provider = Payments()


class PaymentsMetrics:
    """Staff dashboard: the platform's payments awaiting, taken and refunded this month."""

    def get_metrics(self, platform: Any) -> list[Metric]:
        month = cache.summary(platform.pk)
        return [
            Metric("payments.pending", _("Payments awaiting"), month.pending, module="payments"),
            Metric(
                "payments.captured_month",
                _("Taken this month"),
                month.captured,
                module="payments",
            ),
            Metric(
                "payments.refunded_month",
                _("Refunded this month"),
                month.refunded,
                module="payments",
            ),
        ]


metrics_provider = PaymentsMetrics()


class PaymentsWidgets:
    """The payments widget on a vendor's dashboard (the vendor of the tenant context)."""

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if not ctx.vendor_id:
            return []
        figures = cache.summary(platform.pk, ctx.vendor_id)
        link = reverse("payments:vendor-payments", kwargs={"vendor_code": ctx.vendor_code})
        return [
            Widget(
                "payments.summary",
                _("Payments"),
                "payments/widgets/summary.html",
                {"figures": figures, "link": link},
                order=300,
                module="payments",
            )
        ]


widgets_provider = PaymentsWidgets()
