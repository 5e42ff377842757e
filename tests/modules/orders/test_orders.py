"""Placing orders and moving them through their states (modules.orders.services.orders):
gap-free numbers, price snapshots, the state machine, history, events and stock."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.inventory import services as inventory
from modules.inventory.models import Reservation, StockLevel
from modules.orders.factories import OrderSettingsFactory
from modules.orders.models import Order, OrderCounter, OrderEvent, OrderLine
from modules.orders.services import orders
from modules.orders.services.errors import IllegalTransition, OrderError
from orion_core.contracts.stock import OutOfStock
from orion_core.domain_events import order_cancelled, order_fulfilled, order_paid, order_placed
from orion_core.services import ModuleService
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
ADDRESS = orders.Address(name="Ada", line1="1 Main St", city="Paris", country="FR")


def priced(variant, quantity=1) -> orders.PricedLine:
    return orders.PricedLine(
        variant_id=variant.pk,
        title=variant.product.title,
        option_label="",
        sku=variant.sku,
        unit_price=variant.effective_price,
        quantity=quantity,
    )


def place(vendor, platform, *lines, **kwargs) -> Order:
    return orders.create_order(
        vendor,
        platform=platform,
        lines=[priced(v, q) for v, q in lines],
        currency="EUR",
        email="ada@example.com",
        address=ADDRESS,
        **kwargs,
    )


@pytest.fixture
def heard():
    """Every order event sent, as (name, payload) in order."""
    got: list[tuple[str, dict]] = []
    events = (order_placed, order_paid, order_fulfilled, order_cancelled)

    def listen(sender, signal, **kwargs):
        got.append((signal.name, kwargs))

    for event in events:
        event.connect(listen, weak=False, dispatch_uid=f"test_{event.name}")
    yield got
    for event in events:
        event.disconnect(dispatch_uid=f"test_{event.name}")


def test_an_order_snapshots_its_lines_and_computes_its_totals(shop, orders_on, tee, mug):
    OrderSettingsFactory(vendor=shop, tax_rate=Decimal("20"), prices_include_tax=True)
    order = place(shop, orders_on, (tee, 3), (mug, 1))
    assert order.number == "ORD-000001"
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("37.50"),
        Decimal("4.90"),
        Decimal("6.25") + Decimal("0.82"),
        Decimal("42.40"),
    )
    with scopes_disabled():
        lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
    assert [(ln.sku, ln.unit_price, ln.quantity, ln.total) for ln in lines] == [
        ("TEE", Decimal("10.00"), 3, Decimal("30.00")),
        ("MUG", Decimal("7.50"), 1, Decimal("7.50")),
    ]
    tee.product.title = "Renamed"
    with scopes_disabled():
        tee.product.save()
        assert OrderLine.objects.get(pk=lines[0].pk).title == "T-shirt"


def test_tax_is_added_when_prices_exclude_it_and_shipping_is_free_above_the_threshold(
    shop, orders_on, tee
):
    OrderSettingsFactory(
        vendor=shop,
        tax_rate=Decimal("10"),
        prices_include_tax=False,
        free_shipping_above=Decimal("50"),
    )
    order = place(shop, orders_on, (tee, 5))
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("5.00"),
        Decimal("55.00"),
    )
    pickup = place(shop, orders_on, (tee, 1), shipping_method="pickup")
    assert pickup.shipping == Decimal("0.00")


def test_numbers_follow_the_platform_prefix_per_vendor(
    shop, other_shop, orders_on, tee, their_variant
):
    ModuleService().set_config(orders_on, "orders", {"order_number_prefix": "AC-"})
    their = place(other_shop, orders_on, (their_variant, 1))
    mine = [place(shop, orders_on, (tee, 1)).number for _ in range(3)]
    assert mine == ["AC-000001", "AC-000002", "AC-000003"]
    assert their.number == "AC-000001"


def test_a_rolled_back_order_gives_its_number_back(shop, orders_on, tee):
    place(shop, orders_on, (tee, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        place(shop, orders_on, (tee, 1))
        raise RuntimeError("payment blew up")
    assert place(shop, orders_on, (tee, 1)).number == "ORD-000002"
    with scopes_disabled():
        assert OrderCounter.objects.get(vendor=shop).last_number == 2
        assert list(Order.objects.filter(vendor=shop).values_list("sequence", flat=True)) == [2, 1]


def test_the_happy_path_with_history_and_events(
    shop, orders_on, tee, user, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, orders_on, (tee, 1))
        orders.mark_paid(order, user=user, payment_reference="PAY-1")
        orders.fulfil(order, tracking_number=" TRACK-9 ", user=user)
        orders.complete(order, user=user)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.tracking_number == "TRACK-9"
    assert order.payment_reference == "PAY-1"
    assert order.paid_at and order.fulfilled_at and order.completed_at
    with scopes_disabled():
        history = list(
            OrderEvent.objects.filter(order=order).values_list("kind", "from_status", "to_status")
        )
        assert OrderEvent.objects.filter(order=order, user=user).count() == 3
    assert history == [
        ("placed", "", "pending"),
        ("status", "pending", "paid"),
        ("status", "paid", "fulfilled"),
        ("status", "fulfilled", "completed"),
    ]
    assert [name for name, _ in heard] == ["order_placed", "order_paid", "order_fulfilled"]
    assert heard[0][1]["total"] == "14.90" and heard[0][1]["vendor_id"] == shop.pk
    assert heard[2][1]["tracking_number"] == "TRACK-9"


def test_events_are_not_sent_for_a_rolled_back_order(
    shop, orders_on, tee, heard, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        place(shop, orders_on, (tee, 1))
        raise RuntimeError
    assert heard == []


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ((), "fulfil"),
        ((), "complete"),
        ((), "refund"),
        (("mark_paid",), "mark_paid"),
        (("mark_paid",), "cancel"),
        (("mark_paid",), "complete"),
        (("cancel",), "mark_paid"),
        (("cancel",), "refund"),
        (("mark_paid", "refund"), "fulfil"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(shop, orders_on, tee, path, action):
    order = place(shop, orders_on, (tee, 1))
    for step in path:
        getattr(orders, step)(order)
    before = order.status
    with scopes_disabled():
        events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(IllegalTransition) as refused:
        getattr(orders, action)(order)
    assert order.number in refused.value.message
    order.refresh_from_db()
    assert order.status == before
    with scopes_disabled():
        assert OrderEvent.objects.filter(order=order).count() == events


def test_cancelling_a_paid_order_says_to_refund(shop, orders_on, tee):
    order = place(shop, orders_on, (tee, 1))
    orders.mark_paid(order)
    with pytest.raises(IllegalTransition, match="refund"):
        orders.cancel(order)


def test_a_tracking_number_too_long_is_refused(shop, orders_on, tee):
    order = place(shop, orders_on, (tee, 1))
    orders.mark_paid(order)
    with pytest.raises(OrderError):
        orders.fulfil(order, tracking_number="x" * 101)
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_customers_order_counts_in_their_statistics(shop, orders_on, tee):
    from modules.customers.factories import CustomerFactory

    customer = CustomerFactory(vendor=shop)
    place(shop, orders_on, (tee, 2), customer=customer)
    customer.refresh_from_db()
    assert (customer.orders_count, customer.total_spent) == (1, Decimal("24.90"))


# --- stock, with inventory on ---------------------------------------------------------------------


@pytest.fixture
def inventory_on(orders_on):
    with override_module(orders_on, "inventory"):
        yield orders_on


def levels(variant):
    with scopes_disabled():
        level = StockLevel.objects.get(variant=variant)
    return level.on_hand, level.reserved


def test_stock_is_reserved_when_placed_and_leaves_when_paid(shop, inventory_on, tee):
    inventory.receive(shop, tee, 5)
    order = place(shop, inventory_on, (tee, 2))
    assert levels(tee) == (5, 2)
    orders.mark_paid(order)
    assert levels(tee) == (3, 0)
    assert inventory.check_ledger() == []


def test_cancelling_releases_the_stock(shop, inventory_on, tee):
    inventory.receive(shop, tee, 5)
    order = place(shop, inventory_on, (tee, 2))
    orders.cancel(order, reason="changed my mind", actor="customer")
    assert levels(tee) == (5, 0)
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancelled_at


def test_an_order_beyond_the_stock_is_not_placed_and_takes_no_number(shop, inventory_on, tee):
    inventory.receive(shop, tee, 1)
    with pytest.raises(OutOfStock):
        place(shop, inventory_on, (tee, 2))
    with scopes_disabled():
        assert not Order.objects.exists()
        assert not OrderCounter.objects.filter(vendor=shop, last_number__gt=0).exists()
    assert levels(tee) == (1, 0)


def test_expired_unpaid_orders_are_cancelled_and_their_stock_released(shop, inventory_on, tee):
    inventory.receive(shop, tee, 5)
    old = place(shop, inventory_on, (tee, 2))
    fresh = place(shop, inventory_on, (tee, 1))
    later = timezone.now() + datetime.timedelta(hours=49)
    with scopes_disabled():
        Order.objects.filter(pk=fresh.pk).update(expires_at=later + datetime.timedelta(hours=1))
    assert orders.expire_unpaid(now=later) == 1
    assert orders.expire_unpaid(now=later) == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("cancelled", "pending")
    assert levels(tee) == (5, 1)


def test_paying_an_order_whose_reservation_expired_is_refused(shop, inventory_on, tee):
    inventory.receive(shop, tee, 5)
    order = place(shop, inventory_on, (tee, 2))
    inventory.expire_reservations(now=timezone.now() + datetime.timedelta(hours=49))
    with pytest.raises(OrderError, match="expired"):
        orders.mark_paid(order)
    order.refresh_from_db()
    assert order.status == "pending"
    with scopes_disabled():
        assert Reservation.objects.get(reference=order.stock_reference).state == "expired"


def test_without_inventory_orders_hold_no_stock(shop, orders_on, tee):
    order = place(shop, orders_on, (tee, 500))
    orders.mark_paid(order)
    with scopes_disabled():
        assert not StockLevel.objects.exists() and not Reservation.objects.exists()
