"""Giftcards's vendor API: /api/v1/vendor/<vendor_code>/giftcards/."""

import pytest
from django_scopes import scopes_disabled

from modules.giftcards.factories import GiftCardFactory
from modules.giftcards.models import GiftCard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

API = "/api/v1/vendor/shop-a/giftcards/"


def test_list_is_paginated_and_holds_this_vendors_cards_only(manager, shop, other_shop):
    GiftCardFactory(vendor=shop, code="BLUE-1")
    GiftCardFactory(vendor=other_shop, code="SECRET-OF-B")
    response = manager.get(API)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [card["code"] for card in response.json()["results"]] == ["BLUE-1"]


def test_issue(manager, shop):
    card = {"code": "GREEN-1", "balance": "50.00"}
    response = manager.post(API, card, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["balance"] == "50.00"
    assert response.json()["expires_on"]
    with scopes_disabled():
        assert GiftCard.objects.get(pk=response.json()["id"]).vendor == shop


@pytest.mark.parametrize(
    ("card", "field"),
    [
        ({"code": "", "balance": "10"}, "code"),
        ({"code": "TAKEN", "balance": "10"}, "code"),
        ({"code": "NEW-1", "balance": "0.00"}, "balance"),
        ({"code": "NEW-1", "balance": "1e100"}, "balance"),
        ({"code": "NEW-1"}, "balance"),
    ],
)
def test_bad_input_is_a_400_per_field_and_saves_nothing(manager, shop, card, field):
    GiftCardFactory(vendor=shop, code="TAKEN")
    response = manager.post(API, card, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    with scopes_disabled():
        assert GiftCard.objects.count() == 1


def test_another_vendors_card_is_a_404_and_stays_unchanged(manager, other_shop):
    theirs = GiftCardFactory(vendor=other_shop, code="THEIRS")
    url = f"{API}{theirs.pk}/"
    assert manager.get(url).status_code == 404
    patch = manager.patch(url, {"balance": "999.00"}, content_type="application/json")
    assert patch.status_code == 404
    assert manager.delete(url).status_code == 404
    with scopes_disabled():
        theirs.refresh_from_db()
    assert (theirs.code, str(theirs.balance)) == ("THEIRS", "25.00")


def test_a_viewer_reads_but_may_not_change(client_of, shop):
    mine = GiftCardFactory(vendor=shop, code="BLUE-1")
    viewer = client_of("viewer")
    assert viewer.get(f"{API}{mine.pk}/").json()["code"] == "BLUE-1"
    change = {"balance": "999.00"}
    response = viewer.patch(f"{API}{mine.pk}/", change, content_type="application/json")
    assert response.status_code == 403
    with scopes_disabled():
        assert GiftCard.objects.get(pk=mine.pk).balance == 25


def test_anonymous_visitors_must_log_in(anonymous):
    assert anonymous.get(API).status_code in (401, 403)
