"""The 30-day revenue charts of the dashboards in a real browser, on a phone (390 px) and a
desktop (1280 px): drawn across their card, within the screen, with nothing refused
by the Content Security Policy. Screenshots of both land in ``/tmp/orion-trends-*.png``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from modules.orders.factories import OrderFactory
from modules.orders.models import Order
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)


@pytest.fixture
def owner(transactional_db: None, fast_password_hasher: None) -> Any:
    """A shop on a localhost platform with analytics and orders on, a paid order on most of
    the last 30 days, and its owner."""
    platform = PlatformFactory(
        code="acme", name="Acme", domains=["localhost"], modules=["analytics", "orders"]
    )
    shop = VendorFactory(code="shop-a", name="Shop A", platforms=[platform])
    now = datetime.datetime.now(tz=datetime.UTC)
    for day in range(30):
        if day % 4 != 3:
            amount = Decimal(10 + (day * 7) % 45)
            OrderFactory(
                vendor=shop,
                platform=platform,
                placed_at=now - datetime.timedelta(days=day),
                status=Order.Status.PAID,
                subtotal=amount,
                total=amount,
            )
    user = UserFactory()
    MembershipFactory(user=user, vendor=shop, role="owner")
    return user


def logged_in(
    new_page: Any, live_server: Any, client: Any, user: Any, width: int
) -> tuple[Any, list[str]]:
    """A page of ``width`` logged in as ``user``, and the console messages refusing anything."""
    client.force_login(user)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(60_000)  # a busy machine's first, cold page
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    return page, refused


def check_chart(page: Any, refused: list[str], card: str, width: int) -> None:
    chart = page.locator(f"{card} svg.sparkline")
    expect(chart).to_be_visible()
    box, card_box = chart.bounding_box(), page.locator(card).bounding_box()
    assert box["width"] > 0.5 * card_box["width"]  # spans its card
    assert box["x"] + box["width"] <= card_box["x"] + card_box["width"] + 1
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # on the screen, not beside it
    assert refused == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_trends_fit_every_screen(owner, new_page, live_server, client, width):
    page, refused = logged_in(new_page, live_server, client, owner, width)
    page.goto("/vendor/shop-a/")
    check_chart(page, refused, "#widget-analyticsmonths", width)
    expect(page.locator("#widget-analyticsmonths")).to_contain_text("Last 30 days:")
    page.screenshot(path=f"/tmp/orion-trends-vendor-{width}.png", full_page=True)

    staff, refused = logged_in(new_page, live_server, client, StaffUserFactory(), width)
    staff.goto("/dashboard/")
    check_chart(staff, refused, '[id="widget-analytics.gmv_trend"]', width)
    # Nothing widens the page beyond the screen (the module changes' table scrolls in its card).
    assert staff.evaluate("document.documentElement.scrollWidth") <= width
    staff.screenshot(path=f"/tmp/orion-trends-staff-{width}.png", full_page=True)
