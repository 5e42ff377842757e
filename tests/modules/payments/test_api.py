"""The vendor API: payments listed and read with their history, confirm and refund actions,
400 per field for bad input with nothing written, 404 for another vendor's payment."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from modules.payments import services
from modules.payments.models import Payment, PaymentTransition, Refund
from tests.modules.payments.conftest import start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

API = "/api/v1/vendor/shop-a/payments/payments/"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def snapshot(vendor):
    with scopes_disabled():
        return (
            list(Payment.objects.filter(vendor=vendor).order_by("pk").values()),
            PaymentTransition.objects.filter(vendor=vendor).count(),
            Refund.objects.filter(vendor=vendor).count(),
        )


def test_list_and_filters(platform, shop, other_shop, viewer):
    start(platform, shop, "ORD-1", customer_email="ada@example.com")
    services.capture(shop, start(platform, shop, "ORD-2", customer_email="bob@example.com"))
    start(platform, other_shop, "ORD-3")
    body = viewer.get(API).json()
    assert [p["reference"] for p in body["results"]] == ["ORD-2", "ORD-1"]
    assert body["results"][0]["captured"] == "100.00"
    assert [p["reference"] for p in viewer.get(API, {"state": "pending"}).json()["results"]] == [
        "ORD-1"
    ]
    assert viewer.get(API, {"search": "ada"}).json()["count"] == 1
    bad = viewer.get(API, {"state": "bogus"})
    assert bad.status_code == 400 and "state" in bad.json()


def test_a_payment_with_its_history_and_refunds(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "40.00")
    services.capture(shop, payment)
    services.refund(shop, payment, "15.00", reason="Late", user=manager.user)
    body = manager.get(f"{API}{payment.pk}/").json()
    assert (body["state"], body["refundable"]) == ("partially_refunded", "25.00")
    assert [step["to_state"] for step in body["history"]] == [
        "pending",
        "captured",
        "partially_refunded",
    ]
    assert body["refunds"][0] | {"id": 0, "created_at": ""} == {
        "id": 0,
        "amount": "15.00",
        "reason": "Late",
        "source": "vendor",
        "user": manager.user.get_username(),
        "external_id": "",
        "created_at": "",
    }


def test_confirm_then_refund(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "40.00")
    confirmed = post(manager, f"{API}{payment.pk}/confirm/")
    assert confirmed.status_code == 201 and confirmed.json()["state"] == "captured"
    refunded = post(manager, f"{API}{payment.pk}/refund/", {"amount": "40.00", "reason": "x"})
    assert refunded.status_code == 201
    assert (refunded.json()["state"], refunded.json()["refunded"]) == ("refunded", "40.00")


def test_a_refund_beyond_captured_is_a_400_and_writes_nothing(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "40.00")
    services.capture(shop, payment, amount="30.00")
    before = snapshot(shop)
    response = post(manager, f"{API}{payment.pk}/refund/", {"amount": "30.01"})
    assert response.status_code == 400
    assert response.json() == {"amount": ["At most 30.00 EUR can be refunded."]}
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "99999999999.00"}, "amount"),
        ({"amount": "1.00", "reason": "x" * 201}, "reason"),
    ],
)
def test_bad_refund_bodies_are_400_per_field(platform, shop, manager, data, field):
    payment = start(platform, shop, "ORD-1", "40.00")
    services.capture(shop, payment)
    before = snapshot(shop)
    response = post(manager, f"{API}{payment.pk}/refund/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(shop) == before


def test_an_illegal_transition_is_a_400_and_writes_nothing(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "40.00")
    services.cancel(shop, payment)
    before = snapshot(shop)
    response = post(manager, f"{API}{payment.pk}/confirm/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert snapshot(shop) == before


def test_roles(platform, shop, viewer, client_of):
    payment = start(platform, shop, "ORD-1", "40.00")
    assert viewer.get(API).status_code == 200
    assert post(viewer, f"{API}{payment.pk}/confirm/").status_code == 403
    services.capture(shop, payment)
    assert post(client_of("staff"), f"{API}{payment.pk}/refund/", {"amount": "1"}).status_code == (
        403
    )


def test_another_vendors_payment_is_a_404_and_stays_unchanged(platform, shop, other_shop, manager):
    theirs = start(platform, other_shop, "THEIRS", "40.00")
    before = snapshot(other_shop)
    assert manager.get(f"{API}{theirs.pk}/").status_code == 404
    assert post(manager, f"{API}{theirs.pk}/confirm/").status_code == 404
    assert post(manager, f"{API}{theirs.pk}/refund/", {"amount": "1.00"}).status_code == 404
    assert manager.get("/api/v1/vendor/shop-b/payments/payments/").status_code == 404
    assert snapshot(other_shop) == before


def test_amounts_are_decimal_strings(platform, shop, viewer):
    start(platform, shop, "ORD-1", "0.10")
    (item,) = viewer.get(API).json()["results"]
    assert (item["amount"], Decimal(item["amount"]) * 3) == ("0.10", Decimal("0.30"))
