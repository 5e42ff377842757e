"""Query budgets of the API list endpoints: a vendor's customers, team members and invitations,
and the staff API's module list of a platform.

Each endpoint is measured at a small data size, then again after the data grew (customers with
tags and addresses, team members, invitations; for the module list: more platforms, every
optional module enabled, more audit entries). The query count must be the same at both sizes
(a query per row, N+1, makes it grow) and within the endpoint's budget. API clients send a
token (``Authorization: Token …``), as integrations do.

Every measured request follows a warm-up request to the same URL, so the platform and its
modules resolve from the cache at no SQL cost; what a budget counts is the endpoint itself:

- vendor API lists: the token with its user (one join); then the list's count and its page;
  customers add their tags (one prefetch), team members come with their users (one join). The
  vendor by code, its platforms and the caller's membership come from the shared cache
  (``modules.tenancy.cache``): no SQL when warm (before that cache they cost 3 more).
- the staff module list: the token with its user, the platform by code, its module records.

The budgets are in ``BUDGETS`` below: lower one when an endpoint gets cheaper.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from modules.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerTagFactory,
)
from modules.customers.models import Customer
from modules.tenancy.factories import InvitationFactory, MembershipFactory, VendorFactory
from modules.tenancy.models import Invitation, Membership, Vendor
from modules.tenancy.scoping import scopes_disabled
from orion_core.models import Platform
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

HOST = "acme.test"
VENDOR = "alpha"

# The budgets, in one place: SQL queries of one warm request to each endpoint.
BUDGETS = {
    "customers": 4,
    "team": 3,
    "invitations": 3,
    "admin modules": 3,
}


@dataclasses.dataclass(frozen=True)
class Size:
    """How many of each row exist in total at this size."""

    customers: int
    tags_per_customer: int
    members: int
    invitations: int
    platforms: int
    optional_modules: int | None  # enabled on the measured platform; None: all of them
    audit_rounds: int


SMALL = Size(
    customers=3,
    tags_per_customer=1,
    members=2,
    invitations=1,
    platforms=2,
    optional_modules=1,
    audit_rounds=1,
)
LARGE = Size(
    customers=120,
    tags_per_customer=3,
    members=40,
    invitations=30,
    platforms=20,
    optional_modules=None,
    audit_rounds=6,
)


@dataclasses.dataclass
class World:
    platform: Platform
    vendor: Vendor
    owner: Any
    staff: Any
    newest: dict[str, str] = dataclasses.field(default_factory=dict)

    def grow_to(self, size: Size) -> None:
        """Add rows until there are ``size`` of each; remember the newest of each kind (the
        response must show it, or the large measurement would not measure the large data)."""
        with scopes_disabled():  # counting rows of every vendor
            self._grow_to(size)
        service, registry = ModuleService(), get_registry()
        for _ in range(size.audit_rounds):
            service.enable(self.platform, "analytics", user=self.staff, source="test")
            service.disable(self.platform, "analytics", user=self.staff, source="test")
        optional = registry.codes_by_tier("optional")[: size.optional_modules]
        for code in optional:
            service.enable(self.platform, code, user=self.staff, source="test")
        self.newest["module"] = optional[-1]

    def _grow_to(self, size: Size) -> None:
        tags = [CustomerTagFactory(vendor=self.vendor) for _ in range(size.tags_per_customer)]
        while Customer.objects.filter(vendor=self.vendor).count() < size.customers:
            customer = CustomerFactory(vendor=self.vendor, tags=tags)
            CustomerAddressFactory(customer=customer)
            self.newest["customer"] = customer.email
        while Membership.objects.filter(vendor=self.vendor).count() < size.members:
            self.newest["member"] = MembershipFactory(vendor=self.vendor).user.username
        while Invitation.objects.filter(vendor=self.vendor).count() < size.invitations:
            invitation = InvitationFactory(vendor=self.vendor, invited_by=self.owner)
            self.newest["invitation"] = invitation.email
        while Platform.objects.count() < size.platforms:
            PlatformFactory(modules=["catalog"])


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    caller: str  # "owner" or "staff"
    shows: str  # the kind of World.newest the response must show (for modules: as enabled)

    @property
    def budget(self) -> int:
        return BUDGETS[self.name]


ENDPOINTS = [
    Endpoint("customers", f"/api/v1/vendor/{VENDOR}/customers/", "owner", "customer"),
    Endpoint("team", f"/api/v1/vendor/{VENDOR}/team/", "owner", "member"),
    Endpoint("invitations", f"/api/v1/vendor/{VENDOR}/team/invitations/", "owner", "invitation"),
    Endpoint("admin modules", "/api/v1/admin/platforms/acme/modules/", "staff", "module"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(platform: Platform) -> World:
    vendor = VendorFactory(code=VENDOR, platforms=[platform])
    owner = UserFactory(username="owner")
    MembershipFactory(vendor=vendor, user=owner, role=Membership.Role.OWNER)
    world = World(platform=platform, vendor=vendor, owner=owner, staff=StaffUserFactory())
    world.grow_to(SMALL)
    return world


def caller(world: World, who: str) -> Client:
    token = Token.objects.create(user=world.staff if who == "staff" else world.owner)
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token.key}")


def measure(client: Client, endpoint: Endpoint, world: World) -> list[str]:
    """The SQL of one request to the endpoint, after a warm-up request to it."""
    assert client.get(endpoint.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(endpoint.url)
    assert response.status_code == 200
    newest, data = world.newest[endpoint.shows], response.json()
    if endpoint.shows == "module":
        shown = any(m["code"] == newest and m["enabled"] for m in data)
    else:
        shown = newest in response.content.decode() and data["count"] >= 1
    assert shown, f"{endpoint.name}: the newest {endpoint.shows} ({newest}) is not shown"
    return [query["sql"] for query in captured.captured_queries]


def listing(queries: list[str]) -> str:
    return "\n".join(f"  {sql[:160]}" for sql in queries)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_api_list_costs_the_same_queries_at_both_sizes(world: World, endpoint: Endpoint) -> None:
    client = caller(world, endpoint.caller)
    small = measure(client, endpoint, world)
    world.grow_to(LARGE)
    large = measure(client, endpoint, world)
    assert len(large) == len(small), (
        f"{endpoint.name}: {len(small)} queries at the small size, {len(large)} at the large "
        f"one (a query per row?):\n{listing(large)}"
    )
    assert len(large) <= endpoint.budget, (
        f"{endpoint.name}: {len(large)} queries, budget {endpoint.budget}:\n{listing(large)}"
    )


def test_every_endpoint_of_the_issue_has_a_budget() -> None:
    assert (
        {endpoint.name for endpoint in ENDPOINTS}
        == set(BUDGETS)
        == {
            "customers",
            "team",
            "invitations",
            "admin modules",
        }
    )


# --- a host that is no platform -----------------------------------------------------------------

# Anonymous requests on a host no platform (and no vendor domain) answers: the platform lookup,
# the vendor-domain route, then the answer (mostly a 404; the login page is served anywhere).
UNKNOWN_HOST_URLS = [
    "/",
    "/pages/about/",
    "/accounts/login/",
    f"/vendor/{VENDOR}/",
    f"/api/v1/vendor/{VENDOR}/team/",
    f"/shop/{VENDOR}/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", UNKNOWN_HOST_URLS)
def test_a_warm_request_on_an_unknown_host_makes_no_sql(world: World, settings, url: str) -> None:
    """No platform here and no default to fall back on (``ORION_DEFAULT_PLATFORM=""``, as in
    production): once the negative answers are cached, a request costs no SQL at all."""
    settings.ORION_DEFAULT_PLATFORM = ""
    client = Client(HTTP_HOST="unknown.example")
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    assert cold.captured_queries, "the cold request should have asked the database"
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url)
    assert second.status_code == first.status_code
    assert second.wsgi_request.platform is None
    assert len(warm.captured_queries) == 0, listing(
        [query["sql"] for query in warm.captured_queries]
    )
