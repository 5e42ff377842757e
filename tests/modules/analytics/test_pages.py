"""The vendor's and the staff's report pages: figures, charts, the range filter (400 with
field errors), CSV, the fallback with orders off, another vendor's orders never counted."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.billing.factories import SubscriptionFactory, TierFactory
from modules.tenancy.factories import MembershipFactory
from orion_core.testing import UserFactory, override_module

from .conftest import HOST, LUX, PORTAL, lux, sale

pytestmark = pytest.mark.django_db


def now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)


@pytest.fixture
def sales(shop, other_shop, analytics_on):
    sale(shop, analytics_on, now() - datetime.timedelta(days=2), "10.00", email="a@example.com")
    sale(shop, analytics_on, now() - datetime.timedelta(days=1), "30.00", email="a@example.com")
    sale(shop, analytics_on, now() - datetime.timedelta(days=40), "99.00", email="old@x.com")
    sale(other_shop, analytics_on, now() - datetime.timedelta(days=1), "777.00", sku="SECRET")


def test_vendor_report(owner_client, sales):
    response = owner_client.get(PORTAL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "40.00 EUR" in page  # revenue of the last 30 days
    assert "20.00 EUR" in page  # average order
    assert "<svg" in page and "<polyline" in page
    assert "777" not in page and "SECRET" not in page  # another vendor's sale
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]


def test_presets_and_granularity(owner_client, sales):
    page = owner_client.get(PORTAL, {"preset": "90", "granularity": "month"}).content.decode()
    assert "139.00 EUR" in page


def test_custom_range(owner_client, sales):
    today = now().date()
    query = {"preset": "custom", "start": today.isoformat(), "end": today.isoformat()}
    response = owner_client.get(PORTAL, query)
    assert response.status_code == 200
    assert "Nothing sold in this period." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"preset": "custom", "start": "2026-05-02", "end": "2026-05-01"}, "end"),
        ({"preset": "custom", "start": "2023-01-01", "end": "2026-01-01"}, "start"),
        ({"preset": "custom", "start": "not a date", "end": "2026-01-01"}, "start"),
        ({"preset": "custom"}, "start"),
        ({"preset": "12"}, "preset"),
        ({"granularity": "hour"}, "granularity"),
    ],
)
def test_bad_ranges_are_400_with_field_errors(owner_client, shop, query, field):
    response = owner_client.get(PORTAL, query)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()


def test_csv_export(owner_client, sales):
    response = owner_client.get(PORTAL, {"format": "csv", "series": "sales", "preset": "7"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "orders", "revenue", "currency", "vendors"]
    assert len(rows) == 1 + 7  # every day, sales or not
    assert sum(int(r[1]) for r in rows[1:]) == 2
    products = owner_client.get(PORTAL, {"format": "csv", "series": "products"})
    assert list(csv.reader(io.StringIO(products.content.decode())))[1][:3] == ["TEE", "Tee", "2"]
    mix = owner_client.get(PORTAL, {"format": "csv", "series": "customers"}).content.decode()
    assert mix.splitlines() == ["new,returning", "1,0"]
    with CaptureQueriesContext(connection) as ran:
        owner_client.get(PORTAL, {"format": "csv", "series": "conversion"})
    assert len([q for q in ran.captured_queries if "orders_" in q["sql"]]) == 1  # that series


def test_no_sales_data_with_orders_off(owner_client, analytics_on):
    with override_module(analytics_on, "orders", enabled=False):
        response = owner_client.get(PORTAL)
    assert response.status_code == 200
    assert "There is no sales data" in response.content.decode()


def test_one_query_per_series(owner_client, sales):
    owner_client.get(PORTAL)  # warm the caches (session, user, platform state)
    with CaptureQueriesContext(connection) as ran:
        owner_client.get(PORTAL)
    sales_queries = [q["sql"] for q in ran.captured_queries if "orders_" in q["sql"]]
    assert len(sales_queries) == 4  # sales, top products, customers, conversion
    assert len(ran.captured_queries) <= 4 + 2, [q["sql"] for q in ran.captured_queries]


def test_viewer_without_permission_is_refused(shop, analytics_on):
    outsider = UserFactory()
    MembershipFactory(user=outsider, vendor=shop, role="viewer")
    client = Client(HTTP_HOST=HOST)
    client.force_login(outsider)
    assert client.get(PORTAL).status_code == 200  # viewers may read reports
    stranger = Client(HTTP_HOST=HOST)
    stranger.force_login(UserFactory())
    assert stranger.get(PORTAL).status_code == 404


def test_staff_report(staff_client, sales, analytics_on, other_platform):
    response = staff_client.get("/dashboard/analytics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "817.00 EUR" in page  # both vendors' last 30 days
    assert 'data-module="analytics"' in page
    assert "2 of 2 vendors" in page or "of 2 vendors" in page
    csv_text = staff_client.get("/dashboard/analytics/", {"format": "csv"}).content.decode()
    assert csv_text.startswith("period,orders,revenue,currency,vendors")
    assert staff_client.get("/dashboard/analytics/", {"preset": "5"}).status_code == 400


def test_staff_only(owner_client, analytics_on):
    assert owner_client.get("/dashboard/analytics/").status_code in (302, 403)


def test_staff_subscriptions_by_tier(staff_client, analytics_on, shop):
    page = staff_client.get("/dashboard/analytics/").content.decode()
    assert "No plans are sold on this platform" in page  # the contract's fallback
    with override_module(analytics_on, "billing"):
        growth = TierFactory(platform=analytics_on, code="growth", name="Growth")
        TierFactory(platform=analytics_on, code="pro", name="Pro")
        SubscriptionFactory(vendor=shop, tier=growth)
        page = staff_client.get("/dashboard/analytics/").content.decode()
    assert 'data-tier="growth"><td>Growth</td><td>1</td>' in page
    assert 'data-tier="pro"><td>Pro</td><td>0</td>' in page


def sales_by_day(client: Client, query: dict) -> dict[str, str]:
    text = client.get(PORTAL, {**query, "format": "csv", "series": "sales"}).content.decode()
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text))}


def test_a_day_is_the_platform_day(owner_client, shop, analytics_on):
    """An order at 00:30 in Luxembourg is 23:30 UTC the day before: the platform's time zone
    (analytics' ``time_zone``) decides which day it counts for."""
    today = datetime.datetime.now(tz=LUX).date()
    day = today - datetime.timedelta(days=3)
    sale(shop, analytics_on, lux(day.year, day.month, day.day, 0, 30), "10.00")
    with override_module(analytics_on, "analytics", config={"time_zone": "Europe/Luxembourg"}):
        assert sales_by_day(owner_client, {"preset": "7"})[day.isoformat()] == "1"
    before = (day - datetime.timedelta(days=1)).isoformat()
    assert sales_by_day(owner_client, {"preset": "7"})[before] == "1"  # the default zone: UTC
