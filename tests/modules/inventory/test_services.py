"""Inventory's services: the ledger, bad input, reservations, expiry, low-stock events."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.factories import StockLocationFactory
from modules.inventory.models import (
    LedgerError,
    Reservation,
    ReservationLine,
    StockLevel,
    StockLocation,
    StockMovement,
)
from modules.tenancy.context import tenant_context
from orion_core.contracts.stock import OutOfStock, ReservationExpired, StockLine
from orion_core.domain_events import stock_low
from tests.modules.inventory.conftest import make_variant

pytestmark = pytest.mark.django_db


def level(variant, location=None):
    with scopes_disabled():
        levels = StockLevel.objects.filter(variant=variant)
        if location is not None:
            levels = levels.filter(location=location)
        return levels.get()


def movements(vendor):
    with scopes_disabled():
        return list(StockMovement.objects.filter(vendor=vendor).order_by("pk"))


def snapshot(vendor):
    """Every inventory row of ``vendor``: what "nothing saved" compares."""
    with scopes_disabled():
        return {
            model.__name__: list(model.objects.filter(vendor=vendor).order_by("pk").values())
            for model in (StockLocation, StockLevel, StockMovement, Reservation, ReservationLine)
        }


# --- receive, adjust, set -------------------------------------------------------------------


def test_receive_creates_the_default_location_and_a_level_and_a_movement(shop, variant, user):
    movement = services.receive(shop, variant, 5, reference="DN-1", note="Pallet", user=user)
    stock = level(variant)
    assert (stock.on_hand, stock.reserved, stock.available) == (5, 0, 5)
    assert stock.location.is_default and stock.location.code == "main"
    assert (movement.kind, movement.sku, movement.on_hand_delta, movement.on_hand_after) == (
        "receive",
        "TEE-M",
        5,
        5,
    )
    assert (movement.reference, movement.note, movement.user) == ("DN-1", "Pallet", user)
    services.receive(shop, variant.pk, 3)
    assert level(variant).on_hand == 8
    assert [m.on_hand_after for m in movements(shop)] == [5, 8]
    assert services.check_ledger() == []


def test_one_default_location_per_vendor(shop, other_shop):
    first = services.default_location(shop)
    assert services.default_location(shop) == first
    assert services.default_location(other_shop) != first
    with scopes_disabled():
        assert StockLocation.objects.filter(vendor=shop).count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            StockLocation.objects.create(vendor=shop, name="Two", code="two", is_default=True)


def test_a_named_location(shop, variant):
    paris = services.create_location(shop, name="Paris shop", code="paris")
    assert paris.is_default  # the vendor's first location
    depot = services.create_location(shop, name="Depot", code="depot")
    assert not depot.is_default
    services.receive(shop, variant, 2, location=depot)
    services.receive(shop, variant, 1)
    assert level(variant, depot).on_hand == 2
    assert level(variant, paris).on_hand == 1
    with pytest.raises(ValidationError) as caught:
        services.create_location(shop, name="Again", code="depot")
    assert "code" in caught.value.error_dict


def test_adjust_both_ways_with_a_reason(shop, variant, user):
    services.receive(shop, variant, 10)
    services.adjust(shop, variant, -3, reason="damaged", user=user)
    services.adjust(shop, variant, 1, reason="found", note="behind the shelf")
    assert level(variant).on_hand == 8
    last = movements(shop)[-1]
    assert (last.kind, last.reason, last.note, last.on_hand_delta) == (
        "adjust",
        "found",
        "behind the shelf",
        1,
    )


def test_set_level_writes_the_difference_only(shop, variant):
    assert services.set_level(shop, variant, 7) is not None
    assert services.set_level(shop, variant, 7) is None  # already so: no movement
    services.set_level(shop, variant, 4, reason="count", note="inventory day")
    assert level(variant).on_hand == 4
    assert [m.on_hand_delta for m in movements(shop)] == [7, -3]
    # A level set to 0 for an untracked variant makes it tracked, with nothing to sell.
    other = make_variant(shop, "ZERO")
    services.set_level(shop, other, 0)
    assert services.stock_of(shop, [other.pk])[other.pk].available == 0


BAD_RECEIVES = [
    ({"quantity": 0}, "quantity"),
    ({"quantity": -5}, "quantity"),
    ({"quantity": 1_000_001}, "quantity"),
    ({"quantity": "5"}, "quantity"),
    ({"quantity": 2.5}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"reference": "x" * 101}, "reference"),
    ({"note": "x" * 201}, "note"),
    ({"location": 10**30}, "location"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_RECEIVES)
def test_bad_receives_are_refused_and_nothing_is_saved(shop, variant, bad, field):
    services.receive(shop, variant, 2)
    before = snapshot(shop)
    kwargs = {"quantity": 3, **bad}
    quantity = kwargs.pop("quantity")
    with pytest.raises(ValidationError) as caught:
        services.receive(shop, variant, quantity, **kwargs)
    assert field in caught.value.error_dict
    assert snapshot(shop) == before


def test_another_vendors_variant_or_location_is_unknown(shop, other_shop, variant, their_variant):
    theirs = StockLocationFactory(vendor=other_shop)
    before = snapshot(other_shop), snapshot(shop)
    with pytest.raises(ValidationError) as caught:
        services.receive(shop, their_variant, 1)
    assert "variant" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.receive(shop, variant, 1, location=theirs)
    assert "location" in caught.value.error_dict
    assert (snapshot(other_shop), snapshot(shop)) == before


@pytest.mark.parametrize(
    ("change", "reason", "note", "field"),
    [
        (0, "damaged", "", "change"),
        (-6, "damaged", "", "change"),  # only 5 on hand
        (-4, "damaged", "", "change"),  # 2 of the 5 are reserved
        (1, "", "", "reason"),
        (1, "feed", "", "reason"),  # written by feeds, not people
        (1, "other", "", "note"),  # "other" needs a note
        (2_000_000, "found", "", "change"),
        ("1", "found", "", "change"),
    ],
)
def test_bad_adjustments_are_refused_and_nothing_is_saved(
    shop, variant, change, reason, note, field
):
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 2)])
    before = snapshot(shop)
    with pytest.raises(ValidationError) as caught:
        services.adjust(shop, variant, change, reason=reason, note=note)
    assert field in caught.value.error_dict
    assert snapshot(shop) == before


def test_set_level_cannot_go_below_what_is_reserved(shop, variant):
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 3)])
    before = snapshot(shop)
    for quantity in (2, -1):
        with pytest.raises(ValidationError) as caught:
            services.set_level(shop, variant, quantity)
        assert "quantity" in caught.value.error_dict
    assert snapshot(shop) == before


def test_set_levels_sets_many_at_once_as_set_level_would(shop, other_shop, variant, their_variant):
    other = make_variant(shop, "OTHER")
    services.set_level(shop, other, 3)

    changed = services.set_levels(
        shop, {variant.pk: 7, other.pk: 3, their_variant.pk: 9}, note="feed"
    )

    assert changed == 1  # other was already 3; their variant is not shop's
    assert (level(variant).on_hand, level(other).on_hand) == (7, 3)
    assert [(m.variant_id, m.on_hand_delta, m.note) for m in movements(shop)] == [
        (other.pk, 3, ""),
        (variant.pk, 7, "feed"),
    ]
    assert movements(other_shop) == []
    assert services.check_ledger([shop.pk]) == []
    assert services.set_levels(shop, {variant.pk: 7}) == 0


def test_set_levels_cannot_go_below_what_is_reserved(shop, variant):
    other = make_variant(shop, "OTHER")
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 3)])
    before = snapshot(shop)

    with pytest.raises(ValidationError) as caught:
        services.set_levels(shop, {other.pk: 4, variant.pk: 2})

    assert "quantity" in caught.value.error_dict
    assert snapshot(shop) == before


def test_the_database_refuses_negative_stock(shop, variant):
    services.receive(shop, variant, 1)
    with scopes_disabled():
        for values in ({"on_hand": -1}, {"reserved": 2}, {"reserved": -1}):
            with pytest.raises(IntegrityError), transaction.atomic():
                StockLevel.objects.filter(variant=variant).update(**values)


# --- the ledger is append-only ----------------------------------------------------------------


def test_movements_are_never_changed_or_deleted(shop, variant):
    movement = services.receive(shop, variant, 1)
    movement.note = "rewritten"
    with pytest.raises(LedgerError):
        movement.save()
    with pytest.raises(LedgerError):
        movement.delete()
    with scopes_disabled():
        with pytest.raises(LedgerError):
            StockMovement.objects.filter(pk=movement.pk).update(note="x")
        with pytest.raises(LedgerError):
            StockMovement.objects.filter(pk=movement.pk).delete()
        assert StockMovement.objects.get(pk=movement.pk).note == ""


def test_deleting_a_variant_keeps_its_movements(shop, variant):
    services.receive(shop, variant, 4)
    with scopes_disabled():
        variant.product.delete()
        (movement,) = StockMovement.objects.filter(vendor=shop)
    assert (movement.variant_id, movement.sku, movement.on_hand_delta) == (None, "TEE-M", 4)
    assert services.check_ledger() == []


# --- reservations -----------------------------------------------------------------------------


@pytest.fixture
def stocked(shop, variant):
    services.receive(shop, variant, 5)
    return variant


def test_reserve_commit(shop, stocked):
    reservation = services.reserve(shop, "order-1", [StockLine(stocked.pk, 2)])
    assert reservation.state == "held"
    assert (level(stocked).on_hand, level(stocked).reserved) == (5, 2)
    assert services.stock_of(shop, [stocked.pk])[stocked.pk].available == 3
    services.commit(shop, "order-1")
    assert (level(stocked).on_hand, level(stocked).reserved) == (3, 0)
    services.commit(shop, "order-1")  # idempotent
    assert level(stocked).on_hand == 3
    assert [m.kind for m in movements(shop)] == ["receive", "reserve", "ship"]
    assert services.check_ledger() == []


def test_reserve_release(shop, stocked):
    services.reserve(shop, "order-1", [StockLine(stocked.pk, 5)])
    assert level(stocked).available == 0
    services.release(shop, "order-1")
    services.release(shop, "order-1")  # idempotent
    assert (level(stocked).on_hand, level(stocked).reserved) == (5, 0)
    with pytest.raises(ReservationExpired):
        services.commit(shop, "order-1")  # released: nothing held to ship
    assert services.check_ledger() == []


def test_reserve_is_all_or_nothing(shop, stocked):
    other = make_variant(shop, "MUG")
    services.receive(shop, other, 1)
    before = snapshot(shop)
    with pytest.raises(OutOfStock) as caught:
        services.reserve(shop, "order-1", [StockLine(stocked.pk, 4), StockLine(other.pk, 2)])
    assert [(s.variant_id, s.requested, s.available) for s in caught.value.shortages] == [
        (other.pk, 2, 1)
    ]
    assert snapshot(shop) == before  # not even the reservation row


def test_the_same_reference_returns_the_first_reservation(shop, stocked):
    first = services.reserve(shop, "order-1", [StockLine(stocked.pk, 2)])
    again = services.reserve(shop, "order-1", [StockLine(stocked.pk, 3)])
    assert again.pk == first.pk
    assert level(stocked).reserved == 2
    assert services.reservation_lines(again) == [(stocked.pk, 2)]


def test_references_are_per_vendor(shop, other_shop, stocked, their_variant):
    services.receive(other_shop, their_variant, 1)
    services.reserve(shop, "order-1", [StockLine(stocked.pk, 1)])
    services.reserve(other_shop, "order-1", [StockLine(their_variant.pk, 1)])
    assert level(their_variant).reserved == 1


def test_lines_of_one_variant_are_merged_and_untracked_ones_hold_nothing(shop, stocked):
    untracked = make_variant(shop, "POSTER")
    reservation = services.reserve(
        shop,
        "order-1",
        [StockLine(stocked.pk, 1), StockLine(untracked.pk, 7), StockLine(stocked.pk, 2)],
    )
    assert services.reservation_lines(reservation) == [(stocked.pk, 3), (untracked.pk, 7)]
    assert level(stocked).reserved == 3
    with scopes_disabled():
        assert not StockLevel.objects.filter(variant=untracked).exists()
    services.commit(shop, "order-1")
    assert level(stocked).on_hand == 2


def test_a_variant_of_another_vendor_cannot_be_reserved(shop, stocked, their_variant, other_shop):
    services.receive(other_shop, their_variant, 9)
    with pytest.raises(OutOfStock) as caught:
        services.reserve(shop, "order-1", [StockLine(their_variant.pk, 1)])
    assert caught.value.shortages[0].available == 0
    assert level(their_variant).reserved == 0


def test_reserve_across_locations_default_first(shop, variant):
    depot = services.create_location(shop, name="Depot", code="depot")  # the default
    annex = services.create_location(shop, name="Annex", code="annex")
    services.receive(shop, variant, 2, location=annex)
    services.receive(shop, variant, 3, location=depot)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 4)])
    assert level(variant, depot).reserved == 3
    assert level(variant, annex).reserved == 1
    services.commit(shop, "order-1")
    assert (level(variant, depot).on_hand, level(variant, annex).on_hand) == (0, 1)
    assert services.check_ledger() == []


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([StockLine(1, 0)], "lines"),
        ([StockLine(1, -1)], "lines"),
        ([("x", 1)], "lines"),
    ],
)
def test_bad_reservations(shop, stocked, lines, field):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as caught:
        services.reserve(shop, "order-1", lines)
    assert field in caught.value.error_dict
    with pytest.raises(ValidationError):
        services.reserve(shop, "", [StockLine(stocked.pk, 1)])
    assert snapshot(shop) == before


def test_reservations_expire(shop, stocked):
    now = timezone.now()
    services.reserve(
        shop, "late", [StockLine(stocked.pk, 2)], expires_at=now - datetime.timedelta(minutes=1)
    )
    services.reserve(
        shop, "soon", [StockLine(stocked.pk, 1)], expires_at=now + datetime.timedelta(hours=1)
    )
    services.reserve(shop, "forever", [StockLine(stocked.pk, 1)])
    with pytest.raises(ReservationExpired):
        services.commit(shop, "late")  # past its expiry, even before the task ran
    assert services.expire_reservations(now=now) == 1
    assert services.expire_reservations(now=now) == 0  # idempotent
    assert level(stocked).reserved == 2
    with scopes_disabled():
        states = dict(Reservation.objects.values_list("reference", "state"))
        expired = StockMovement.objects.filter(reservation__reference="late", kind="release").get()
    assert states == {"late": "expired", "soon": "held", "forever": "held"}
    assert expired.reason == "expired"
    with pytest.raises(ReservationExpired):
        services.commit(shop, "late")
    services.release(shop, "late")  # nothing left to release: no-op
    assert services.expire_reservations(now=now + datetime.timedelta(hours=2)) == 1
    assert level(stocked).reserved == 1
    assert services.check_ledger() == []


def test_commit_and_release_of_an_unknown_reference_do_nothing(shop, stocked):
    assert services.commit(shop, "never-reserved") is None
    assert services.release(shop, "never-reserved") is None
    assert len(movements(shop)) == 1


def test_a_rolled_back_caller_takes_the_reservation_with_it(shop, stocked):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.reserve(shop, "order-1", [StockLine(stocked.pk, 2)])
        raise RuntimeError("payment failed")
    assert level(stocked).reserved == 0
    with scopes_disabled():
        assert not Reservation.objects.exists()


# --- low stock -------------------------------------------------------------------------------


@pytest.fixture
def heard():
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    stock_low.connect(receiver, dispatch_uid="inventory-test")
    yield events
    stock_low.disconnect(dispatch_uid="inventory-test")


def test_stock_low_is_sent_once_when_crossing_the_threshold(
    shop, variant, platform, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.receive(shop, variant, 8)  # rising: never an event
        with tenant_context(platform, shop):
            services.adjust(shop, variant, -2, reason="damaged")  # 6: still above 5
            services.reserve(shop, "order-1", [StockLine(variant.pk, 1)])  # 5: crossed
            services.adjust(shop, variant, -1, reason="lost")  # 4: already low
    assert heard == [
        {
            "signal": stock_low,
            "platform_id": platform.pk,
            "vendor_id": shop.pk,
            "variant_id": variant.pk,
            "sku": "TEE-M",
            "available": 5,
            "threshold": 5,
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.release(shop, "order-1")  # 5 again, rising
        services.receive(shop, variant, 10)  # 15
        services.set_level(shop, variant, 2)  # falls to 2 with no platform known: default 5
    assert [(e["available"], e["platform_id"]) for e in heard] == [(5, platform.pk), (2, None)]


def test_a_products_own_threshold_and_the_platforms_default(
    shop, variant, platform, heard, django_capture_on_commit_callbacks
):
    from orion_core.testing import override_module

    services.receive(shop, variant, 20)
    with override_module(platform, "inventory", config={"low_stock_threshold": 12}):
        assert services.default_threshold(platform.pk) == 12
        with django_capture_on_commit_callbacks(execute=True), tenant_context(platform, shop):
            services.adjust(shop, variant, -8, reason="damaged")  # 12: the platform's default
        services.set_threshold(shop, variant.product, 3)
        with django_capture_on_commit_callbacks(execute=True), tenant_context(platform, shop):
            services.adjust(shop, variant, -8, reason="damaged")  # 4: above its own 3
            services.adjust(shop, variant, -1, reason="damaged")  # 3: crossed its own
    assert [(e["available"], e["threshold"]) for e in heard] == [(12, 12), (3, 3)]


def test_nothing_is_sent_when_the_change_rolls_back(
    shop, variant, heard, django_capture_on_commit_callbacks
):
    services.receive(shop, variant, 6)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.adjust(shop, variant, -3, reason="lost")
        raise RuntimeError
    assert heard == []
    assert level(variant).on_hand == 6


# --- the ledger check ------------------------------------------------------------------------


def test_check_finds_a_level_changed_behind_the_ledgers_back(shop, stocked):
    services.reserve(shop, "order-1", [StockLine(stocked.pk, 2)])
    assert services.check_ledger() == []
    with scopes_disabled():
        StockLevel.objects.filter(variant=stocked).update(on_hand=9, reserved=1)
    drifts = services.check_ledger()
    assert {(d.field, d.level, d.expected) for d in drifts} == {
        ("on_hand", 9, 5),
        ("reserved", 1, 2),
        ("held", 1, 2),
    }
    assert services.check_ledger([shop.pk + 1000]) == []
    assert "on_hand is 9, its movements say 5" in drifts[0].describe()


def test_summary(shop, other_shop, variant, their_variant):
    services.receive(shop, variant, 3)  # low (default 5)
    services.set_level(shop, make_variant(shop, "GONE"), 0)  # low and out
    services.receive(shop, make_variant(shop, "PLENTY"), 50)
    services.receive(other_shop, their_variant, 1)
    figures = services.summary([shop.pk], default=5)
    assert (figures.tracked, figures.low, figures.out, figures.on_hand) == (3, 2, 1, 53)
    assert services.summary([shop.pk, other_shop.pk], default=5).low == 3


def test_set_levels_moves_an_existing_level_and_keeps_what_is_reserved(shop, variant):
    services.receive(shop, variant, 10)
    services.reserve(shop, "order-1", [StockLine(variant.pk, 4)])
    before = level(variant)

    assert services.set_levels(shop, {variant.pk: 6}, note="feed") == 1

    after = level(variant)
    assert (after.pk, after.on_hand, after.reserved) == (before.pk, 6, 4)
    assert after.updated_at > before.updated_at
    last = movements(shop)[-1]
    assert (last.on_hand_delta, last.on_hand_after, last.reserved_after, last.note) == (
        -4,
        6,
        4,
        "feed",
    )
    assert services.check_ledger([shop.pk]) == []
