"""The vendor portal: customer list, search, filters, detail, CSV export, segments."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from modules.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerSegmentFactory,
    CustomerTagFactory,
    CustomerTaggingFactory,
)
from modules.customers.models import CustomerSegment
from modules.tenancy.scoping import vendor_scope
from tests.modules.customers.conftest import HOST, team_member

pytestmark = pytest.mark.django_db

LIST = "/vendor/shop-a/customers/"


@pytest.fixture
def data(shop, other_shop):
    """Customers of shop A, and look-alikes at shop B carrying the unique marker "zzmarker"."""
    vip = CustomerTagFactory(vendor=shop, name="vip")
    mine = {
        "vip": CustomerFactory(
            vendor=shop,
            email="vip.zzmarker@a.example",
            last_name="Alpha",
            tags=[vip],
            marketing_consent=True,
        ),
        "plain": CustomerFactory(vendor=shop, email="plain@a.example", last_name="Zzmarker"),
        "other": CustomerFactory(vendor=shop, email="other@a.example", last_name="Nobody"),
    }
    their_vip = CustomerTagFactory(vendor=other_shop, name="vip")
    CustomerFactory(
        vendor=other_shop,
        email="leak.zzmarker@b.example",
        last_name="Zzmarker",
        tags=[their_vip],
        marketing_consent=True,
    )
    return {"mine": mine, "vip": vip, "their_vip": their_vip}


def emails(response):
    return {c.email for c in response.context["customers"]}


def test_list_needs_a_team_member(client, shop, other_shop, data):
    response = client.get(LIST)
    assert response.status_code == 302  # not logged in
    outsider = Client(HTTP_HOST=HOST)
    outsider.force_login(team_member(other_shop, "manager"))
    assert outsider.get(LIST).status_code == 404


def test_list_shows_only_this_vendors_customers(manager_client, data):
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert emails(response) == {c.email for c in data["mine"].values()}
    assert "leak.zzmarker" not in response.content.decode()


def test_search_by_email_or_name(manager_client, data):
    assert emails(manager_client.get(LIST, {"q": "zzmarker"})) == {
        "vip.zzmarker@a.example",
        "plain@a.example",
    }
    assert emails(manager_client.get(LIST, {"q": "alpha"})) == {"vip.zzmarker@a.example"}


def test_filter_by_tag_and_segment(manager_client, shop, data):
    assert emails(manager_client.get(LIST, {"tag": data["vip"].pk})) == {"vip.zzmarker@a.example"}
    # Another vendor's tag id is not a valid choice: the filter is ignored, nothing leaks.
    response = manager_client.get(LIST, {"tag": data["their_vip"].pk})
    assert response.context["filter_form"].errors["tag"]
    assert "leak.zzmarker" not in response.content.decode()
    segment = CustomerSegmentFactory(
        vendor=shop, rules=[{"field": "marketing_consent", "op": "is", "value": True}]
    )
    assert emails(manager_client.get(LIST, {"segment": segment.pk})) == {"vip.zzmarker@a.example"}


def test_pagination(manager_client, shop):
    CustomerFactory.create_batch(55, vendor=shop)
    first = manager_client.get(LIST)
    assert len(first.context["customers"]) == 50
    assert len(manager_client.get(LIST, {"page": 2}).context["customers"]) == 5


def test_detail(manager_client, shop, other_shop, data):
    customer = data["mine"]["vip"]
    CustomerAddressFactory(customer=customer, city="Grenoble")
    response = manager_client.get(f"{LIST}{customer.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Grenoble" in body and "vip" in body
    stranger = CustomerFactory(vendor=other_shop)
    assert manager_client.get(f"{LIST}{stranger.pk}/").status_code == 404


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_only_this_vendor_and_filtered(manager_client, data):
    response = manager_client.get(f"{LIST}export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert {r["email"] for r in rows} == {c.email for c in data["mine"].values()}
    vip_row = next(r for r in rows if r["email"] == "vip.zzmarker@a.example")
    assert vip_row["tags"] == "vip"
    rows = read_csv(manager_client.get(f"{LIST}export.csv", {"q": "zzmarker"}))
    assert {r["email"] for r in rows} == {"vip.zzmarker@a.example", "plain@a.example"}


def test_csv_cells_cannot_be_formulas(manager_client, shop):
    CustomerFactory(vendor=shop, first_name="=HYPERLINK(1)")
    rows = read_csv(manager_client.get(f"{LIST}export.csv"))
    assert rows[0]["first_name"] == "'=HYPERLINK(1)"


def test_export_needs_the_export_permission(viewer, data):
    client = Client(HTTP_HOST=HOST)
    client.force_login(viewer)
    assert client.get(LIST).status_code == 200  # viewers may view
    assert client.get(f"{LIST}export.csv").status_code == 403


def test_create_segment(manager_client, shop, data):
    form = {
        "name": "Consenting VIPs",
        "rules-TOTAL_FORMS": "4",
        "rules-INITIAL_FORMS": "0",
        "rules-0-field": "tags",
        "rules-0-op": "has",
        "rules-0-value": "vip",
        "rules-1-field": "marketing_consent",
        "rules-1-op": "is",
        "rules-1-value": "true",
    }
    response = manager_client.post(f"{LIST}segments/", form)
    assert response.status_code == 302
    with vendor_scope(shop):
        segment = CustomerSegment.objects.get()
        assert segment.rules == [
            {"field": "tags", "op": "has", "value": "vip"},
            {"field": "marketing_consent", "op": "is", "value": True},
        ]
        assert [c.email for c in segment.members()] == ["vip.zzmarker@a.example"]
    body = manager_client.get(f"{LIST}segments/").content.decode()
    assert "Consenting VIPs" in body


def test_segment_errors_are_shown_per_field(manager_client, shop):
    form = {
        "name": "Broken",
        "rules-TOTAL_FORMS": "4",
        "rules-INITIAL_FORMS": "0",
        "rules-0-field": "total_spent",
        "rules-0-op": "has",
        "rules-0-value": "10",
        "rules-1-field": "orders_count",
        "rules-1-op": "gt",
        "rules-1-value": "many",
        "rules-2-field": "",
        "rules-2-op": "gt",
        "rules-2-value": "",
    }
    response = manager_client.post(f"{LIST}segments/", form)
    assert response.status_code == 400
    forms = response.context["rule_formset"].forms
    assert "Operator “has” does not apply" in forms[0].errors["op"][0]
    assert forms[1].errors["value"] == ["Enter a whole number."]
    assert forms[2].errors["field"]
    assert "Enter a whole number." in response.content.decode()
    with vendor_scope(shop):
        assert not CustomerSegment.objects.exists()


def test_segment_needs_a_rule_and_edit_permission(manager_client, viewer, shop):
    empty = {"name": "Empty", "rules-TOTAL_FORMS": "4", "rules-INITIAL_FORMS": "0"}
    response = manager_client.post(f"{LIST}segments/", empty)
    assert "Add at least one rule." in response.content.decode()
    client = Client(HTTP_HOST=HOST)
    client.force_login(viewer)
    assert client.get(f"{LIST}segments/").status_code == 200
    assert client.post(f"{LIST}segments/", empty).status_code == 403


def test_delete_segment(manager_client, shop, other_shop):
    mine = CustomerSegmentFactory(vendor=shop)
    theirs = CustomerSegmentFactory(vendor=other_shop)
    with vendor_scope(other_shop):
        before = list(CustomerSegment.objects.values())
    assert manager_client.post(f"{LIST}segments/{theirs.pk}/delete/").status_code == 404
    assert manager_client.post(f"{LIST}segments/{mine.pk}/delete/").status_code == 302
    with vendor_scope(shop):
        assert not CustomerSegment.objects.exists()
    with vendor_scope(other_shop):
        assert list(CustomerSegment.objects.values()) == before, "the other shop's segment"


# --- query budget ------------------------------------------------------------------------------

# session, user, vendor, vendor on platform, membership, count, vendor switcher (base template),
# tag choices, segment choices, the page, its prefetched tags
LIST_QUERIES = 11


@pytest.mark.parametrize("size", [5, 120])
def test_list_query_budget(manager_client, shop, size, django_assert_max_num_queries):
    vip = CustomerTagFactory(vendor=shop, name="vip")
    for index, customer in enumerate(CustomerFactory.create_batch(size, vendor=shop)):
        if index % 2:
            CustomerTaggingFactory(customer=customer, tag=vip)
    manager_client.get(LIST)  # warm caches
    with django_assert_max_num_queries(LIST_QUERIES):
        response = manager_client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["customers"]) == min(size, 50)


def test_vendor_sidebar_lists_customers_pages(manager_client, shop):
    body = manager_client.get(LIST).content.decode()
    assert 'data-module="customers"' in body
    assert 'href="/vendor/shop-a/customers/segments/"' in body


def test_export_refuses_an_invalid_filter(manager_client, data):
    response = manager_client.get(f"{LIST}export.csv", {"tag": data["their_vip"].pk})
    assert response.status_code == 400
    assert b"zzmarker" not in response.content
