"""The ledger invariant as a property: whatever sequence of operations runs (valid or not),
every level equals the sum of its movements, what it holds reserved is what its held
reservations hold, and nothing is ever negative or more reserved than on hand. An operation
the rules refuse changes nothing at all.

Each example runs in a savepoint rolled back afterwards, so examples never see each other."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.inventory import services
from modules.inventory.models import Reservation, ReservationLine, StockLevel, StockMovement
from orion_core.contracts.stock import OutOfStock, ReservationExpired, StockLine
from tests.modules.inventory.conftest import make_variant

pytestmark = pytest.mark.django_db

quantities = st.integers(min_value=-3, max_value=12)
refs = st.sampled_from(["r1", "r2", "r3"])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 1), st.integers(0, 1), quantities),
        st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(0, 1), quantities),
        st.tuples(st.just("set"), st.integers(0, 1), st.integers(0, 1), quantities),
        st.tuples(st.just("reserve"), refs, st.integers(0, 1), quantities, st.booleans()),
        st.tuples(st.just("commit"), refs),
        st.tuples(st.just("release"), refs),
        st.tuples(st.just("expire")),
    ),
    max_size=25,
)


def state(vendor):
    with scopes_disabled():
        return (
            list(StockLevel.objects.filter(vendor=vendor).order_by("pk").values()),
            StockMovement.objects.filter(vendor=vendor).count(),
            list(Reservation.objects.filter(vendor=vendor).order_by("pk").values("state")),
            ReservationLine.objects.filter(vendor=vendor).count(),
        )


def assert_invariant(vendor):
    assert services.check_ledger([vendor.pk]) == []
    with scopes_disabled():
        for stock in StockLevel.objects.filter(vendor=vendor):
            assert stock.on_hand >= 0
            assert 0 <= stock.reserved <= stock.on_hand


@pytest.fixture
def world(shop):
    variants = [make_variant(shop, "A"), make_variant(shop, "B")]
    locations = [
        services.default_location(shop),
        services.create_location(shop, name="Two", code="two"),
    ]
    return shop, variants, locations


def run(op, shop, variants, locations, now):
    name = op[0]
    if name == "receive":
        services.receive(shop, variants[op[1]], op[3], location=locations[op[2]])
    elif name == "adjust":
        services.adjust(shop, variants[op[1]], op[3], reason="count", location=locations[op[2]])
    elif name == "set":
        services.set_level(shop, variants[op[1]], op[3], location=locations[op[2]])
    elif name == "reserve":
        expires = now - datetime.timedelta(minutes=1) if op[4] else None
        services.reserve(shop, op[1], [StockLine(variants[op[2]].pk, op[3])], expires_at=expires)
    elif name == "commit":
        services.commit(shop, op[1])
    elif name == "release":
        services.release(shop, op[1])
    else:
        services.expire_reservations(now=now)


class Rollback(Exception):
    pass


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_sequence_keeps_the_ledger_and_levels_in_agreement(world, ops):
    shop, variants, locations = world
    now = timezone.now()
    try:
        with transaction.atomic():
            for op in ops:
                before = state(shop)
                try:
                    run(op, shop, variants, locations, now)
                except (ValidationError, OutOfStock, ReservationExpired):
                    assert state(shop) == before, f"{op} was refused but changed something"
                assert_invariant(shop)
            raise Rollback
    except Rollback:
        pass
