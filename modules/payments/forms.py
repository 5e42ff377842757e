"""Vendor-portal forms. The rules are the services'; a view puts what a service refuses back
on the form's field (``apply_error``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.payments import gateways, services
from modules.payments.models import MAX_DIGITS, PLACES, Payment
from orion_core.contracts.payments import PaymentError


class PaymentFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("payments", "Search"),
        required=False,
        max_length=100,
        help_text=_("A reference or a customer's e-mail."),
    )
    state = forms.ChoiceField(
        label=pgettext_lazy("payments", "State"),
        required=False,
        choices=[("", pgettext_lazy("payments", "Any state")), *Payment.State.choices],
    )
    gateway = forms.ChoiceField(
        label=pgettext_lazy("payments", "Provider"),
        required=False,
        choices=[("", pgettext_lazy("payments", "Any provider")), *gateways.choices()],
    )


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=pgettext_lazy("payments", "Amount to refund"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(
        label=pgettext_lazy("payments", "Reason"),
        max_length=services.REASON_MAX,
        required=False,
    )

    def apply_error(self, error: PaymentError) -> None:
        """Put a service's refusal on its field (else on the form)."""
        field: Any = error.field if error.field in self.fields else None
        self.add_error(field, str(error))
