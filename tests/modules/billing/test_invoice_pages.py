"""Invoices on the vendor portal, the vendor API and the staff dashboard: who sees which, the
PDF, paying, and staff recording a payment or voiding, refused input changing nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.billing.factories import BillingPeriodFactory, SubscriptionFactory
from modules.billing.models import Invoice
from modules.billing.services import invoices
from tests.modules.billing.conftest import API, PORTAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(shop, other_shop, starter, growth):
    """An open invoice of shop-a (10.80) and one of shop-b, issued by a run."""
    start = timezone.now() - datetime.timedelta(minutes=5)
    for vendor, tier in ((shop, starter), (other_shop, growth)):
        subscription = SubscriptionFactory(vendor=vendor, tier=tier, current_period_start=start)
        BillingPeriodFactory(subscription=subscription)
    invoices.run(starter.platform)
    with scopes_disabled():
        return (
            Invoice.objects.get(vendor=shop),
            Invoice.objects.get(vendor=other_shop),
        )


def test_the_billing_page_lists_the_vendors_invoices_only(manager, issued):
    mine, theirs = issued
    page = manager.get(PORTAL).content.decode()
    assert f'data-invoice="{mine.number}"' in page
    assert theirs.number not in page
    listing = manager.get(f"{PORTAL}invoices/")
    assert listing.status_code == 200 and mine.number in listing.content.decode()


def test_an_invoice_page_shows_its_lines_and_totals(manager, issued):
    mine, _theirs = issued
    page = manager.get(f"{PORTAL}invoices/{mine.pk}/").content.decode()
    assert "Starter" in page and "€10.80" in page and "€1.80" in page
    assert "Pay this invoice" in page


def test_another_vendors_invoice_is_404_on_every_route(manager, issued):
    _mine, theirs = issued
    for suffix in ("", "pdf/"):
        assert manager.get(f"{PORTAL}invoices/{theirs.pk}/{suffix}").status_code == 404
    assert manager.post(f"{PORTAL}invoices/{theirs.pk}/pay/").status_code == 404
    assert manager.get(f"{API}invoices/{theirs.pk}/").status_code == 404


def test_the_pdf_is_a_pdf_the_same_every_time_and_prints_any_name(manager, issued, shop):
    mine, _theirs = issued
    with scopes_disabled():
        Invoice.objects.filter(pk=mine.pk).update(billed_to="Bäckerei Ørsted 東京")
    first = manager.get(f"{PORTAL}invoices/{mine.pk}/pdf/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="{mine.number}.pdf"'
    assert first.content.startswith(b"%PDF-") and first.content.rstrip().endswith(b"%%EOF")
    assert manager.get(f"{PORTAL}invoices/{mine.pk}/pdf/").content == first.content


def test_a_viewer_reads_but_cannot_pay(viewer, issued):
    mine, _theirs = issued
    page = viewer.get(f"{PORTAL}invoices/{mine.pk}/").content.decode()
    assert "Pay this invoice" not in page
    assert viewer.post(f"{PORTAL}invoices/{mine.pk}/pay/").status_code == 403


def test_paying_shows_the_manual_instructions_and_starts_one_payment(manager, issued):
    from modules.payments.models import Payment

    mine, _theirs = issued
    url = f"{PORTAL}invoices/{mine.pk}/pay/"
    assert manager.post(url).status_code == 302
    assert manager.post(url).status_code == 302  # twice: the same payment
    with scopes_disabled():
        payment = Payment.objects.get(vendor=mine.vendor)
    assert payment.reference == f"billing/{mine.number}" and payment.amount == Decimal("10.80")
    # the vendor's own payment is not one of its sales
    assert manager.get(f"/vendor/shop-a/payments/{payment.pk}/").status_code == 404


def test_a_paid_invoice_cannot_be_paid_again(manager, issued):
    mine, _theirs = issued
    invoices.mark_paid(mine)
    response = manager.post(f"{PORTAL}invoices/{mine.pk}/pay/")
    assert response.status_code == 400
    assert "Only an open invoice can be paid." in response.content.decode()


def test_the_api_lists_the_vendors_invoices_with_lines(manager, issued):
    mine, _theirs = issued
    body = manager.get(f"{API}invoices/").json()
    assert [row["number"] for row in body["results"]] == [mine.number]
    (row,) = body["results"]
    assert (row["status"], row["total"], row["overdue"]) == ("open", "10.80", False)
    assert row["lines"][0]["kind"] == "plan"


# --- staff -----------------------------------------------------------------------------------


def test_staff_list_filters_by_status_and_search(staff, issued):
    mine, theirs = issued
    invoices.mark_paid(theirs)
    page = staff.get("/dashboard/billing/invoices/?status=open").content.decode()
    assert mine.number in page and theirs.number not in page
    page = staff.get("/dashboard/billing/invoices/?q=shop-b").content.decode()
    assert theirs.number in page and mine.number not in page


def test_staff_void_needs_a_reason_and_changes_nothing_without_one(staff, issued):
    mine, _theirs = issued
    url = f"/dashboard/billing/invoices/{mine.pk}/void/"
    refused = staff.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert refused.context["void_form"].errors["reason"]
    mine.refresh_from_db()
    assert mine.status == Invoice.Status.OPEN
    assert staff.post(url, {"reason": "Billed by mistake"}).status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.note) == (Invoice.Status.VOID, "Billed by mistake")
    assert staff.post(url, {"reason": "again"}).status_code == 400


def test_staff_record_a_payment(staff, issued):
    mine, _theirs = issued
    response = staff.post(f"/dashboard/billing/invoices/{mine.pk}/paid/", {"note": "TR-1"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Invoice.Status.PAID and mine.paid_at is not None
    pdf = staff.get(f"/dashboard/billing/invoices/{mine.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_vendors_cannot_reach_staff_invoice_pages(manager, issued):
    mine, _theirs = issued
    response = manager.get(f"/dashboard/billing/invoices/{mine.pk}/")
    assert response.status_code in (302, 403)
