"""Analytics on the dashboards: a bar per day of the last 30 days of revenue (the platform's
days, cached under the sales scopes) on the vendor's portal home next to the month figures, and
the platform's GMV on the staff dashboard; an empty state without sales, no card with analytics
off."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from modules.analytics.providers import daily_revenue, widgets_provider
from modules.tenancy.context import tenant_context
from orion_core import shared_cache
from orion_core.contracts.sales import sales_scopes
from orion_core.testing import StaffUserFactory, override_module

from .conftest import LUX, lux, sale

pytestmark = pytest.mark.django_db

HOME = "/vendor/shop-a/"
CARD = 'id="widget-analyticsmonths"'  # the portal slugifies the widget's key


def days_ago(days: int, hour: int = 12) -> datetime.datetime:
    """Noon (by default) of the UTC day ``days`` before today: the default platform day."""
    today = datetime.datetime.now(tz=datetime.UTC).date() - datetime.timedelta(days=days)
    return datetime.datetime.combine(today, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def sales(shop, other_shop, analytics_on):
    """Shop A: 30.00 today, 12.50 + 7.50 three days ago, 5.00 on the 30th day back (the first
    of the range): 55.00. Not counted: 100.00 the day before the range, a pending order, and
    Shop B's 700.00 (which the platform's GMV adds: 755.00)."""
    sale(shop, analytics_on, days_ago(0, hour=0), "30.00")
    sale(shop, analytics_on, days_ago(3), "12.50")
    sale(shop, analytics_on, days_ago(3), "7.50")
    sale(shop, analytics_on, days_ago(29), "5.00")
    sale(shop, analytics_on, days_ago(30), "100.00")
    sale(shop, analytics_on, days_ago(1), "40.00", status="pending")
    sale(other_shop, analytics_on, days_ago(2), "700.00")


def test_thirty_daily_points_add_up_to_the_sales(
    shop, analytics_on, sales, django_assert_num_queries
):
    trend = daily_revenue(analytics_on, shop.pk)
    assert len(trend.days) == 30
    assert trend.days[-1] == (days_ago(0).date(), Decimal("30.00"))
    assert trend.days[0] == (days_ago(29).date(), Decimal("5.00"))
    assert dict(trend.days)[days_ago(3).date()] == Decimal("20.00")
    assert (trend.total, trend.currency) == (Decimal("55.00"), "EUR")
    assert daily_revenue(analytics_on, None).total == Decimal("755.00")
    with django_assert_num_queries(0):  # warm: from the shared cache
        assert daily_revenue(analytics_on, shop.pk) == trend
    sale(shop, analytics_on, days_ago(1), "1.00")
    shared_cache.bump(*sales_scopes(analytics_on.pk, shop.pk))  # what orders does on commit
    assert daily_revenue(analytics_on, shop.pk).total == Decimal("56.00")


def test_the_widget_context_holds_the_trend(shop, analytics_on, sales):
    with tenant_context(vendor=shop):
        [widget] = widgets_provider.get_widgets(analytics_on, StaffUserFactory())
    assert len(widget.context["trend"].days) == 30
    assert sum(revenue for _day, revenue in widget.context["trend"].days) == Decimal("55.00")
    assert widget.context["trend_total"] == "55.00 EUR"
    assert widget.context["chart"].count("<rect") == 30


def test_a_day_is_the_platform_day(shop, analytics_on):
    """00:30 in Luxembourg is the evening before in UTC: the platform's zone decides."""
    today = datetime.datetime.now(tz=LUX).date()
    day = today - datetime.timedelta(days=2)
    sale(shop, analytics_on, lux(day.year, day.month, day.day, 0, 30), "10.00")
    with override_module(analytics_on, "analytics", config={"time_zone": "Europe/Luxembourg"}):
        assert dict(daily_revenue(analytics_on, shop.pk).days)[day] == Decimal("10.00")
    before = day - datetime.timedelta(days=1)  # the default zone: UTC
    assert dict(daily_revenue(analytics_on, shop.pk).days)[before] == Decimal("10.00")


def test_the_vendor_home_draws_the_trend(owner_client, sales):
    page = owner_client.get(HOME).content.decode()
    assert CARD in page and 'class="chart sparkline"' in page
    assert 'aria-label="Revenue over the last 30 days: 55.00 EUR in total"' in page
    assert "Last 30 days: 55.00 EUR" in page  # the figure as text too
    assert "Revenue this month" in page
    assert "700.00" not in page  # another vendor's sales
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]


def test_a_vendor_without_sales_sees_the_empty_state(owner_client, other_shop, analytics_on):
    sale(other_shop, analytics_on, days_ago(1), "700.00")
    page = owner_client.get(HOME).content.decode()
    assert "No sales in the last 30 days." in page
    assert "sparkline" not in page


def test_analytics_off_removes_the_card(owner_client, sales, analytics_on):
    assert CARD in owner_client.get(HOME).content.decode()
    with override_module(analytics_on, "analytics", enabled=False):
        page = owner_client.get(HOME).content.decode()
    assert CARD not in page and "sparkline" not in page


def test_no_card_without_sales_data(owner_client, shop, analytics_on):
    with override_module(analytics_on, "orders", enabled=False):
        page = owner_client.get(HOME).content.decode()
    assert CARD not in page


def test_the_staff_dashboard_shows_the_platform_gmv_trend(staff_client, sales):
    page = staff_client.get("/dashboard/").content.decode()
    assert 'id="widget-analytics.gmv_trend"' in page
    assert 'aria-label="GMV over the last 30 days: 755.00 EUR in total"' in page
    assert "Last 30 days: 755.00 EUR" in page
