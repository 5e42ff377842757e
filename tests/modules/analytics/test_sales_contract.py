"""Orders' answer to the sales contract, against hand-computed figures: days, weeks and months
of the platform's time zone (Europe/Luxembourg) across a day boundary and the DST change of
29 March 2026, one query per series, other vendors and platforms never counted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from modules.orders.factories import CartFactory
from modules.orders.models import Order
from modules.orders.providers import sales_provider
from orion_core.contracts import provider_for
from orion_core.contracts.sales import SALES, CartConversion, Granularity, SalesPoint

from .conftest import lux, sale

pytestmark = pytest.mark.django_db
TZ = "Europe/Luxembourg"
START, END = lux(2026, 3, 1), lux(2026, 4, 6)


@pytest.fixture
def march(shop, other_shop, analytics_on, other_platform):
    """Sales of shop-a around the DST change and a day boundary, and noise that must not count."""
    p = analytics_on
    sale(shop, p, lux(2026, 3, 28, 23, 30), "10.00", email="ann@example.com")  # 22:30 UTC
    sale(shop, p, lux(2026, 3, 29, 0, 30), "20.00", email="bob@example.com")  # 23:30 UTC on 28th
    sale(shop, p, lux(2026, 3, 29, 23, 30), "30.00", email="ANN@example.com", sku="MUG")  # CEST
    sale(shop, p, lux(2026, 3, 31, 23, 59), "5.00", email="cy@example.com")
    sale(shop, p, lux(2026, 4, 1, 0, 1), "7.00", email="cy@example.com")
    sale(shop, p, lux(2026, 3, 30, 12), "99.00", status=Order.Status.PENDING)  # not a sale
    sale(shop, p, lux(2026, 3, 30, 12), "99.00", status=Order.Status.CANCELLED)
    sale(other_shop, p, lux(2026, 3, 30, 12), "50.00")  # another vendor
    sale(shop, other_platform, lux(2026, 3, 30, 12), "70.00")  # another platform
    sale(shop, p, lux(2026, 2, 10, 12), "1.00", email="dee@example.com")  # before: returning?
    sale(shop, p, lux(2026, 3, 15, 12), "2.00", email="dee@example.com")
    return p


def test_provider_is_found_by_convention():
    assert provider_for(SALES, {"orders"}) is sales_provider
    assert provider_for(SALES, set()).available is False


def test_days_follow_the_platform_time_zone_across_dst(march, shop, django_assert_num_queries):
    with django_assert_num_queries(1):
        points = sales_provider.sales_series(march.pk, shop.pk, START, END, tz=TZ)
    assert [(p.period, p.orders, p.revenue) for p in points] == [
        (datetime.date(2026, 3, 15), 1, Decimal("2.00")),
        (datetime.date(2026, 3, 28), 1, Decimal("10.00")),
        (datetime.date(2026, 3, 29), 2, Decimal("50.00")),
        (datetime.date(2026, 3, 31), 1, Decimal("5.00")),
        (datetime.date(2026, 4, 1), 1, Decimal("7.00")),
    ]
    assert {p.currency for p in points} == {"EUR"}


def test_the_same_orders_in_utc_fall_on_other_days(march, shop):
    days = {
        p.period: p.orders
        for p in sales_provider.sales_series(march.pk, shop.pk, START, END, tz="UTC")
    }
    assert days[datetime.date(2026, 3, 28)] == 2  # 22:30 and 23:30 UTC
    assert days[datetime.date(2026, 3, 29)] == 1  # 21:30 UTC (CEST)


def test_weeks_and_months(march, shop):
    weeks = sales_provider.sales_series(
        march.pk, shop.pk, START, END, tz=TZ, granularity=Granularity.WEEK
    )
    assert [(p.period, p.orders) for p in weeks] == [
        (datetime.date(2026, 3, 9), 1),
        (datetime.date(2026, 3, 23), 3),  # Monday 23 March to Sunday 29 March
        (datetime.date(2026, 3, 30), 2),
    ]
    months = sales_provider.sales_series(
        march.pk, shop.pk, START, END, tz=TZ, granularity=Granularity.MONTH
    )
    assert months == [
        SalesPoint(datetime.date(2026, 3, 1), 5, Decimal("67.00"), "EUR", 1),
        SalesPoint(datetime.date(2026, 4, 1), 1, Decimal("7.00"), "EUR", 1),
    ]


def test_platform_series_counts_every_vendor(march, django_assert_num_queries):
    with django_assert_num_queries(1):
        points = sales_provider.sales_series(march.pk, None, lux(2026, 3, 30), END, tz=TZ)
    assert [(p.period, p.orders, p.revenue, p.vendors) for p in points] == [
        (datetime.date(2026, 3, 30), 1, Decimal("50.00"), 1),
        (datetime.date(2026, 3, 31), 1, Decimal("5.00"), 1),
        (datetime.date(2026, 4, 1), 1, Decimal("7.00"), 1),
    ]


def test_currencies_are_never_summed(shop, analytics_on):
    sale(shop, analytics_on, lux(2026, 3, 2, 12), "10.00")
    sale(shop, analytics_on, lux(2026, 3, 2, 13), "10.00", currency="USD")
    points = sales_provider.sales_series(analytics_on.pk, shop.pk, START, END, tz=TZ)
    assert [(p.currency, p.revenue) for p in points] == [
        ("EUR", Decimal("10.00")),
        ("USD", Decimal("10.00")),
    ]


def test_top_products(march, shop, django_assert_num_queries):
    with django_assert_num_queries(1):
        top = sales_provider.top_products(march.pk, shop.pk, START, END, limit=5)
    assert [(t.sku, t.units, t.revenue) for t in top] == [
        ("TEE", 5, Decimal("44.00")),
        ("MUG", 1, Decimal("30.00")),
    ]


def test_customer_mix_by_email(march, shop, django_assert_num_queries):
    with django_assert_num_queries(1):
        mix = sales_provider.customer_mix(march.pk, shop.pk, START, END)
    # ann (twice, case aside), bob and cy are new in the range; dee bought in February.
    assert (mix.new, mix.returning) == (3, 1)


def test_cart_conversion(shop, other_shop, analytics_on, django_assert_num_queries):
    for _ in range(4):
        CartFactory(vendor=shop)
    CartFactory(vendor=other_shop)
    now = datetime.datetime.now(tz=datetime.UTC)
    sale(shop, analytics_on, now, "10.00", status=Order.Status.PENDING)  # placed: converted
    sale(other_shop, analytics_on, now - datetime.timedelta(days=3), "10.00")  # before
    with django_assert_num_queries(1):
        found = sales_provider.cart_conversion(
            analytics_on.pk, shop.pk, now - datetime.timedelta(days=1), lux(2027, 1, 1)
        )
    assert found == CartConversion(carts=4, orders=1)
    assert found.rate == Decimal("25.0")
    platform = sales_provider.cart_conversion(
        analytics_on.pk, None, now - datetime.timedelta(days=1), lux(2027, 1, 1)
    )
    assert platform.carts == 5
