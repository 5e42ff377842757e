"""The plans a platform sells its vendors, and the vendors' subscriptions to them.

- ``Tier``: one plan of a platform: its prices per month and per year, the feature codes it
  includes (the ``features`` modules declare) and its limits (the ``limits`` modules declare,
  e.g. ``{"max_products": 100}``; a limit a tier leaves out is unlimited on it). Platform-owned:
  staff edit tiers in the admin. A tier with subscriptions or periods cannot be deleted
  (``RESTRICT``; archive it instead: ``is_active`` off keeps its subscribers and offers it to
  nobody new), unless its platform goes with them. At most one tier per
  platform ``is_default``: what a vendor without a subscription gets (a free plan).
- ``Subscription``: a vendor on a tier of one platform, billed monthly or yearly. ``status``
  follows the state machine of ``services.subscriptions``; at most one subscription per
  (vendor, platform) is live (trialing, active or past due), the ended ones stay as history.
  ``price`` is what the vendor pays per period, locked when the plan was chosen (a later price
  change of the tier applies to new subscriptions and plan changes, not to renewals).
- ``BillingPeriod``: each period of a subscription, as it started: tier, interval, dates and
  amount (0 for a trial). Invoices (the module's second half) are issued per period.
- ``SubscriptionEvent``: the append-only history of a subscription: who did what and when,
  from which status or tier to which, and the prorated amount an upgrade owes (``invoice``:
  the invoice that billed it, once one did).
- ``Invoice`` and its ``InvoiceLine``s: what a vendor owes the platform for a period (and the
  prorations of its upgrades), numbered without gaps per platform from ``InvoiceCounter``;
  open → paid, or void. Amounts are tax-exclusive lines, the tax of the platform's rate and
  the total, all ``Decimal`` (see ``services.invoices``).

Vendor-owned rows carry their vendor directly (ARCHITECTURE.md §12) and are read through
``ScopedManager(vendor="vendor")``; staff pages, the admin, providers and tasks work across
vendors on purpose with ``scopes_disabled()``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

MONEY = {"max_digits": 12, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
CURRENCY = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO 4217 code, e.g. EUR."))


class Interval(models.TextChoices):
    """How often a subscription is billed."""

    MONTH = "month", pgettext_lazy("billing interval", "monthly")
    YEAR = "year", pgettext_lazy("billing interval", "yearly")


def _vendor() -> models.ForeignKey:
    return models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "vendor"),
    )


def _platform() -> models.ForeignKey:
    return models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "platform"),
    )


class Tier(models.Model):
    """A plan a platform sells its vendors."""

    platform = _platform()
    code = models.SlugField(
        pgettext_lazy("billing", "code"),
        max_length=50,
        help_text=_("Short name in URLs and the API, unique on the platform, e.g. growth."),
    )
    name = models.CharField(pgettext_lazy("billing", "name"), max_length=100)
    description = models.CharField(
        pgettext_lazy("billing", "description"), max_length=300, blank=True
    )
    monthly_price = models.DecimalField(_("monthly price"), validators=NON_NEGATIVE, **MONEY)
    yearly_price = models.DecimalField(_("yearly price"), validators=NON_NEGATIVE, **MONEY)
    currency = models.CharField(
        pgettext_lazy("billing", "currency"), max_length=3, default="EUR", validators=[CURRENCY]
    )
    features = models.JSONField(
        pgettext_lazy("billing", "features"),
        default=list,
        blank=True,
        help_text=_('Feature codes the tier includes, e.g. ["invoices", "reports"].'),
    )
    limits = models.JSONField(
        pgettext_lazy("billing", "limits"),
        default=dict,
        blank=True,
        help_text=_('Caps by limit name, e.g. {"max_products": 100}. Left out: unlimited.'),
    )
    position = models.PositiveIntegerField(
        pgettext_lazy("billing", "position"),
        default=0,
        help_text=_("Order on the pricing page, cheapest first."),
    )
    is_active = models.BooleanField(
        pgettext_lazy("billing", "offered"),
        default=True,
        help_text=_("Off: archived. Its subscribers keep it; nobody new can choose it."),
    )
    is_default = models.BooleanField(
        _("default plan"),
        default=False,
        help_text=_("What vendors without a subscription get (a free plan). One per platform."),
    )
    created_at = models.DateTimeField(pgettext_lazy("billing", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("billing", "updated"), auto_now=True)

    class Meta:
        ordering = ["platform", "position", "monthly_price", "pk"]
        verbose_name = _("plan tier")
        verbose_name_plural = _("plan tiers")
        constraints = [
            models.UniqueConstraint(fields=["platform", "code"], name="billing_tier_code"),
            models.UniqueConstraint(
                fields=["platform"], condition=Q(is_default=True), name="billing_one_default_tier"
            ),
            models.CheckConstraint(
                condition=Q(monthly_price__gte=0) & Q(yearly_price__gte=0),
                name="billing_tier_prices",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def price_for(self, interval: str) -> Decimal:
        """The tier's price for one period of ``interval``."""
        return self.yearly_price if interval == Interval.YEAR else self.monthly_price

    def clean(self) -> None:
        """Features must be declared by some module, limits be declared names with whole
        numbers of at least 0: a typo would otherwise gate nothing, silently."""
        from modules.billing.services.tiers import tier_problems

        problems = tier_problems(self.features, self.limits)
        if problems:
            raise ValidationError(problems)


