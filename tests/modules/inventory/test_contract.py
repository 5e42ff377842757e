"""The stock contract as inventory answers it, and who answers it when inventory is off."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.models import StockLevel
from modules.inventory.providers import stock_provider
from orion_core.contracts import provider_for, providing_module
from orion_core.contracts.stock import (
    STOCK,
    AlwaysAvailable,
    Availability,
    OutOfStock,
    Reservation,
    ReservationExpired,
    StockLine,
    StockProvider,
)
from orion_core.services import ModuleService
from orion_core.testing import override_module
from tests.modules.inventory.conftest import make_variant

pytestmark = pytest.mark.django_db


def test_inventory_provides_stock_only_where_it_is_on(platform):
    enabled = ModuleService().enabled_codes(platform)
    assert "inventory" not in enabled
    assert isinstance(provider_for(STOCK, enabled), AlwaysAvailable)
    assert providing_module(STOCK, enabled) is None
    with override_module(platform, "inventory"):
        enabled = ModuleService().enabled_codes(platform)
        assert provider_for(STOCK, enabled) is stock_provider
        assert providing_module(STOCK, enabled) == "inventory"
    # The catalog alone (inventory's requirement) does not keep stock.
    assert isinstance(provider_for(STOCK, {"core", "tenancy", "catalog"}), AlwaysAvailable)


def test_the_provider_implements_the_protocol():
    assert isinstance(stock_provider, StockProvider)


def test_availability_tracked_untracked_and_not_the_vendors(shop, variant, their_variant):
    untracked = make_variant(shop, "POSTER")
    services.receive(shop, variant, 4)
    services.reserve(shop, "r-1", [StockLine(variant.pk, 1)])
    answer = stock_provider.availability(shop.pk, [variant.pk, untracked.pk, their_variant.pk])
    assert answer == {
        variant.pk: Availability(variant.pk, tracked=True, available=3),
        untracked.pk: Availability(untracked.pk, tracked=False, available=None),
        their_variant.pk: Availability(their_variant.pk, tracked=True, available=0),
    }
    assert answer[untracked.pk].allows(10_000)
    assert answer[variant.pk].allows(3) and not answer[variant.pk].allows(4)
    assert not answer[their_variant.pk].in_stock
    assert stock_provider.availability(shop.pk, []) == {}


def test_availability_takes_one_query(shop, variant, django_assert_num_queries):
    services.receive(shop, variant, 4)
    ids = [make_variant(shop).pk for _ in range(5)] + [variant.pk]
    with django_assert_num_queries(1):
        assert len(stock_provider.availability(shop.pk, ids)) == 6


def test_reserve_commit_release_through_the_contract(shop, variant):
    services.receive(shop, variant, 3)
    expires = timezone.now() + datetime.timedelta(minutes=15)
    held = stock_provider.reserve(shop.pk, "cart-1", [StockLine(variant.pk, 2)], expires_at=expires)
    assert held == Reservation("cart-1", (StockLine(variant.pk, 2),), expires)
    assert (
        stock_provider.reserve(shop.pk, "cart-1", [StockLine(variant.pk, 1)], expires_at=None)
        == held
    )
    with pytest.raises(OutOfStock):
        stock_provider.reserve(shop.pk, "cart-2", [StockLine(variant.pk, 2)], expires_at=None)
    stock_provider.commit(shop.pk, "cart-1")
    stock_provider.commit(shop.pk, "cart-1")
    stock_provider.reserve(shop.pk, "cart-3", [StockLine(variant.pk, 1)], expires_at=None)
    stock_provider.release(shop.pk, "cart-3")
    stock_provider.release(shop.pk, "cart-3")
    assert stock_provider.availability(shop.pk, [variant.pk])[variant.pk].available == 1


def test_an_expired_reservation_cannot_be_committed(shop, variant):
    services.receive(shop, variant, 3)
    past = timezone.now() - datetime.timedelta(seconds=1)
    stock_provider.reserve(shop.pk, "cart-1", [StockLine(variant.pk, 2)], expires_at=past)
    with pytest.raises(ReservationExpired):
        stock_provider.commit(shop.pk, "cart-1")


def test_set_level(shop, variant, their_variant):
    assert stock_provider.set_level(shop.pk, variant.pk, 12, reason="supplier feed 42") is True
    with scopes_disabled():
        stock = StockLevel.objects.get(variant=variant)
        movement = stock.variant.stock_movements.get()
    assert stock.on_hand == 12
    assert (movement.reason, movement.note) == ("feed", "supplier feed 42")
    assert stock_provider.set_level(shop.pk, their_variant.pk, 5, reason="feed") is False
    with pytest.raises(ValidationError):
        stock_provider.set_level(shop.pk, variant.pk, -1, reason="feed")


def test_the_fallback_and_inventory_agree_on_untracked_variants(shop):
    untracked = make_variant(shop, "POSTER")
    fallback = STOCK.fallback.availability(shop.pk, [untracked.pk])
    assert stock_provider.availability(shop.pk, [untracked.pk]) == fallback
