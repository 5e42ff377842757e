"""Payments of each vendor: the payment of a reference, its history, its refunds, and the
webhooks already handled.

Every vendor-owned row carries its vendor directly (ARCHITECTURE.md §12) and is read through
``ScopedManager(vendor="vendor")``: inside ``vendor_scope(vendor)`` (a portal or API view, or a
service entering the scope of the vendor it works for) queries see that vendor's rows only;
outside any scope they raise, and webhooks, the admin and dashboards bypass the scope
explicitly with ``scopes_disabled()``.

- ``Payment``: the money of one ``reference`` (an order number, the caller's), unique per
  vendor, taken through one gateway on one platform. Its amounts are Decimal; the database
  refuses anything but ``0 <= refunded <= captured <= amount``, so a bug cannot refund more
  than was taken. ``state`` follows the graph of ``orion_core.contracts.payments``; only
  ``services`` moves it, one transition at a time, each written to the history.
- ``PaymentTransition``: the append-only history: from which state to which, who or what
  (a person, the gateway, a webhook, the system), when, with which amount and why.
- ``Refund``: money given back, one row per refund (from the portal, the API, the caller's
  contract call, or a webhook telling of a refund made at the provider).
- ``ProcessedWebhook``: every webhook event handled, unique per (gateway, event id), written in
  the same transaction as its effect: a replayed event finds its row and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from orion_core.contracts.payments import CUSTOMER_PAYS, VENDOR_PAYS, PaymentState

MAX_DIGITS = 12
PLACES = 2


class HistoryError(Exception):
    """A history entry was about to be changed or deleted."""


class Source(models.TextChoices):
    """Who or what moved a payment."""

    CUSTOMER = "customer", pgettext_lazy("payments", "customer")
    VENDOR = "vendor", pgettext_lazy("payments", "vendor")
    STAFF = "staff", pgettext_lazy("payments", "staff")
    GATEWAY = "gateway", pgettext_lazy("payments", "payment provider")
    WEBHOOK = "webhook", pgettext_lazy("payments", "provider notification")
    SYSTEM = "system", pgettext_lazy("payments", "system")


class Payer(models.TextChoices):
    """Who pays: a customer pays the vendor (a sale), or the vendor pays the platform (an
    invoice of billing's). Only sales are the vendor's to see, confirm and refund."""

    CUSTOMER = CUSTOMER_PAYS, pgettext_lazy("payer", "customer")
    VENDOR = VENDOR_PAYS, pgettext_lazy("payer", "vendor")


class Payment(models.Model):
    """The payment of one reference of a vendor's, through one gateway."""

    class State(models.TextChoices):
        PENDING = PaymentState.PENDING.value, pgettext_lazy("payments", "pending")
        AUTHORIZED = PaymentState.AUTHORIZED.value, pgettext_lazy("payments", "authorized")
        CAPTURED = PaymentState.CAPTURED.value, pgettext_lazy("payments", "captured")
        PARTIALLY_REFUNDED = (
            PaymentState.PARTIALLY_REFUNDED.value,
            pgettext_lazy("payments", "partially refunded"),
        )
        REFUNDED = PaymentState.REFUNDED.value, pgettext_lazy("payments", "refunded")
        FAILED = PaymentState.FAILED.value, pgettext_lazy("payments", "failed")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "vendor"),
    )
    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "platform"),
    )
    reference = models.CharField(
        pgettext_lazy("payments", "reference"),
        max_length=100,
        help_text=_("The caller's reference, e.g. an order number; unique per vendor."),
    )
    payer = models.CharField(
        pgettext_lazy("payments", "paid by"),
        max_length=10,
        choices=Payer.choices,
        default=Payer.CUSTOMER,
        help_text=_("A customer paying the vendor, or the vendor paying the platform."),
    )
    gateway = models.CharField(pgettext_lazy("payments", "gateway"), max_length=20)
    state = models.CharField(
        pgettext_lazy("payments", "state"),
        max_length=20,
        choices=State.choices,
        default=State.PENDING,
    )
    amount = models.DecimalField(
        pgettext_lazy("payments", "amount"), max_digits=MAX_DIGITS, decimal_places=PLACES
    )
    currency = models.CharField(pgettext_lazy("payments", "currency"), max_length=3)
    captured = models.DecimalField(
        pgettext_lazy("payments", "captured"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        default=Decimal("0.00"),
    )
    refunded = models.DecimalField(
        pgettext_lazy("payments", "refunded"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        default=Decimal("0.00"),
    )
    external_id = models.CharField(
        _("provider's id"),
        max_length=255,
        blank=True,
        help_text=_("The payment's id at the payment provider."),
    )
    customer_email = models.EmailField(pgettext_lazy("payments", "customer e-mail"), blank=True)
    redirect_url = models.URLField(_("payment page"), max_length=2000, blank=True)
    failure_reason = models.CharField(_("why it failed"), max_length=255, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("payments", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("payments", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("payments", "payment")
        verbose_name_plural = pgettext_lazy("payments", "payments")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "reference"], name="payments_one_per_ref"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(captured__gte=0) & Q(captured__lte=F("amount")),
                name="payments_captured_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0) & Q(refunded__lte=F("captured")),
                name="payments_refunded_within_captured",
            ),
        ]
        indexes = [
            models.Index(fields=["vendor", "-created_at"], name="payments_recent"),
            models.Index(fields=["gateway", "external_id"], name="payments_external"),
            models.Index(fields=["platform", "state"], name="payments_platform_state"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.state})"

    @property
    def refundable(self) -> Decimal:
        """What can still be given back: captured and not yet refunded."""
        return self.captured - self.refunded


class HistoryQuerySet(models.QuerySet):
    """The history is appended, never changed: bulk updates and deletes are refused."""

    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise HistoryError("A payment's history is never changed.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise HistoryError("A payment's history is never deleted.")


HistoryManager = models.Manager.from_queryset(HistoryQuerySet)


class PaymentTransition(models.Model):
    """One step of a payment's history: from a state to another, who or what, when, why."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "vendor"),
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=pgettext_lazy("payments", "payment"),
    )
    from_state = models.CharField(
        pgettext_lazy("payments", "from"), max_length=20, choices=Payment.State.choices, blank=True
    )
    to_state = models.CharField(
        pgettext_lazy("payments", "to"), max_length=20, choices=Payment.State.choices
    )
    amount = models.DecimalField(
        pgettext_lazy("payments", "amount"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        null=True,
        blank=True,
    )
    source = models.CharField(
        pgettext_lazy("payments", "by"), max_length=10, choices=Source.choices
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "user"),
    )
    note = models.CharField(pgettext_lazy("payments", "note"), max_length=255, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("payments", "when"), default=timezone.now)

    objects = ScopedManager(vendor="vendor", _manager_class=HistoryManager)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("payment history entry")
        verbose_name_plural = _("payment history")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} -> {self.to_state}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise HistoryError("A payment's history is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise HistoryError("A payment's history is never deleted.")


class Refund(models.Model):
    """Money given back of a captured payment."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "vendor"),
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.CASCADE,
        related_name="refunds",
        verbose_name=pgettext_lazy("payments", "payment"),
    )
    amount = models.DecimalField(
        pgettext_lazy("payments", "amount"), max_digits=MAX_DIGITS, decimal_places=PLACES
    )
    reason = models.CharField(pgettext_lazy("payments", "reason"), max_length=200, blank=True)
    external_id = models.CharField(_("provider's id"), max_length=255, blank=True)
    source = models.CharField(
        pgettext_lazy("payments", "by"), max_length=10, choices=Source.choices
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "user"),
    )
    created_at = models.DateTimeField(pgettext_lazy("payments", "when"), default=timezone.now)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("payments", "refund")
        verbose_name_plural = pgettext_lazy("payments", "refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"-{self.amount} ({self.payment_id})"


class ProcessedWebhook(models.Model):
    """A webhook event handled once: its (gateway, event id) is unique, and the row is written
    in the same transaction as what the event changed, so a replay changes nothing.

    Not vendor-owned: an event may name a payment we do not know. It belongs to the platform
    whose endpoint received it."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("payments", "applied")
        STALE = "stale", pgettext_lazy("payments", "out of date")
        IGNORED = "ignored", pgettext_lazy("payments", "ignored")
        UNKNOWN_PAYMENT = "unknown", pgettext_lazy("payments", "unknown payment")

    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "platform"),
    )
    gateway = models.CharField(pgettext_lazy("payments", "gateway"), max_length=20)
    event_id = models.CharField(pgettext_lazy("payments", "event id"), max_length=255)
    event_type = models.CharField(pgettext_lazy("payments", "event type"), max_length=100)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("payments", "payment"),
    )
    outcome = models.CharField(
        pgettext_lazy("payments", "outcome"), max_length=10, choices=Outcome.choices
    )
    received_at = models.DateTimeField(pgettext_lazy("payments", "received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("processed webhook")
        verbose_name_plural = _("processed webhooks")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="payments_webhook_once"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id} ({self.outcome})"