class Subscription(models.Model):
    """A vendor's plan on one platform."""

    class Status(models.TextChoices):
        TRIALING = "trialing", pgettext_lazy("subscription status", "trial")
        ACTIVE = "active", pgettext_lazy("subscription status", "active")
        PAST_DUE = "past_due", pgettext_lazy("subscription status", "past due")
        CANCELLED = "cancelled", pgettext_lazy("subscription status", "cancelled")
        EXPIRED = "expired", pgettext_lazy("subscription status", "expired")

    vendor = _vendor()
    platform = _platform()
    tier = models.ForeignKey(
        Tier,
        on_delete=models.RESTRICT,
        related_name="subscriptions",
        verbose_name=pgettext_lazy("billing", "tier"),
    )
    interval = models.CharField(
        pgettext_lazy("billing", "billed"),
        max_length=5,
        choices=Interval.choices,
        default=Interval.MONTH,
    )
    status = models.CharField(
        pgettext_lazy("billing", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.TRIALING,
    )
    price = models.DecimalField(
        pgettext_lazy("billing", "price"),
        validators=NON_NEGATIVE,
        help_text=_("What one period costs the vendor, locked when the plan was chosen."),
        **MONEY,
    )
    currency = models.CharField(
        pgettext_lazy("billing", "currency"), max_length=3, validators=[CURRENCY]
    )
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    trial_reminded_at = models.DateTimeField(
        _("told the trial ends"),
        null=True,
        blank=True,
        help_text=_("When the vendor was told its trial is ending (once per trial)."),
    )
    current_period_start = models.DateTimeField(_("current period from"))
    current_period_end = models.DateTimeField(_("current period until"))
    anchor_at = models.DateTimeField(
        _("billing anchor"),
        help_text=_("Periods run from here in whole months or years (no drift at month ends)."),
    )
    cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    cancel_requested_at = models.DateTimeField(_("cancellation requested"), null=True, blank=True)
    pending_tier = models.ForeignKey(
        Tier,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier from next period"),
    )
    pending_interval = models.CharField(
        _("billed from next period"), max_length=5, choices=Interval.choices, blank=True
    )
    started_at = models.DateTimeField(pgettext_lazy("billing", "started"), default=timezone.now)
    ended_at = models.DateTimeField(pgettext_lazy("billing", "ended"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("billing", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("billing", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    LIVE = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = pgettext_lazy("billing", "subscription")
        verbose_name_plural = pgettext_lazy("billing", "subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "platform"],
                condition=Q(status__in=["trialing", "active", "past_due"]),
                name="billing_one_live_subscription",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="billing_subscription_price"),
            models.CheckConstraint(
                condition=Q(current_period_end__gt=F("current_period_start")),
                name="billing_subscription_period",
            ),
        ]
        indexes = [
            models.Index(fields=["platform", "status"], name="billing_sub_status"),
            models.Index(fields=["status", "current_period_end"], name="billing_sub_due"),
            models.Index(fields=["vendor", "platform", "-started_at"], name="billing_sub_vendor"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id} @ {self.platform_id}: {self.tier_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class BillingPeriod(models.Model):
    """One period of a subscription as it started (what an invoice will be issued for)."""

    vendor = _vendor()
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=pgettext_lazy("billing", "subscription"),
    )
    tier = models.ForeignKey(
        Tier,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "tier"),
    )
    interval = models.CharField(
        pgettext_lazy("billing", "billed"), max_length=5, choices=Interval.choices
    )
    starts_at = models.DateTimeField(pgettext_lazy("billing", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("billing", "until"))
    amount = models.DecimalField(
        pgettext_lazy("billing", "amount"), validators=NON_NEGATIVE, **MONEY
    )
    currency = models.CharField(pgettext_lazy("billing", "currency"), max_length=3)
    is_trial = models.BooleanField(pgettext_lazy("billing", "trial"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("billing", "created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["subscription", "starts_at", "pk"]
        verbose_name = _("billing period")
        verbose_name_plural = _("billing periods")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "starts_at"], name="billing_period_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="billing_period_dates"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="billing_period_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"


class SubscriptionEvent(models.Model):
    """One entry of a subscription's history."""

    class Kind(models.TextChoices):
        SUBSCRIBED = "subscribed", pgettext_lazy("subscription event", "subscribed")
        STATUS = "status", pgettext_lazy("subscription event", "status changed")
        PLAN = "plan", pgettext_lazy("subscription event", "plan changed")
        SCHEDULED = "scheduled", pgettext_lazy("subscription event", "change scheduled")
        UNSCHEDULED = "unscheduled", pgettext_lazy("subscription event", "scheduled change undone")
        CANCELLING = "cancelling", pgettext_lazy("subscription event", "cancellation requested")
        RESUMED = "resumed", pgettext_lazy("subscription event", "cancellation withdrawn")
        RENEWED = "renewed", pgettext_lazy("subscription event", "renewed")

    class Actor(models.TextChoices):
        VENDOR = "vendor", pgettext_lazy("billing actor", "vendor")
        STAFF = "staff", pgettext_lazy("billing actor", "staff")
        SYSTEM = "system", pgettext_lazy("billing actor", "system")

    vendor = _vendor()
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=pgettext_lazy("billing", "subscription"),
    )
    kind = models.CharField(pgettext_lazy("billing", "kind"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(
        pgettext_lazy("billing", "from"),
        max_length=10,
        choices=Subscription.Status.choices,
        blank=True,
    )
    to_status = models.CharField(
        pgettext_lazy("billing", "to"),
        max_length=10,
        choices=Subscription.Status.choices,
        blank=True,
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from tier"),
    )
    to_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to tier"),
    )
    amount = models.DecimalField(
        _("prorated amount"),
        null=True,
        blank=True,
        help_text=_("What an upgrade owes for the rest of the period (invoiced later)."),
        **MONEY,
    )
    period = models.ForeignKey(
        BillingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("billing period"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "user"),
    )
    actor = models.CharField(pgettext_lazy("billing", "by"), max_length=10, choices=Actor.choices)
    message = models.CharField(pgettext_lazy("billing", "message"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("billing", "when"), default=timezone.now)

    invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "invoice"),
        help_text=_("The invoice that billed the prorated amount."),
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["subscription", "created_at", "pk"]
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription events")
        indexes = [
            models.Index(fields=["vendor", "-created_at"], name="billing_event_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.kind}"


class InvoiceCounter(models.Model):
    """The last invoice number a platform gave. Locked by the transaction that issues an
    invoice and incremented in it: a rolled-back invoice gives its number back (no gap), and
    two runs at once queue on this row (no duplicate)."""

    platform = models.OneToOneField(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=pgettext_lazy("billing", "platform"),
    )
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.platform_id}: {self.last_number}"


class Invoice(models.Model):
    """What a vendor owes the platform: one billing period (with the prorations of upgrades
    since the last invoice), or prorations alone."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("invoice status", "open")
        PAID = "paid", pgettext_lazy("invoice status", "paid")
        VOID = "void", pgettext_lazy("invoice status", "void")

    vendor = _vendor()
    platform = _platform()
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name=pgettext_lazy("billing", "subscription"),
    )
    period = models.OneToOneField(
        BillingPeriod,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invoice",
        verbose_name=_("billing period"),
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(pgettext_lazy("billing", "number"), max_length=30)
    status = models.CharField(
        pgettext_lazy("billing", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
    )
    billed_to = models.CharField(_("billed to"), max_length=200)
    billed_email = models.EmailField(_("billing e-mail"), blank=True)
    currency = models.CharField(pgettext_lazy("billing", "currency"), max_length=3)
    subtotal = models.DecimalField(pgettext_lazy("billing", "subtotal"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    tax = models.DecimalField(pgettext_lazy("billing", "tax"), **MONEY)
    total = models.DecimalField(pgettext_lazy("billing", "total"), **MONEY)
    issued_at = models.DateTimeField(_("issued"))
    due_at = models.DateTimeField(_("due"))
    paid_at = models.DateTimeField(pgettext_lazy("billing", "paid"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"),
        max_length=60,
        blank=True,
        help_text=_("The reference of its payment in the payments module, once one started."),
    )
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    note = models.CharField(pgettext_lazy("billing", "note"), max_length=300, blank=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-issued_at", "-sequence"]
        verbose_name = pgettext_lazy("billing", "invoice")
        verbose_name_plural = pgettext_lazy("billing", "invoices")
        constraints = [
            models.UniqueConstraint(fields=["platform", "sequence"], name="billing_invoice_seq"),
            models.UniqueConstraint(fields=["platform", "number"], name="billing_invoice_number"),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("tax")), name="billing_invoice_total"
            ),
            models.CheckConstraint(condition=Q(subtotal__gte=0), name="billing_invoice_subtotal"),
        ]
        indexes = [
            models.Index(fields=["platform", "status", "due_at"], name="billing_invoice_due"),
            models.Index(fields=["vendor", "platform", "-issued_at"], name="billing_inv_vendor"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at <= timezone.now()


class InvoiceLine(models.Model):
    """One line of an invoice: a period of a plan, or the proration of an upgrade."""

    class Kind(models.TextChoices):
        PLAN = "plan", pgettext_lazy("invoice line", "plan")
        PRORATION = "proration", pgettext_lazy("invoice line", "upgrade, prorated")

    vendor = _vendor()
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=pgettext_lazy("billing", "invoice"),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("billing", "position"))
    kind = models.CharField(pgettext_lazy("billing", "kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(pgettext_lazy("billing", "description"), max_length=200)
    period_start = models.DateTimeField(pgettext_lazy("billing", "from"), null=True, blank=True)
    period_end = models.DateTimeField(pgettext_lazy("billing", "until"), null=True, blank=True)
    amount = models.DecimalField(pgettext_lazy("billing", "amount"), **MONEY)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position"),
        ]

    def __str__(self) -> str:
        return self.description
