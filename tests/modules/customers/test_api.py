"""The customers API: /api/v1/vendor/<code>/customers/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from modules.customers.factories import CustomerFactory, CustomerTagFactory
from modules.customers.models import Customer
from modules.tenancy.scoping import vendor_scope
from tests.modules.customers.conftest import HOST, team_member

pytestmark = pytest.mark.django_db

URL = "/api/v1/vendor/shop-a/customers/"


def api_client(user=None):
    client = APIClient(HTTP_HOST=HOST)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api(manager):
    return api_client(manager)


def test_list_is_paginated_searchable_and_vendor_only(api, shop, other_shop):
    CustomerFactory(vendor=shop, email="findme@a.example", tags=[CustomerTagFactory(vendor=shop)])
    CustomerFactory(vendor=shop, email="other@a.example")
    CustomerFactory(vendor=other_shop, email="findme@b.example")
    response = api.get(URL)
    assert response.status_code == 200
    assert response.data["count"] == 2
    assert {c["email"] for c in response.data["results"]} == {
        "findme@a.example",
        "other@a.example",
    }
    assert "password" not in response.data["results"][0]
    response = api.get(URL, {"search": "findme"})
    assert [c["email"] for c in response.data["results"]] == ["findme@a.example"]


def test_retrieve_and_other_vendors_customer_is_404(api, shop, other_shop):
    mine = CustomerFactory(vendor=shop)
    theirs = CustomerFactory(vendor=other_shop)
    response = api.get(f"{URL}{mine.pk}/")
    assert response.status_code == 200
    assert response.data["email"] == mine.email
    with vendor_scope(other_shop):
        before = Customer.objects.filter(pk=theirs.pk).values().get()
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.patch(f"{URL}{theirs.pk}/", {"first_name": "X"}, format="json").status_code == 404
    with vendor_scope(other_shop):
        assert Customer.objects.filter(pk=theirs.pk).values().get() == before


def test_create_with_tags_by_name_and_id(api, shop):
    vip = CustomerTagFactory(vendor=shop, name="vip")
    response = api.post(
        URL,
        {
            "email": "New@Example.com",
            "first_name": "Nia",
            "marketing_consent": True,
            "tags": [vip.pk, "wholesale"],
            "password": "a-much-better-Passw0rd",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["email"] == "new@example.com"
    assert sorted(response.data["tags"]) == ["vip", "wholesale"]
    assert response.data["marketing_consent_at"] is not None
    with vendor_scope(shop):
        customer = Customer.objects.get(email="new@example.com")
        assert customer.check_password("a-much-better-Passw0rd")
        assert {t.vendor_id for t in customer.tags.all()} == {shop.pk}


def test_create_field_errors(api, shop):
    CustomerFactory(vendor=shop, email="taken@example.com")
    response = api.post(URL, {"email": "TAKEN@example.com"}, format="json")
    assert response.status_code == 400
    assert response.data["email"] == ["A customer with this e-mail already exists."]
    response = api.post(URL, {"email": "not-an-email", "password": "123"}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"email", "password"}
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400 and "email" in response.data


def test_same_email_at_another_vendor_is_fine(api, shop, other_shop):
    CustomerFactory(vendor=other_shop, email="twin@example.com")
    assert api.post(URL, {"email": "twin@example.com"}, format="json").status_code == 201


def test_another_vendors_tag_id_is_rejected(api, shop, other_shop):
    foreign = CustomerTagFactory(vendor=other_shop, name="vip")
    customer = CustomerFactory(vendor=shop)
    response = api.post(URL, {"email": "x@example.com", "tags": [foreign.pk]}, format="json")
    assert response.status_code == 400
    assert response.data["tags"] == [f"Unknown tag id(s): {foreign.pk}."]
    response = api.patch(f"{URL}{customer.pk}/", {"tags": [foreign.pk]}, format="json")
    assert response.status_code == 400
    with vendor_scope(shop):
        assert not Customer.objects.filter(email="x@example.com").exists()
        assert not customer.tags.exists()
    response = api.patch(f"{URL}{customer.pk}/", {"tags": [True, {"id": 1}]}, format="json")
    assert response.status_code == 400 and "tags" in response.data


def test_partial_update(api, shop):
    customer = CustomerFactory(vendor=shop, email="p@example.com")
    other = CustomerFactory(vendor=shop, email="q@example.com")
    response = api.patch(
        f"{URL}{customer.pk}/",
        {"last_name": "Patched", "marketing_consent": True, "tags": ["gold"]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["last_name"] == "Patched"
    assert response.data["tags"] == ["gold"]
    assert response.data["marketing_consent_at"] is not None
    response = api.patch(f"{URL}{customer.pk}/", {"email": other.email}, format="json")
    assert response.status_code == 400 and "email" in response.data
    response = api.patch(f"{URL}{customer.pk}/", {"orders_count": 99}, format="json")
    assert response.status_code == 200 and response.data["orders_count"] == 0  # read-only
    assert api.put(f"{URL}{customer.pk}/", {"email": "z@example.com"}).status_code == 405


def test_permissions(shop, other_shop, viewer):
    customer = CustomerFactory(vendor=shop)
    assert api_client().get(URL).status_code in (401, 403, 404)
    reader = api_client(viewer)
    assert reader.get(URL).status_code == 200
    assert reader.get(f"{URL}{customer.pk}/").status_code == 200
    assert reader.post(URL, {"email": "v@example.com"}, format="json").status_code == 403
    assert reader.patch(f"{URL}{customer.pk}/", {"phone": "1"}, format="json").status_code == 403
    outsider = api_client(team_member(other_shop, "owner"))
    assert outsider.get(URL).status_code == 404
