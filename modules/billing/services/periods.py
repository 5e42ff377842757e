"""Billing periods and proration: pure arithmetic on dates and Decimal money (no database).

**Periods** run from a subscription's ``anchor`` in whole months or years: period ``n`` is
``[anchor + n intervals, anchor + (n + 1) intervals)``, each computed from the anchor (a month
added to 31 January is 28 or 29 February, and the period after that still ends on 31 March: no
drift at month ends).

**Proration** (an upgrade in the middle of a paid period): the vendor owes the difference of the
two prices for the part of the period that is left, by the second:
``(new price − old price) × (period end − now) / (period end − period start)``, rounded half up
to the cent. A change that costs less is never prorated: it waits for the period end.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
YEAR = "year"


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` ``months`` calendar months later, on the same day or the month's last one."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_intervals(anchor: datetime.datetime, interval: str, count: int) -> datetime.datetime:
    """The start of period ``count`` of a cycle anchored at ``anchor``."""
    return add_months(anchor, count * 12 if interval == YEAR else count)


def period_containing(
    anchor: datetime.datetime, interval: str, moment: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period of the cycle anchored at ``anchor`` that contains ``moment`` (the first one
    when ``moment`` is before the anchor)."""
    if moment < anchor:
        return anchor, add_intervals(anchor, interval, 1)
    months = (moment.year - anchor.year) * 12 + (moment.month - anchor.month)
    # One period short of the calendar estimate (never past the moment), then step forward.
    count = max((months // 12 if interval == YEAR else months) - 1, 0)
    while add_intervals(anchor, interval, count + 1) <= moment:
        count += 1
    return add_intervals(anchor, interval, count), add_intervals(anchor, interval, count + 1)


def next_period(
    anchor: datetime.datetime, interval: str, start: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period of the cycle that begins at ``start`` (a period boundary of the cycle)."""
    begin, end = period_containing(anchor, interval, start)
    if begin != start:  # not on a boundary (the anchor moved): run from start to the next one
        return start, end
    return begin, end


def money(value: Decimal) -> Decimal:
    """``value`` rounded half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def prorate(
    old_price: Decimal,
    new_price: Decimal,
    start: datetime.datetime,
    end: datetime.datetime,
    now: datetime.datetime,
) -> Decimal:
    """What moving from ``old_price`` to ``new_price`` at ``now`` owes for the rest of the
    period ``[start, end)`` (never below zero; zero outside the period)."""
    if new_price <= old_price or now >= end or end <= start:
        return ZERO
    now = max(now, start)
    left = Decimal((end - now).total_seconds())
    whole = Decimal((end - start).total_seconds())
    return money((Decimal(new_price) - Decimal(old_price)) * left / whole)
