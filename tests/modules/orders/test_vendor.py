"""The vendor portal, the vendor API, the staff page, the operators' commands and the dashboard
providers of orders: filtered by the vendor, actions by status and role, bad input refused."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.orders.factories import OrderFactory, OrderLineFactory
from modules.orders.models import Order, OrderEvent
from modules.orders.providers import metrics_provider, widgets_provider
from modules.orders.services import orders
from modules.tenancy.context import tenant_context
from tests.modules.orders.conftest import API, PORTAL
from tests.modules.orders.test_orders import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(shop, orders_on, tee):
    return place(shop, orders_on, (tee, 2))


def test_the_list_shows_this_vendors_orders_only(manager, shop, other_shop, order):
    theirs = OrderFactory(vendor=other_shop, number="THEIRS-1")
    page = manager.get(PORTAL)
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and theirs.number not in html


def test_filters_search_and_pagination(manager, shop, orders_on):
    for index in range(55):
        OrderFactory(vendor=shop, email=f"c{index}@example.com", platform=orders_on)
    OrderFactory(vendor=shop, email="needle@example.com", status="paid", platform=orders_on)
    assert len(manager.get(PORTAL).context["orders"]) == 50
    assert len(manager.get(f"{PORTAL}?page=2").context["orders"]) == 6
    found = manager.get(f"{PORTAL}?q=needle").context["orders"]
    assert [o.email for o in found] == ["needle@example.com"]
    assert len(manager.get(f"{PORTAL}?status=paid").context["orders"]) == 1
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert len(manager.get(f"{PORTAL}?placed_from={tomorrow}").context["orders"]) == 0
    assert manager.get(f"{PORTAL}?status=nonsense").status_code == 200  # ignored


def test_csv_export_streams_the_filtered_orders(manager, shop, orders_on):
    OrderFactory(vendor=shop, email="=cmd@example.com", ship_name="=HYPERLINK()")
    OrderFactory(vendor=shop, email="b@example.com", status="paid")
    response = manager.get(f"{PORTAL}export.csv?status=pending")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("number,placed_at,status")
    assert len(lines) == 2 and "'=HYPERLINK()" in lines[1]


def test_the_vendor_takes_an_order_to_completion(manager, shop, order):
    url = f"{PORTAL}{order.pk}/"
    page = manager.get(url)
    assert page.status_code == 200 and page.context["can_confirm"]
    assert manager.post(url, {"action": "confirm-payment"}).status_code == 302
    assert manager.post(url, {"action": "fulfil", "tracking_number": "TRK-1"}).status_code == 302
    assert manager.post(url, {"action": "complete"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("completed", "TRK-1")
    with scopes_disabled():
        assert OrderEvent.objects.filter(order=order, user=manager.user).count() == 3


def test_the_order_page_speaks_the_vendors_language(manager, order):
    """Labels, not stored codes: the shipping method, the payment's state, the kind of tax."""
    page = manager.get(f"{PORTAL}{order.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Livraison standard" in html and ": standard" not in html
    assert "en attente" in html  # the payment is pending
    assert "Dont TVA (20 %)" in html


def test_an_action_the_status_refuses_is_a_400_and_changes_nothing(manager, order):
    url = f"{PORTAL}{order.pk}/"
    response = manager.post(url, {"action": "fulfil"})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    assert manager.post(url, {"action": "explode"}).status_code == 400
    long = manager.post(url, {"action": "cancel", "reason": "x" * 301})
    assert long.status_code == 400
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_viewer_sees_but_cannot_act(viewer, order):
    url = f"{PORTAL}{order.pk}/"
    page = viewer.get(url)
    assert page.status_code == 200 and not page.context["can_manage"]
    assert viewer.post(url, {"action": "cancel"}).status_code == 403
    order.refresh_from_db()
    assert order.status == "pending"


def test_another_vendors_order_is_a_404(manager, other_shop):
    theirs = OrderFactory(vendor=other_shop)
    assert manager.get(f"{PORTAL}{theirs.pk}/").status_code == 404
    assert manager.post(f"{PORTAL}{theirs.pk}/", {"action": "cancel"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_settings_are_validated_and_saved(manager, viewer, shop):
    url = f"{PORTAL}settings/"
    assert manager.get(url).status_code == 200
    bad = manager.post(url, {"shipping_flat_rate": "-1", "tax_rate": "150"})
    assert bad.status_code == 400
    assert {"shipping_flat_rate", "tax_rate"} <= set(bad.context["form"].errors)
    good = {"shipping_flat_rate": "3.50", "free_shipping_above": "", "tax_rate": "7.7"}
    assert manager.post(url, good).status_code == 302
    found = orders.settings_for(shop)
    assert (found.shipping_flat_rate, found.free_shipping_above, found.tax_rate) == (
        Decimal("3.50"),
        None,
        Decimal("7.70"),
    )
    assert not found.prices_include_tax
    assert viewer.post(url, good).status_code == 403


# --- the API -------------------------------------------------------------------------------------


def test_the_api_lists_filters_and_acts(manager, shop, other_shop, order):
    OrderFactory(vendor=other_shop)
    listed = manager.get(f"{API}orders/").json()
    assert [row["number"] for row in listed["results"]] == [order.number]
    assert listed["results"][0]["lines"][0]["sku"] == "TEE"
    assert manager.get(f"{API}orders/?status=paid").json()["results"] == []
    assert manager.get(f"{API}orders/?status=nonsense").status_code == 400
    paid = manager.post(f"{API}orders/{order.pk}/confirm-payment/", content_type="application/json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    again = manager.post(
        f"{API}orders/{order.pk}/confirm-payment/", content_type="application/json"
    )
    assert again.status_code == 409 and "cannot become" in again.json()["detail"]
    bad = manager.post(
        f"{API}orders/{order.pk}/fulfil/",
        {"tracking_number": "x" * 101},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "tracking_number" in bad.json()
    shipped = manager.post(
        f"{API}orders/{order.pk}/fulfil/",
        {"tracking_number": "T-9"},
        content_type="application/json",
    )
    assert shipped.json()["tracking_number"] == "T-9"


def test_the_api_refuses_another_vendors_order_and_viewers_actions(
    manager, viewer, other_shop, order
):
    theirs = OrderFactory(vendor=other_shop)
    assert manager.get(f"{API}orders/{theirs.pk}/").status_code == 404
    assert manager.post(f"{API}orders/{theirs.pk}/cancel/").status_code == 404
    assert viewer.get(f"{API}orders/{order.pk}/").status_code == 200
    assert viewer.post(f"{API}orders/{order.pk}/cancel/").status_code == 403
    theirs.refresh_from_db()
    order.refresh_from_db()
    assert theirs.status == order.status == "pending"


# --- staff, commands, providers -------------------------------------------------------------------


def test_staff_see_the_platforms_orders_across_vendors(staff, shop, other_shop, orders_on):
    mine = OrderFactory(vendor=shop, platform=orders_on)
    theirs = OrderFactory(vendor=other_shop, platform=orders_on, number="B-000001")
    elsewhere = OrderFactory(vendor=other_shop, number="ELSEWHERE-1")
    html = staff.get("/dashboard/orders/").content.decode()
    assert mine.number in html and theirs.number in html and elsewhere.number not in html


def test_release_expired_command(shop, orders_on, tee):
    old = place(shop, orders_on, (tee, 1))
    with scopes_disabled():
        Order.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    call_command("orders", "release-expired")
    old.refresh_from_db()
    assert old.status == "cancelled"


def test_check_command_finds_totals_that_disagree(shop, orders_on, tee, capsys):
    place(shop, orders_on, (tee, 1))
    call_command("orders", "check")
    assert "Orders OK" in capsys.readouterr().out
    broken = OrderFactory(vendor=shop, number="BROKEN-1")
    OrderLineFactory(order=broken, total=Decimal("5.00"))
    with pytest.raises(CommandError):
        call_command("orders", "check", "--json")
    body = json.loads(capsys.readouterr().out)
    assert not body["ok"] and body["problems"][0]["number"] == "BROKEN-1"
    with pytest.raises(CommandError):
        call_command("orders", "check", "--vendor", "nobody")


def test_metrics_and_widgets(shop, orders_on, tee, user):
    order = place(shop, orders_on, (tee, 2))
    orders.mark_paid(order)
    place(shop, orders_on, (tee, 1))
    metrics = {m.key: m.value for m in metrics_provider.get_metrics(orders_on)}
    assert metrics["orders.today"] == 2
    assert metrics["orders.revenue_month"] == "24.90"
    assert metrics["orders.awaiting_payment"] == 1
    with tenant_context(orders_on, shop):
        (widget,) = widgets_provider.get_widgets(orders_on, user)
    assert widget.context["figures"].to_fulfil == 1
    assert widgets_provider.get_widgets(orders_on, user) == []


def test_the_scheduled_task_cancels_expired_orders(shop, orders_on, tee):
    from modules.orders.apps import OrdersConfig
    from modules.orders.tasks import release_expired_orders

    (task,) = OrdersConfig.scheduled_tasks
    assert task.task == release_expired_orders.name
    old = place(shop, orders_on, (tee, 1))
    with scopes_disabled():
        Order.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert release_expired_orders.delay().get() == 1
    assert release_expired_orders() == 0
    old.refresh_from_db()
    assert old.status == "cancelled"


def test_cached_figures_follow_every_order_change(
    shop, orders_on, tee, django_capture_on_commit_callbacks
):
    def today() -> int:
        metrics = {m.key: m.value for m in metrics_provider.get_metrics(orders_on)}
        return metrics["orders.today"]

    assert today() == 0
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, orders_on, (tee, 1))
    assert today() == 1
    with django_capture_on_commit_callbacks(execute=True):
        orders.mark_paid(order)
    metrics = {m.key: m.value for m in metrics_provider.get_metrics(orders_on)}
    assert (metrics["orders.revenue_month"], metrics["orders.awaiting_payment"]) == ("14.90", 0)
