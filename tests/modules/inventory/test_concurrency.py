"""Stock under concurrency, on PostgreSQL (SQLite ignores SELECT … FOR UPDATE): threads, each
with its own connection, race for the same units. Nothing is oversold, nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.models import Reservation, StockLevel
from orion_core.contracts.stock import OutOfStock, StockLine
from tests.modules.inventory.conftest import make_variant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def race(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at once; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - collected, asserted on below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_checkouts_race_for_the_last_five_units(shop):
    variant = make_variant(shop, "LAST")
    services.receive(shop, variant, 5)

    def checkout(index: int) -> str:
        with transaction.atomic():
            services.reserve(shop.pk, f"checkout-{index}", [StockLine(variant.pk, 1)])
        return "held"

    results = race(20, checkout)
    assert results.count("held") == 5, results
    assert all(isinstance(r, OutOfStock) for r in results if r != "held"), results
    with scopes_disabled():
        stock = StockLevel.objects.get(variant=variant)
        assert Reservation.objects.filter(vendor=shop).count() == 5
    assert (stock.on_hand, stock.reserved) == (5, 5)
    assert services.check_ledger() == []


def test_the_same_reference_twice_at_once_holds_once(shop):
    variant = make_variant(shop, "TWICE")
    services.receive(shop, variant, 10)
    results = race(8, lambda i: services.reserve(shop.pk, "one-checkout", [(variant.pk, 3)]).pk)
    assert len(set(results)) == 1, results
    with scopes_disabled():
        assert StockLevel.objects.get(variant=variant).reserved == 3
    assert services.check_ledger() == []


def test_receipts_adjustments_and_reservations_lose_nothing(shop):
    a, b = make_variant(shop, "A"), make_variant(shop, "B")
    services.receive(shop, a, 100)
    services.receive(shop, b, 100)

    def work(index: int) -> str:
        kind = index % 4
        if kind == 0:
            services.receive(shop.pk, a, 2)
        elif kind == 1:
            services.adjust(shop.pk, b, -1, reason="damaged")
        elif kind == 2:  # both variants, in the other order: locks are taken by pk anyway
            services.reserve(shop.pk, f"r-{index}", [(b.pk, 1), (a.pk, 1)])
        else:
            services.reserve(shop.pk, f"r-{index}", [(a.pk, 1), (b.pk, 1)])
            services.commit(shop.pk, f"r-{index}")
        return "ok"

    results = race(24, work)
    assert results == ["ok"] * 24
    with scopes_disabled():
        stock = {s.variant_id: (s.on_hand, s.reserved) for s in StockLevel.objects.all()}
    # a: +2 × 6 receipts, -1 × 6 shipped, 6 + 6 reserved of which 6 shipped
    assert stock[a.pk] == (100 + 12 - 6, 6)
    assert stock[b.pk] == (100 - 6 - 6, 6)
    assert services.check_ledger() == []


def test_expiry_running_twice_at_once_releases_once(shop):
    import datetime

    from django.utils import timezone

    variant = make_variant(shop, "EXP")
    services.receive(shop, variant, 30)
    past = timezone.now() - datetime.timedelta(minutes=1)
    for index in range(10):
        services.reserve(shop, f"r-{index}", [(variant.pk, 1)], expires_at=past)
    results = race(4, lambda i: services.expire_reservations())
    assert sum(results) == 10, results
    with scopes_disabled():
        assert StockLevel.objects.get(variant=variant).reserved == 0
    assert services.check_ledger() == []
