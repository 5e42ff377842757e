"""The dashboards' figures (this month against last, from the sales contract, cached under its
scopes) and the SVG charts (escaped, no script)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from modules.analytics import charts
from modules.analytics.providers import metrics_provider, month_figures
from orion_core import shared_cache
from orion_core.contracts.sales import sales_scopes
from orion_core.testing import override_module

from .conftest import sale


def _last_month() -> datetime.datetime:
    today = datetime.datetime.now(tz=datetime.UTC)
    return today.replace(day=1, hour=12) - datetime.timedelta(days=3)


@pytest.mark.django_db
def test_month_figures_are_cached_until_a_sale_changes(
    shop, other_shop, analytics_on, django_assert_num_queries
):
    sale(shop, analytics_on, datetime.datetime.now(tz=datetime.UTC), "30.00")
    sale(shop, analytics_on, _last_month(), "20.00")
    sale(other_shop, analytics_on, _last_month(), "500.00")
    found = month_figures(analytics_on, shop.pk)
    assert (found.this_month, found.last_month, found.change) == (
        Decimal("30.00"),
        Decimal("20.00"),
        Decimal("50.0"),
    )
    with django_assert_num_queries(0):
        assert month_figures(analytics_on, shop.pk) == found
    sale(shop, analytics_on, datetime.datetime.now(tz=datetime.UTC), "5.00")
    shared_cache.bump(*sales_scopes(analytics_on.pk, shop.pk))  # what orders does on commit
    assert month_figures(analytics_on, shop.pk).this_month == Decimal("35.00")
    labels = {m.key: m.value for m in metrics_provider.get_metrics(analytics_on)}
    assert labels["analytics.gmv_last_month"] == "520.00 EUR"


@pytest.mark.django_db
def test_no_figures_without_sales_data(analytics_on):
    with override_module(analytics_on, "orders", enabled=False):
        assert month_figures(analytics_on, None) is None
        assert metrics_provider.get_metrics(analytics_on) == []


def test_charts_escape_text_and_draw_every_point():
    svg = charts.line_chart('<b>"x"</b>', [("<i>", 3), ("b", Decimal("4.5")), ("c", 0)])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;i&gt;" in svg
    assert svg.count("<circle") == 3 and "<polyline" in svg
    assert "<script" not in svg and "style=" not in svg
    bars = charts.bar_chart("t", [("a", 1), ("b", 2)])
    assert bars.count("<rect") == 2
    assert charts.line_chart("empty", []).startswith("<svg")


def test_sparkline_is_titled_escaped_and_draws_a_bar_per_point():
    svg = charts.sparkline('<b>"x"</b>', [("<i>", 3), ("b", Decimal("4.5")), ("c", 0)])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in svg and "&lt;i&gt;: 3" in svg
    assert svg.count("<rect") == 3 and 'height="0.0"' in svg  # a day without sales: no bar
    assert "<script" not in svg and "style=" not in svg
