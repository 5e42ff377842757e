"""The vendor portal's payment pages: the list with filters and pages, a payment's page with
its history, confirming a manual payment, refunding (refused beyond what was captured), and
who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from modules.payments import services
from modules.payments.models import Payment, PaymentTransition, Refund
from tests.modules.payments.conftest import start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_on")]

LIST = "/vendor/shop-a/payments/"


def page(pk: int, action: str = "") -> str:
    return f"{LIST}{pk}/{action + '/' if action else ''}"


def snapshot(vendor):
    with scopes_disabled():
        return (
            list(Payment.objects.filter(vendor=vendor).order_by("pk").values()),
            PaymentTransition.objects.filter(vendor=vendor).count(),
            Refund.objects.filter(vendor=vendor).count(),
        )


def test_the_list_shows_the_vendors_payments_only(platform, shop, other_shop, viewer):
    start(platform, shop, "ORD-MINE", customer_email="ada@example.com")
    start(platform, other_shop, "ORD-THEIRS")
    response = viewer.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ORD-MINE" in body and "ada@example.com" in body
    assert "ORD-THEIRS" not in body


def test_the_list_filters_by_state_and_search(platform, shop, viewer):
    start(platform, shop, "ORD-1", customer_email="ada@example.com")
    services.capture(shop, start(platform, shop, "ORD-2", customer_email="bob@example.com"))
    captured = viewer.get(LIST, {"state": "captured"})
    assert [p.reference for p in captured.context["payments"]] == ["ORD-2"]
    assert [p.reference for p in viewer.get(LIST, {"q": "ada"}).context["payments"]] == ["ORD-1"]
    # A filter that does not validate filters nothing rather than failing.
    assert viewer.get(LIST, {"state": "bogus"}).status_code == 200


def test_the_list_is_paginated_keeping_the_filters(platform, shop, viewer):
    for n in range(51):
        start(platform, shop, f"ORD-{n:03d}")
    first = viewer.get(LIST, {"state": "pending"})
    assert len(first.context["payments"]) == 50
    assert "?state=pending&amp;page=2" in first.content.decode()
    second = viewer.get(LIST, {"state": "pending", "page": 2})
    assert len(second.context["payments"]) == 1


def test_a_payment_page_shows_its_history(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "80.00")
    services.capture(shop, payment, user=manager.user)
    services.refund(shop, payment, "5.00", reason="Scratched mug", user=manager.user)
    response = manager.get(page(payment.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Scratched mug" in body and manager.user.get_username() in body
    assert [step.to_state for step in response.context["history"]] == [
        "pending",
        "captured",
        "partially_refunded",
    ]
    assert response.context["refund_form"].initial["amount"] == Decimal("75.00")


def test_the_vendor_confirms_a_manual_payment(platform, shop, client_of):
    payment = start(platform, shop, "ORD-1", "30.00")
    staff_member = client_of("staff")
    assert "Confirm the payment was received" in staff_member.get(page(payment.pk)).content.decode()
    response = staff_member.post(page(payment.pk, "confirm"))
    assert response.status_code == 302 and response["Location"] == page(payment.pk)
    payment.refresh_from_db()
    assert (payment.state, payment.captured) == ("captured", Decimal("30.00"))
    with scopes_disabled():
        last = PaymentTransition.objects.filter(payment=payment).last()
    assert (last.source, last.user) == ("vendor", staff_member.user)
    # Confirming again is refused on the page, and changes nothing.
    before = snapshot(shop)
    again = staff_member.post(page(payment.pk, "confirm"))
    assert again.status_code == 400
    assert "Only a pending or authorized payment can be captured" in again.content.decode()
    assert snapshot(shop) == before


def test_a_refund_beyond_what_was_captured_is_a_400_on_its_field(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "30.00")
    services.capture(shop, payment)
    before = snapshot(shop)
    response = manager.post(page(payment.pk, "refund"), {"amount": "30.01", "reason": "x"})
    assert response.status_code == 400
    assert response.context["refund_form"].errors["amount"] == [
        "At most 30.00 EUR can be refunded."
    ]
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": ""}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "1.00", "reason": "x" * 201}, "reason"),
    ],
)
def test_bad_refund_input_is_a_400_with_field_errors(platform, shop, manager, data, field):
    payment = start(platform, shop, "ORD-1", "30.00")
    services.capture(shop, payment)
    before = snapshot(shop)
    response = manager.post(page(payment.pk, "refund"), data)
    assert response.status_code == 400
    assert field in response.context["refund_form"].errors
    assert snapshot(shop) == before


def test_a_refund_within_what_was_captured_is_recorded(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "30.00")
    services.capture(shop, payment)
    response = manager.post(page(payment.pk, "refund"), {"amount": "30.00", "reason": "Lost"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.state, payment.refunded) == ("refunded", Decimal("30.00"))


def test_refunding_a_payment_not_captured_is_refused(platform, shop, manager):
    payment = start(platform, shop, "ORD-1", "30.00")
    before = snapshot(shop)
    response = manager.post(page(payment.pk, "refund"), {"amount": "1.00"})
    assert response.status_code == 400
    assert "Only a captured payment can be refunded" in str(response.context["refund_form"].errors)
    assert snapshot(shop) == before


def test_who_may_do_what(platform, shop, viewer, client_of):
    payment = start(platform, shop, "ORD-1", "30.00")
    body = viewer.get(page(payment.pk)).content.decode()
    assert "Confirm the payment was received" not in body
    assert viewer.post(page(payment.pk, "confirm")).status_code == 403
    staff_member = client_of("staff")
    services.capture(shop, payment)
    assert "refund_form" not in staff_member.get(page(payment.pk)).context
    assert staff_member.post(page(payment.pk, "refund"), {"amount": "1.00"}).status_code == 403
    payment.refresh_from_db()
    assert payment.refunded == 0


def test_another_vendors_payment_is_a_404_and_stays_unchanged(platform, shop, other_shop, manager):
    theirs = start(platform, other_shop, "THEIRS", "30.00")
    before = snapshot(other_shop)
    assert manager.get(page(theirs.pk)).status_code == 404
    assert manager.post(page(theirs.pk, "confirm")).status_code == 404
    assert manager.post(page(theirs.pk, "refund"), {"amount": "1.00"}).status_code == 404
    assert snapshot(other_shop) == before


def test_actions_do_not_answer_get(platform, shop, manager):
    payment = start(platform, shop)
    assert manager.get(page(payment.pk, "confirm")).status_code == 405
    assert manager.get(page(payment.pk, "refund")).status_code == 405


def test_the_menu_offers_payments(platform, shop, viewer):
    response = viewer.get("/vendor/shop-a/")
    assert LIST in response.content.decode()
