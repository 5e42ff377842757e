"""Giftcards forms of the vendor portal."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from modules.giftcards import services
from modules.giftcards.models import GiftCard

CODE_TAKEN = _("A gift card with this code already exists.")
MIN_BALANCE = Decimal("0.01")


class GiftCardForm(forms.ModelForm):
    class Meta:
        model = GiftCard
        fields = ["code", "balance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["balance"].validators.append(MinValueValidator(MIN_BALANCE))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if services.code_taken(code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(CODE_TAKEN)
        return code
