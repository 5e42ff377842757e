"""Orders' forms: the storefront's cart and checkout, and the vendor portal's filters, actions
and settings.

Forms parse and present; the rules are the services' (``modules.orders.services``): their
``ValidationError`` keyed by field comes back onto the form (``apply_errors``), so a page
answers 400 with every problem at its field and nothing saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.orders.models import MAX_LINE_QUANTITY, Order, OrderSettings

MAX_PK = 2**63 - 1


class ServiceErrorsMixin:
    """Put a service's ``ValidationError`` on the fields it names (the rest on the form)."""

    def apply_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for name, errors in error.error_dict.items():
            target = name if name in self.fields else None  # type: ignore[attr-defined]
            for item in errors:
                self.add_error(target, item)  # type: ignore[attr-defined]


class AddToCartForm(ServiceErrorsMixin, forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=MAX_PK, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=pgettext_lazy("orders", "Quantity"),
        min_value=1,
        max_value=MAX_LINE_QUANTITY,
        initial=1,
    )


class LineQuantityForm(ServiceErrorsMixin, forms.Form):
    quantity = forms.IntegerField(
        label=pgettext_lazy("orders", "Quantity"), min_value=0, max_value=MAX_LINE_QUANTITY
    )


class OrderSettingsForm(forms.ModelForm):
    class Meta:
        model = OrderSettings
        fields = ["shipping_flat_rate", "free_shipping_above", "tax_rate", "prices_include_tax"]


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("orders", "Search"),
        required=False,
        max_length=100,
        help_text=_("Order number, e-mail or name."),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("orders", "Status"),
        required=False,
        choices=[("", pgettext_lazy("orders", "any"))] + list(Order.Status.choices),
    )
    placed_from = forms.DateField(label=_("Placed from"), required=False)
    placed_to = forms.DateField(label=_("Placed until"), required=False)


class FulfilForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("orders", "Reason"), required=False, max_length=300
    )


def decimal_or_none(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001 - anything unreadable is "none"
        return None
