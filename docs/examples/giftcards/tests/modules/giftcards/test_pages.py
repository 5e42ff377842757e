"""Giftcards's pages.

The vendor's list and form, and the staff overview.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.giftcards.factories import GiftCardFactory
from modules.giftcards.models import GiftCard
from orion_core.testing import override_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

PORTAL = "/vendor/shop-a/giftcards/"


def codes(response) -> list[str]:
    return [card.code for card in response.context["cards"]]


def test_the_list_shows_this_vendors_cards_only(manager, shop, other_shop):
    GiftCardFactory(vendor=shop, code="BLUE-1")
    GiftCardFactory(vendor=other_shop, code="SECRET-OF-B")
    response = manager.get(PORTAL)
    assert response.status_code == 200
    assert codes(response) == ["BLUE-1"]
    assert "SECRET-OF-B" not in response.content.decode()


def test_a_manager_issues_a_card_valid_for_the_platforms_days(manager, platform, shop):
    with override_module(platform, "giftcards", config={"validity_days": 30}):
        response = manager.post(PORTAL, {"code": "GREEN-1", "balance": "50.00"})
    assert response.status_code == 302
    with scopes_disabled():
        card = GiftCard.objects.get()
    assert (card.vendor, card.code, card.balance) == (shop, "GREEN-1", Decimal("50.00"))
    assert card.expires_on == timezone.localdate() + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("code", "balance", "field"),
    [
        ("", "10", "code"),
        ("x" * 21, "10", "code"),
        ("TAKEN", "10", "code"),
        ("NEW-1", "0", "balance"),
        ("NEW-1", "-5", "balance"),
        ("NEW-1", "ten", "balance"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(manager, shop, code, balance, field):
    GiftCardFactory(vendor=shop, code="TAKEN")
    response = manager.post(PORTAL, {"code": code, "balance": balance})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    with scopes_disabled():
        assert GiftCard.objects.count() == 1


def test_a_code_another_vendor_uses_is_free(manager, other_shop):
    GiftCardFactory(vendor=other_shop, code="TAKEN")
    assert manager.post(PORTAL, {"code": "TAKEN", "balance": "10"}).status_code == 302


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_other_roles_see_the_list_but_may_not_issue(client_of, role):
    member = client_of(role)
    response = member.get(PORTAL)
    assert response.status_code == 200
    assert response.context["can_issue"] is False
    assert member.post(PORTAL, {"code": "GREEN-1", "balance": "10"}).status_code == 403
    with scopes_disabled():
        assert not GiftCard.objects.exists()


def test_staff_see_the_cards_per_vendor(staff, shop, other_shop):
    GiftCardFactory.create_batch(2, vendor=shop, balance=Decimal("10.00"))
    GiftCardFactory(vendor=other_shop, balance=Decimal("5.50"))
    response = staff.get("/dashboard/giftcards/")
    assert response.status_code == 200
    rows = [(r["vendor__code"], r["cards"], r["outstanding"]) for r in response.context["rows"]]
    assert rows == [("shop-a", 2, Decimal("20.00")), ("shop-b", 1, Decimal("5.50"))]
