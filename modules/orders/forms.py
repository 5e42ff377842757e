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


class CheckoutForm(ServiceErrorsMixin, forms.Form):
    """Contact, address and shipping. Prices are never read from it: ``expected_total`` is only
    the total the customer was shown, checked against the server's (a difference refuses)."""

    email = forms.EmailField(label=pgettext_lazy("orders", "E-mail"), max_length=254)
    saved_address = forms.TypedChoiceField(
        label=_("Saved address"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=pgettext_lazy("orders", "City"), max_length=100, required=False)
    country = forms.CharField(
        label=pgettext_lazy("orders", "Country"),
        max_length=2,
        min_length=2,
        required=False,
        help_text=_("Two-letter code, e.g. FR."),
    )
    save_address = forms.BooleanField(
        label=_("Save this address for my next orders"), required=False
    )
    shipping_method = forms.ChoiceField(
        label=_("Shipping method"), widget=forms.RadioSelect, choices=()
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    expected_total = forms.DecimalField(
        widget=forms.HiddenInput, required=False, max_digits=14, decimal_places=2
    )

    ADDRESS_FIELDS = ("name", "line1", "city", "country")

    def __init__(
        self,
        *args: Any,
        addresses: Any = (),
        methods: Any = (),
        customer: bool = False,
        **kwargs: Any,
    ) -> None:
        """``addresses``: the customer's saved ones; ``customer``: a logged-in customer is
        checking out (only they have an address book to save to)."""
        super().__init__(*args, **kwargs)
        if not customer:
            del self.fields["save_address"]
        self.addresses = {address.pk: address for address in addresses}
        self.fields["saved_address"].choices = [("", _("— a new address —"))] + [
            (pk, str(address)) for pk, address in self.addresses.items()
        ]
        if not self.addresses:
            del self.fields["saved_address"]
        self.fields["shipping_method"].choices = list(methods)

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("saved_address")
        if chosen is not None:
            address = self.addresses.get(chosen)
            if address is None:
                self.add_error("saved_address", _("Choose one of your addresses."))
                return data
            data.update(
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                postal_code=address.postal_code,
                country=address.country,
            )
            data.setdefault("name", "")
            data["save_address"] = False  # it is saved already
            return data
        for name in self.ADDRESS_FIELDS:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        country = data.get("country") or ""
        if country and not (len(country) == 2 and country.isalpha() and country.isascii()):
            self.add_error("country", _("Enter a two-letter country code, e.g. FR or DE."))
        return data


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
