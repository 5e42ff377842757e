"""Checking one feed row: what it would become in the catalogue, and what is wrong with it.

Every problem is collected (field → messages), not just the first, so a vendor fixes a row in
one go. A row with errors is still staged, with its raw values, so the portal can show it.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from modules.catalog.models import SKU_VALIDATOR

MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
_url = URLValidator(schemes=["http", "https"])
# The everyday image address (http(s), a host of letters, digits and hyphens under a top-level
# domain of letters, any path): a subset of what ``_url`` accepts, checked in a tenth of its
# time. Anything else (a port, an IP address, an IDN, a user name) is left to ``_url``.
_PLAIN_URL = re.compile(
    r"https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)
_PLAIN_HOST_MAX = 253


@dataclasses.dataclass
class Row:
    """A feed row as the catalogue would take it, and its errors (empty when it is fine)."""

    sku: str = ""
    title: str = ""
    description: str = ""
    price: Decimal | None = None
    currency: str = ""
    quantity: int | None = None
    category: str = ""
    image_urls: list[str] = dataclasses.field(default_factory=list)
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def check(raw: dict[str, Any], *, default_currency: str = "EUR") -> Row:
    """The row ``raw`` (column → value, as the feed gave it) checked."""
    row = Row()
    if "_invalid" in raw:
        row.error("row", _("This entry is not a product object."))
        return row
    if raw.get("_extra"):
        row.error("row", _("This row has more values than the header has columns."))
    row.sku = _text(raw.get("sku"))
    if not row.sku:
        row.error("sku", _("The SKU is missing."))
    elif len(row.sku) > 64:
        row.error("sku", _("The SKU is longer than 64 characters."))
    else:
        try:
            SKU_VALIDATOR(row.sku)
        except ValidationError as exc:
            row.error("sku", str(exc.messages[0]))
    row.title = _text(raw.get("title"))
    if not row.title:
        row.error("title", _("The title is missing."))
    elif len(row.title) > 200:
        row.error("title", _("The title is longer than 200 characters."))
    row.description = _text(raw.get("description"))
    row.price = _price(raw.get("price"), row)
    row.currency = (_text(raw.get("currency")) or default_currency).upper()
    if len(row.currency) != 3 or not row.currency.isalpha():
        row.error("currency", _("Use a three-letter currency code such as EUR."))
    row.quantity = _quantity(raw.get("quantity"), row)
    row.category = _text(raw.get("category"))[:100]
    row.image_urls = _images(raw.get("image_urls"), row)
    return row


def _price(value: Any, row: Row) -> Decimal | None:
    text = _text(value)
    if not text:
        row.error("price", _("The price is missing."))
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 12,50 as written in Luxembourg, France, Germany
    try:
        price = Decimal(text)
    except InvalidOperation:
        row.error("price", _("The price is not a number."))
        return None
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        row.error("price", _("The price must be between 0 and 9,999,999,999.99."))
        return None
    if price != price.quantize(Decimal("0.01")):
        row.error("price", _("The price has more than two decimals."))
        return None
    return price.quantize(Decimal("0.01"))


def _quantity(value: Any, row: Row) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        quantity = int(Decimal(text))
        if quantity != Decimal(text):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        row.error("quantity", _("The quantity is not a whole number."))
        return None
    if not 0 <= quantity <= MAX_QUANTITY:
        row.error("quantity", _("The quantity must be between 0 and 1,000,000."))
        return None
    return quantity


def _images(value: Any, row: Row) -> list[str]:
    if value in (None, ""):
        return []
    urls = value if isinstance(value, list) else str(value).split("|")
    found = []
    for url in (_text(u) for u in urls):
        if not url:
            continue
        try:
            if not _plain(url):
                _url(url)
        except ValidationError:
            row.error("image_urls", _("Not a web address: %(url)s") % {"url": url[:100]})
            continue
        found.append(url)
    return found


def _plain(url: str) -> bool:
    """Whether ``url`` is an everyday address ``_url`` would accept (False: ask ``_url``)."""
    if len(url) > _url.max_length or not _PLAIN_URL.fullmatch(url):
        return False
    return len(url.split("/", 3)[2]) <= _PLAIN_HOST_MAX
