"""Template helpers of the catalog: money as shoppers read it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

# Currencies written with a symbol; others with their ISO code.
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF", "SEK": "kr"}
SYMBOL_AFTER = ("fr", "de")  # "19,90 €" rather than "€19.90"


@register.filter
def money(amount: Any, currency: str = "EUR") -> str:
    """``19.90|money:"EUR"`` → "€19.90" (English) or "19,90 €" (French, German). Decimal all
    the way: the number is formatted, never converted to float."""
    if amount is None or amount == "":
        return ""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency, currency)
    if (get_language() or "en")[:2] in SYMBOL_AFTER or len(symbol) > 1:
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}"
