"""Totals, tax and rounding as properties (modules.orders.money): the lines add up to the order
to the cent, tax inclusive and exclusive agree, rounding happens once per line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.orders import money

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)
rates = st.sampled_from([Decimal(r) for r in ("0", "2.1", "5.5", "7", "10", "19", "20", "25")])
lines = st.lists(
    st.builds(money.LineInput, unit_price=prices, quantity=st.integers(1, 999)),
    min_size=1,
    max_size=12,
)
CENT = Decimal("0.01")
# A busy CI machine must not fail a property for being slow to draw examples.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@relaxed
@given(lines, rates, st.booleans(), prices)
def test_line_totals_add_up_to_the_order(items, rate, inclusive, shipping):
    totals = money.compute(items, currency="EUR", rate=rate, inclusive=inclusive, shipping=shipping)
    assert totals.subtotal == sum(line.amount for line in totals.lines)
    assert totals.tax == sum(line.tax for line in totals.lines) + totals.shipping_tax
    gross = sum(line.gross for line in totals.lines)
    shipping_gross = totals.shipping + (0 if inclusive else totals.shipping_tax)
    assert totals.total == gross + shipping_gross
    assert totals.net + totals.tax == totals.total


@relaxed
@given(lines, rates, st.booleans())
def test_every_amount_is_in_whole_cents_and_net_plus_tax_is_gross(items, rate, inclusive):
    totals = money.compute(items, currency="EUR", rate=rate, inclusive=inclusive)
    for line in totals.lines:
        for amount in (line.amount, line.tax, line.net, line.gross):
            assert amount == amount.quantize(CENT)
        assert line.net + line.tax == line.gross
        assert line.tax >= 0 and line.net >= 0
    assert totals.total == totals.total.quantize(CENT)


@relaxed
@given(lines, rates)
def test_inclusive_and_exclusive_agree_on_the_same_goods(items, rate):
    """Pricing net and adding tax, or pricing gross and taking it out: each line's tax is the
    exact tax rounded once (never off by more than half a cent), in both directions."""
    exclusive = money.compute(items, currency="EUR", rate=rate, inclusive=False)
    for line in exclusive.lines:
        exact = line.amount * rate / 100
        assert abs(line.tax - exact) <= Decimal("0.005")
    inclusive = money.compute(items, currency="EUR", rate=rate, inclusive=True)
    for line in inclusive.lines:
        exact = line.amount * rate / (100 + rate)
        assert abs(line.tax - exact) <= Decimal("0.005")


@relaxed
@given(lines, rates, st.booleans())
def test_rounding_never_makes_or_loses_more_than_half_a_cent_per_line(items, rate, inclusive):
    """The order's tax is the sum of the lines' rounded taxes: against the exact tax of the
    whole order, it is off by at most half a cent per line, never more."""
    totals = money.compute(items, currency="EUR", rate=rate, inclusive=inclusive)
    divisor = (100 + rate) if inclusive else Decimal(100)
    exact = sum(line.amount for line in totals.lines) * rate / divisor
    assert abs(totals.tax - exact) <= Decimal("0.005") * len(items)


@relaxed
@given(lines, rates, st.booleans())
def test_splitting_nothing_changes_nothing(items, rate, inclusive):
    """Computing the order again from its own lines gives the same figures (stable)."""
    first = money.compute(items, currency="EUR", rate=rate, inclusive=inclusive)
    again = money.compute(
        [money.LineInput(line.unit_price, line.quantity) for line in first.lines],
        currency="EUR",
        rate=rate,
        inclusive=inclusive,
    )
    assert again == first


def test_half_a_cent_rounds_up():
    assert money.round_money(Decimal("0.005"), "EUR") == Decimal("0.01")
    assert money.round_money(Decimal("0.0049"), "EUR") == Decimal("0.00")
    assert money.round_money(Decimal("2.5"), "JPY") == Decimal("3")


def test_tax_included_and_added_on_a_known_basket():
    items = [money.LineInput(Decimal("10.00"), 3), money.LineInput(Decimal("7.50"), 1)]
    inclusive = money.compute(items, currency="EUR", rate=Decimal("20"), inclusive=True)
    assert (inclusive.subtotal, inclusive.tax, inclusive.total) == (
        Decimal("37.50"),
        Decimal("6.25"),
        Decimal("37.50"),
    )
    exclusive = money.compute(
        items, currency="EUR", rate=Decimal("20"), inclusive=False, shipping=Decimal("4.90")
    )
    assert exclusive.subtotal == Decimal("37.50")
    assert exclusive.tax == Decimal("7.50") + Decimal("0.98")
    assert exclusive.total == Decimal("37.50") + Decimal("4.90") + Decimal("8.48")


def test_free_shipping_from_the_threshold_on():
    kw = {"flat_rate": Decimal("4.90"), "free_above": Decimal("50.00"), "currency": "EUR"}
    assert money.shipping_for(Decimal("49.99"), **kw) == Decimal("4.90")
    assert money.shipping_for(Decimal("50.00"), **kw) == Decimal("0.00")
    assert money.shipping_for(Decimal("500"), **{**kw, "free_above": None}) == Decimal("4.90")


def test_a_rate_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        money.compute([], currency="EUR", rate=Decimal("101"), inclusive=True)
