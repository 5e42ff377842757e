"""Template helpers of billing: plan prices as people read them (Decimal all the way).

Billing's own, not the catalog's ``money`` filter: billing does not require the catalog, and a
template library is code a module may only use from modules it requires."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
SYMBOL_AFTER = ("fr", "de")  # "29,00 €" rather than "€29.00"


@register.filter
def plan_price(amount: Any, currency: str = "EUR") -> str:
    """``29|plan_price:"EUR"`` → "€29.00" (English) or "29,00 €" (French, German)."""
    if amount is None or amount == "":
        return ""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency, currency)
    if (get_language() or "en")[:2] in SYMBOL_AFTER or len(symbol) > 1:
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}"
