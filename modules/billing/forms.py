"""Billing's forms: the vendor's plan choice, and the staff list's filters.

Forms parse and present; the rules are the services' (``modules.billing.services``): a
``BillingError`` naming a field comes back onto the form at that field, so a page answers 400
with the problem where it belongs and nothing saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from modules.billing.models import Interval, Invoice, Subscription, Tier
from modules.billing.services.errors import BillingError
from modules.billing.templatetags.billing_tags import plan_price


class ServiceErrorsMixin:
    """Put a service's ``BillingError`` on the field it names (else on the form)."""

    def apply_error(self, error: BillingError) -> None:
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, error.message)  # type: ignore[attr-defined]


class PlanForm(ServiceErrorsMixin, forms.Form):
    """Which plan, billed how often. ``tiers``: those the platform offers."""

    tier = forms.ChoiceField(label=pgettext_lazy("billing", "Plan"), widget=forms.RadioSelect)
    interval = forms.ChoiceField(
        label=_("Billing"),
        choices=Interval.choices,
        initial=Interval.MONTH,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, tiers: Iterable[Tier] = (), current: Tier | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(tier.code, tier_choice(tier, current)) for tier in tiers]


def tier_choice(tier: Tier, current: Tier | None = None) -> str:
    """A tier as the plan choice shows it: its name and both prices."""
    values = {
        "name": tier.name,
        "monthly": plan_price(tier.monthly_price, tier.currency),
        "yearly": plan_price(tier.yearly_price, tier.currency),
    }
    if current is not None and current.pk == tier.pk:
        return gettext("%(name)s: %(monthly)s a month or %(yearly)s a year (your plan)") % values
    return gettext("%(name)s: %(monthly)s a month or %(yearly)s a year") % values


class SubscriptionFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("billing", "Search"),
        required=False,
        max_length=100,
        help_text=_("Vendor name or code."),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("billing", "Status"),
        required=False,
        choices=[("", pgettext_lazy("billing", "any"))] + list(Subscription.Status.choices),
    )
    tier = forms.ModelChoiceField(
        label=pgettext_lazy("billing", "Plan"),
        required=False,
        queryset=Tier.objects.none(),
        to_field_name="code",
        empty_label=pgettext_lazy("billing", "any"),
    )

    def __init__(self, *args: Any, tiers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tiers is not None:
            self.fields["tier"].queryset = tiers


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("billing", "Search"),
        required=False,
        max_length=100,
        help_text=_("Invoice number, vendor name or code."),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("billing", "Status"),
        required=False,
        choices=[("", pgettext_lazy("billing", "any"))] + list(Invoice.Status.choices),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class VoidInvoiceForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it void?"),
        max_length=300,
        help_text=_("Kept on the invoice and shown to the vendor."),
    )


class RecordPaymentForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("billing", "Note"),
        max_length=300,
        required=False,
        help_text=_("E.g. the bank transfer's reference."),
    )
