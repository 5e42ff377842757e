"""Billing periods and proration: calendar months without drift, Decimal money to the cent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from modules.billing.services import periods

UTC = datetime.UTC


def at(year: int, month: int, day: int, hour: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def test_a_month_after_the_31st_is_the_last_day_of_a_shorter_month():
    assert periods.add_months(at(2025, 1, 31), 1) == at(2025, 2, 28)
    assert periods.add_months(at(2024, 1, 31), 1) == at(2024, 2, 29)
    assert periods.add_months(at(2025, 11, 30), 3) == at(2026, 2, 28)
    assert periods.add_months(at(2025, 3, 15, 9), -2) == at(2025, 1, 15, 9)


def test_periods_are_counted_from_the_anchor_so_month_ends_do_not_drift():
    anchor = at(2025, 1, 31)
    assert periods.add_intervals(anchor, "month", 1) == at(2025, 2, 28)
    assert periods.add_intervals(anchor, "month", 2) == at(2025, 3, 31)
    assert periods.add_intervals(anchor, "year", 1) == at(2026, 1, 31)
    assert periods.next_period(anchor, "month", at(2025, 2, 28)) == (
        at(2025, 2, 28),
        at(2025, 3, 31),
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2025, 1, 10), (at(2025, 1, 31), at(2025, 2, 28))),  # before the anchor: the first
        (at(2025, 1, 31), (at(2025, 1, 31), at(2025, 2, 28))),
        (at(2025, 3, 30), (at(2025, 2, 28), at(2025, 3, 31))),
        (at(2025, 3, 31), (at(2025, 3, 31), at(2025, 4, 30))),
        (at(2026, 7, 4), (at(2026, 6, 30), at(2026, 7, 31))),
    ],
)
def test_the_period_containing_a_moment(moment, expected):
    assert periods.period_containing(at(2025, 1, 31), "month", moment) == expected


def test_the_yearly_period_containing_a_moment():
    anchor = at(2024, 2, 29)
    assert periods.period_containing(anchor, "year", at(2027, 6, 1)) == (
        at(2027, 2, 28),
        at(2028, 2, 29),
    )


def test_an_upgrade_halfway_owes_half_the_difference():
    start, end = at(2025, 4, 1), at(2025, 5, 1)  # 30 days
    halfway = at(2025, 4, 16)
    assert periods.prorate(Decimal("30.00"), Decimal("90.00"), start, end, halfway) == Decimal(
        "30.00"
    )


def test_proration_rounds_half_up_to_the_cent():
    start, end = at(2025, 4, 1), at(2025, 5, 1)
    # 10.00 × 1/3 = 3.333… → 3.33; 0.05 × 10/30 = 0.01666… → 0.02
    assert periods.prorate(Decimal("0"), Decimal("10.00"), start, end, at(2025, 4, 21)) == Decimal(
        "3.33"
    )
    assert periods.prorate(Decimal("0"), Decimal("0.05"), start, end, at(2025, 4, 21)) == Decimal(
        "0.02"
    )
    result = periods.prorate(Decimal("9.00"), Decimal("29.00"), start, end, at(2025, 4, 1, 5))
    assert isinstance(result, Decimal) and result.as_tuple().exponent == -2


def test_nothing_is_owed_for_a_cheaper_plan_or_outside_the_period():
    start, end = at(2025, 4, 1), at(2025, 5, 1)
    assert periods.prorate(Decimal("90"), Decimal("30"), start, end, at(2025, 4, 10)) == 0
    assert periods.prorate(Decimal("30"), Decimal("90"), start, end, at(2025, 5, 2)) == 0
    # Before the period (a clock behind): the whole difference, never more.
    assert periods.prorate(Decimal("30"), Decimal("90"), start, end, at(2025, 3, 1)) == Decimal(
        "60.00"
    )
