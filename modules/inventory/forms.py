"""Vendor-portal forms. They run inside the vendor's scope: choices and look-ups (a SKU, a
location) find the vendor's own rows only. The rules themselves are the services'; a view
passes what a service refuses back to the form (``apply_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.catalog.models import Variant
from modules.inventory import services
from modules.inventory.models import MAX_LEVEL, MAX_QUANTITY, StockLocation, StockMovement


def _locations() -> Any:
    return StockLocation.objects.all()


class LocationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=StockLocation.objects.none(), **kwargs)


class VariantBySkuField(forms.CharField):
    """A variant of the vendor's, typed as its SKU."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", pgettext_lazy("inventory", "SKU"))
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Variant | None:
        sku = super().clean(value)
        if not sku:
            return None
        variant = Variant.objects.filter(sku=sku).select_related("product").first()
        if variant is None:
            raise ValidationError(
                pgettext_lazy("inventory", "No variant has this SKU."), code="unknown"
            )
        return variant


class StockFormMixin:
    """Location choices built per request (inside the vendor's scope), and service errors
    put back on the form's fields."""

    field_aliases = {"variant": "sku"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if "location" in self.fields:  # type: ignore[attr-defined]
            self.fields["location"].queryset = _locations()  # type: ignore[attr-defined]

    def apply_errors(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` on the matching fields (else on the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for key, errors in error.error_dict.items():
            field = self.field_aliases.get(key, key)
            self.add_error(field if field in self.fields else None, errors)  # type: ignore[attr-defined]


class ReceiveForm(StockFormMixin, forms.Form):
    sku = VariantBySkuField()
    location = LocationChoiceField(
        label=pgettext_lazy("inventory", "Location"),
        required=False,
        empty_label=pgettext_lazy("inventory", "Default location"),
    )
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=MAX_QUANTITY)
    reference = forms.CharField(
        label=pgettext_lazy("inventory", "Reference"),
        max_length=services.REFERENCE_MAX,
        required=False,
        help_text=_("The delivery note or purchase order, if any."),
    )
    note = forms.CharField(label=pgettext_lazy("inventory", "Note"), max_length=200, required=False)


class AdjustForm(StockFormMixin, forms.Form):
    sku = VariantBySkuField()
    location = LocationChoiceField(
        label=pgettext_lazy("inventory", "Location"),
        required=False,
        empty_label=pgettext_lazy("inventory", "Default location"),
    )
    change = forms.IntegerField(
        label=pgettext_lazy("inventory", "Change"),
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=_("Units to add (e.g. 3) or remove (e.g. -2)."),
    )
    reason = forms.ChoiceField(
        label=pgettext_lazy("inventory", "Reason"),
        choices=[("", "---")] + [(r.value, r.label) for r in services.MANUAL_REASONS],  # type: ignore[attr-defined]
    )
    note = forms.CharField(
        label=pgettext_lazy("inventory", "Note"),
        max_length=200,
        required=False,
        help_text=_("Required when the reason is “other”."),
    )

    def clean_change(self) -> int:
        change = self.cleaned_data["change"]
        if change == 0:
            raise ValidationError(_("Enter a change other than zero."), code="zero")
        return change

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason") == StockMovement.Reason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Say what happened when the reason is “other”."))
        return cleaned


class CountForm(StockFormMixin, forms.Form):
    """A stock take: what is on the shelf replaces the level (one adjustment of the
    difference, reason "count"); counting 0 tracks a variant that was never received."""

    sku = VariantBySkuField()
    location = LocationChoiceField(
        label=pgettext_lazy("inventory", "Location"),
        required=False,
        empty_label=pgettext_lazy("inventory", "Default location"),
    )
    quantity = forms.IntegerField(label=_("Units counted"), min_value=0, max_value=MAX_QUANTITY)
    note = forms.CharField(label=pgettext_lazy("inventory", "Note"), max_length=200, required=False)


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Low-stock threshold"),
        min_value=0,
        max_value=MAX_LEVEL,
        required=False,
        help_text=_("Leave empty to use the platform's default."),
    )


class LocationForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("inventory", "Name"), max_length=100)
    code = forms.SlugField(
        label=pgettext_lazy("inventory", "Code"),
        max_length=50,
        help_text=_("A short identifier used by feeds and the API, e.g. main or paris-shop."),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if services.location_code_taken(code):
            raise ValidationError(_("A location with this code already exists."), code="unique")
        return code


class StockFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("inventory", "Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=pgettext_lazy("inventory", "Show"),
        required=False,
        choices=[
            (services.StockFilter.ALL, pgettext_lazy("inventory", "All variants")),
            (services.StockFilter.TRACKED, pgettext_lazy("inventory", "Tracked")),
            (services.StockFilter.UNTRACKED, pgettext_lazy("inventory", "Not tracked")),
            (services.StockFilter.LOW, pgettext_lazy("inventory", "Low stock")),
            (services.StockFilter.OUT, pgettext_lazy("inventory", "Out of stock")),
        ],
    )
    location = LocationChoiceField(
        label=pgettext_lazy("inventory", "Location"),
        required=False,
        empty_label=pgettext_lazy("inventory", "All locations"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class MovementFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("inventory", "Search"),
        required=False,
        max_length=100,
        help_text=_("SKU or reference."),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("inventory", "Kind"),
        required=False,
        choices=[("", pgettext_lazy("inventory", "All kinds")), *StockMovement.Kind.choices],
    )
    location = LocationChoiceField(
        label=pgettext_lazy("inventory", "Location"),
        required=False,
        empty_label=pgettext_lazy("inventory", "All locations"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()
