"""The API's error bodies, pinned on the cases schemathesis found: every error is JSON, either
``{"detail": "…"}`` or per field, and the schema documents them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from modules.customers.factories import CustomerFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db

HOST = "acme.test"
CUSTOMERS = "/api/v1/vendor/shop/customers/"


@pytest.fixture
def api(platform: Any) -> APIClient:
    vendor = VendorFactory(code="shop", platforms=[platform])
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=vendor, role=Membership.Role.OWNER)
    client = APIClient(HTTP_HOST=HOST)
    client.force_authenticate(owner)
    return client


def test_a_tag_id_no_primary_key_can_hold_is_unknown_not_a_server_error(api: APIClient) -> None:
    customer = CustomerFactory(vendor__code="shop")
    huge = 2**63
    response = api.patch(f"{CUSTOMERS}{customer.pk}/", {"tags": [huge, -1]}, format="json")
    assert response.status_code == 400
    assert str(huge) in response.json()["tags"][0]


def test_a_nul_in_the_search_term_is_an_error_of_the_search_parameter(api: APIClient) -> None:
    response = api.get(CUSTOMERS, {"search": "a\x00b"})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/vendor/shop/team/not-a-number/", "/api/v1/no-such-module/", "/api/"],
)
def test_an_api_url_without_a_route_is_a_json_404(api: APIClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_page_without_a_route_keeps_the_html_404(platform: Any) -> None:
    response = Client(HTTP_HOST=HOST).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_documents_the_error_bodies(platform: Any) -> None:
    schema = Client(HTTP_HOST=HOST).get("/api/schema/", {"format": "json"}).json()
    customers = schema["paths"]["/api/v1/vendor/{vendor_code}/customers/"]
    error = {"$ref": "#/components/schemas/Error"}
    assert customers["get"]["responses"]["404"]["content"]["application/json"]["schema"] == error
    assert customers["post"]["responses"]["403"]["content"]["application/json"]["schema"] == error
    bad_request = customers["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/ValidationError"} in bad_request["oneOf"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
