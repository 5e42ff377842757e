"""Domain events (orion_core.domain_events) and the stock contract's fallback."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, AlwaysAvailable, StockLine
from orion_core.domain_events import EVENTS, DomainEvent, product_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    product_published.connect(receiver, weak=False, dispatch_uid="test_heard")
    yield calls
    product_published.disconnect(dispatch_uid="test_heard")


def publish(**overrides):
    payload = {"product_id": 7, "title": "Mug", "sku": "MUG-1", **overrides}
    product_published.send_on_commit("catalog", platform_id=1, vendor_id=2, **payload)


def test_sent_after_commit_with_platform_vendor_and_payload(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish()
        assert heard == []  # not before the commit
    assert heard == [
        (
            "catalog",
            {
                "signal": product_published,
                "platform_id": 1,
                "vendor_id": 2,
                "product_id": 7,
                "title": "Mug",
                "sku": "MUG-1",
            },
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish()
        raise RuntimeError("rolled back")
    assert heard == []
    publish()  # outside any transaction: at once
    assert len(heard) == 1


def test_the_payload_must_be_the_declared_one():
    with pytest.raises(TypeError, match="product_id"):
        product_published.send_on_commit("catalog", platform_id=1, vendor_id=2, product_id=7)


def test_a_failing_receiver_is_logged_and_the_others_still_run(
    heard, caplog, django_capture_on_commit_callbacks
):
    def broken(sender, **kwargs):
        raise ValueError("boom")

    product_published.connect(broken, weak=False, dispatch_uid="test_broken")
    try:
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            publish()
    finally:
        product_published.disconnect(dispatch_uid="test_broken")
    assert len(heard) == 1
    assert "product_published from catalog failed" in caplog.text


def test_events_are_declared_once_by_name():
    assert EVENTS["product_published"] is product_published
    assert all(isinstance(event, DomainEvent) for event in EVENTS.values())


def test_without_a_stock_module_everything_is_available():
    stock = provider_for(STOCK, [])
    assert isinstance(stock, AlwaysAvailable)
    answer = stock.availability(1, [5, 6])
    assert set(answer) == {5, 6}
    assert answer[5].in_stock and answer[5].allows(10**6) and not answer[5].tracked
    reservation = stock.reserve(1, "order-1", [StockLine(5, 3)], expires_at=None)
    assert reservation.lines == (StockLine(5, 3),)
    assert stock.set_level(1, 5, 10, reason="count") is False


def test_many_facts_are_sent_in_order_after_one_commit(heard, django_capture_on_commit_callbacks):
    payloads = [{"product_id": n, "title": f"Mug {n}", "sku": f"MUG-{n}"} for n in (3, 1, 2)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product_published.send_each_on_commit(
            "marketplace", platform_id=1, vendor_id=2, payloads=payloads
        )
        assert heard == []
    assert len(callbacks) == 1  # one hook for all of them, not one per product
    assert [kwargs["product_id"] for _sender, kwargs in heard] == [3, 1, 2]
    assert {(sender, kwargs["vendor_id"], kwargs["platform_id"]) for sender, kwargs in heard} == {
        ("marketplace", 2, 1)
    }


def test_many_facts_are_checked_before_any_is_sent(heard, django_capture_on_commit_callbacks):
    good = {"product_id": 1, "title": "Mug", "sku": "MUG-1"}
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TypeError, match="product_id"),
    ):
        product_published.send_each_on_commit(
            "marketplace", platform_id=1, vendor_id=2, payloads=[good, {"product_id": 2}]
        )
    assert callbacks == [] and heard == []


@pytest.mark.django_db(transaction=True)
def test_many_facts_of_a_rolled_back_change_are_not_sent(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        product_published.send_each_on_commit(
            "marketplace",
            platform_id=1,
            vendor_id=2,
            payloads=[{"product_id": 1, "title": "Mug", "sku": "MUG-1"}],
        )
        raise RuntimeError("rolled back")
    assert heard == []
