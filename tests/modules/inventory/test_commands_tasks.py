"""``manage.py inventory check`` / ``release-expired``, the scheduled task, the demo seed."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.inventory.models import Reservation, StockLevel
from modules.inventory.tasks import release_expired_reservations
from orion_core.models import Platform
from orion_core.modules.registry import get_registry
from orion_core.testing import override_module
from tests.modules.inventory.conftest import make_variant

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("inventory", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stocked(shop, variant):
    services.receive(shop, variant, 5)
    services.reserve(shop, "order-1", [(variant.pk, 2)])
    return variant


def test_check_passes_on_a_clean_ledger(stocked):
    assert "Stock ledger OK" in run("check")
    assert json.loads(run("check", "--json")) == {"ok": True, "drifts": []}


def test_check_reports_drift_and_fails(shop, other_shop, stocked):
    with scopes_disabled():
        StockLevel.objects.filter(variant=stocked).update(on_hand=7)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 stock level"):
        call_command("inventory", "check", stdout=out)
    assert "DRIFT" in out.getvalue() and "on_hand is 7, its movements say 5" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("inventory", "check", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["drifts"][0] | {"vendor_id": 0} == {
        "vendor_id": 0,
        "variant_id": stocked.pk,
        "location_id": report["drifts"][0]["location_id"],
        "field": "on_hand",
        "level": 7,
        "expected": 5,
    }
    # Another vendor's stock is fine, and can be checked alone.
    assert "OK" in run("check", "--vendor", other_shop.code)
    with pytest.raises(CommandError, match="Unknown vendor"):
        run("check", "--vendor", "nobody")


def test_check_catches_a_reservation_changed_behind_its_back(shop, stocked):
    with scopes_disabled():
        Reservation.objects.filter(reference="order-1").update(state="released")
    with pytest.raises(CommandError):
        run("check")


def test_release_expired_command_and_task(shop, variant):
    services.receive(shop, variant, 5)
    past = timezone.now() - datetime.timedelta(minutes=5)
    services.reserve(shop, "late-1", [(variant.pk, 1)], expires_at=past)
    services.reserve(shop, "late-2", [(variant.pk, 1)], expires_at=past)
    assert run("release-expired") == "Released 2 expired reservation(s).\n"
    assert json.loads(run("release-expired", "--json")) == {"released": 0}
    services.reserve(shop, "late-3", [(variant.pk, 1)], expires_at=past)
    assert release_expired_reservations.apply().get() == 1
    with scopes_disabled():
        assert StockLevel.objects.get(variant=variant).reserved == 0


def test_the_task_is_scheduled():
    (task,) = get_registry().get("inventory").scheduled_tasks
    assert (task.name, task.task, task.per_platform) == (
        "release-expired",
        "inventory.release_expired_reservations",
        False,
    )


def test_seed_demo_stocks_untracked_variants_once(shop, other_shop, platform, variant):
    tracked = make_variant(shop, "TRACKED")
    services.receive(shop, tracked, 1)
    make_variant(shop, "SECOND")
    make_variant(other_shop, "THEIRS")
    app = apps.get_app_config("inventory")
    assert app.seed_demo({"acme": platform}) == []  # inventory is off on acme: nothing
    with override_module(platform, "inventory"):
        notes = app.seed_demo({"acme": Platform.objects.get(pk=platform.pk)})
        assert notes == ["inventory: stock given to 3 demo variant(s)"]
        assert app.seed_demo({"acme": platform}) == []  # idempotent
    stock = services.stock_of(shop, [variant.pk, tracked.pk])
    assert stock[tracked.pk].on_hand == 1  # left alone
    assert stock[variant.pk].on_hand == services.DEMO_QUANTITIES[0]
    assert services.check_ledger() == []
