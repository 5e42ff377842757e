"""Order totals in ``Decimal``, rounded at defined points only.

**Where rounding happens.** Prices are stored with the currency's minor unit (two places for
the euro, none for the yen). A line's amount is ``unit price × quantity``: exact, no rounding.
Its tax is rounded once, per line, ``ROUND_HALF_UP`` to the minor unit. Shipping is one more
taxed amount, rounded the same way. The order's figures are then plain **sums** of those
rounded amounts, so the lines always add up to the order to the cent; nothing is rounded twice.

**Tax.** ``rate`` is a percentage. With prices that include tax (``inclusive``) a line's amount
is what the customer pays, and the tax inside it is ``amount × rate / (100 + rate)``; without
(``exclusive``) the amount is net and tax is ``amount × rate / 100`` on top. In both cases
``net + tax == gross`` for every line and for the order.

**Free shipping** applies when the goods come to at least the threshold, counting them as the
shop shows them (with tax when prices include tax, without otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
ZERO = Decimal("0")

# ISO 4217 currencies whose minor unit is not the cent. Stored amounts have at most two
# places, so three-place currencies (BHD, KWD…) are not supported.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)  # fmt: skip


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal("0.01")``, or ``Decimal("1")``."""
    return Decimal("1") if currency.upper() in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor unit (the one rounding rule)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def tax_of(amount: Decimal, rate: Decimal, *, inclusive: bool, currency: str) -> Decimal:
    """The tax in (``inclusive``) or on ``amount`` at ``rate`` percent, rounded."""
    if rate == ZERO or amount == ZERO:
        return round_money(ZERO, currency)
    if inclusive:
        return round_money(amount * rate / (HUNDRED + rate), currency)
    return round_money(amount * rate / HUNDRED, currency)


@dataclass(frozen=True)
class LineInput:
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class LineTotals:
    """One line: ``amount`` (unit price × quantity, as priced), its ``tax``, ``net`` and
    ``gross`` (``net + tax == gross``)."""

    unit_price: Decimal
    quantity: int
    amount: Decimal
    tax: Decimal
    net: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Totals:
    """An order's figures. ``subtotal`` is the goods as priced (gross when prices include tax,
    net otherwise); ``total`` is what the customer pays; ``tax`` the tax in it."""

    currency: str
    inclusive: bool
    rate: Decimal
    lines: tuple[LineTotals, ...]
    subtotal: Decimal
    shipping: Decimal
    shipping_tax: Decimal
    tax: Decimal
    total: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.tax


def line_totals(line: LineInput, rate: Decimal, *, inclusive: bool, currency: str) -> LineTotals:
    amount = round_money(line.unit_price, currency) * line.quantity
    tax = tax_of(amount, rate, inclusive=inclusive, currency=currency)
    net, gross = (amount - tax, amount) if inclusive else (amount, amount + tax)
    return LineTotals(
        round_money(line.unit_price, currency), line.quantity, amount, tax, net, gross
    )


def shipping_for(
    goods: Decimal, *, flat_rate: Decimal, free_above: Decimal | None, currency: str
) -> Decimal:
    """The shipping charge for goods worth ``goods``: free at or above ``free_above``."""
    if free_above is not None and goods >= free_above:
        return round_money(ZERO, currency)
    return round_money(flat_rate, currency)


def compute(
    lines: Sequence[LineInput],
    *,
    currency: str,
    rate: Decimal,
    inclusive: bool,
    shipping: Decimal = ZERO,
) -> Totals:
    """The totals of ``lines`` plus ``shipping`` (priced like the goods: with tax when
    ``inclusive``), each line and shipping taxed and rounded once, the order their sum."""
    if rate < ZERO or rate > HUNDRED:
        raise ValueError("A tax rate is a percentage from 0 to 100.")
    computed = tuple(
        line_totals(line, rate, inclusive=inclusive, currency=currency) for line in lines
    )
    shipping = round_money(shipping, currency)
    shipping_tax = tax_of(shipping, rate, inclusive=inclusive, currency=currency)
    subtotal = sum((line.amount for line in computed), round_money(ZERO, currency))
    tax = sum((line.tax for line in computed), shipping_tax)
    total = subtotal + shipping + (ZERO if inclusive else tax)
    return Totals(
        currency=currency,
        inclusive=inclusive,
        rate=rate,
        lines=computed,
        subtotal=subtotal,
        shipping=shipping,
        shipping_tax=shipping_tax,
        tax=tax,
        total=total,
    )
