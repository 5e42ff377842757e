"""Query budgets of the pages opened most: the staff dashboard and its module list, the vendor
portal's home, team and customer list, the storefront's home and a customer's account.

Each page is measured at a small data size, then again after the data grew about tenfold
(platforms, team members, invitations, customers with tags and addresses, the owner's other
shops, module audit entries). The query count must be the same at both sizes (a query per row,
N+1, makes it grow) and within the page's budget.

Every measured request follows a warm-up request to the same page, so the platform and its
modules resolve from the cache at no SQL cost (tests/orion_core/test_query_budget.py pins that
part); what a budget counts is the page itself:

- staff pages: the session, the user, every platform (the platform switcher), the chosen
  platform's module records; the dashboard adds its latest module audit entries.
- vendor portal pages: the session, the user, the vendor by code, the vendor on this platform,
  the user's membership, the vendor switcher (the user's shops here); the team page adds the
  members with their users and the pending invitations; the customer list adds the count, the
  page of customers, their tags (one prefetch) and the filter choices (tags, segments).
- storefront pages: the vendor by code, the vendor on this platform, the session, the logged-in
  customer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.customers.factories import (
    CUSTOMER_PASSWORD,
    CustomerAddressFactory,
    CustomerFactory,
    CustomerSegmentFactory,
    CustomerTagFactory,
)
from modules.customers.models import Customer
from modules.tenancy.factories import InvitationFactory, MembershipFactory, VendorFactory
from modules.tenancy.models import Invitation, Membership, Vendor
from modules.tenancy.scoping import scopes_disabled
from orion_core.models import Platform
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

HOST = "acme.test"
VENDOR = "alpha"
MODULES = ["billing", "catalog"]  # the same at both sizes: modules are configuration, not data


@dataclasses.dataclass(frozen=True)
class Size:
    """How many of each row exist in total at this size."""

    platforms: int
    members: int
    invitations: int
    customers: int
    shops_of_owner: int
    audit_rounds: int


SMALL = Size(platforms=3, members=2, invitations=1, customers=5, shops_of_owner=2, audit_rounds=1)
LARGE = Size(
    platforms=15, members=20, invitations=10, customers=200, shops_of_owner=5, audit_rounds=8
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
        pages must show it, or the large measurement would not measure the large data)."""
        with scopes_disabled():  # counting rows of every vendor
            self._grow_to(size)
        service = ModuleService()
        for _ in range(size.audit_rounds):
            service.enable(self.platform, "analytics", user=self.staff, source="test")
            service.disable(self.platform, "analytics", user=self.staff, source="test")

    def _grow_to(self, size: Size) -> None:
        while Platform.objects.count() < size.platforms:
            self.newest["platform"] = PlatformFactory(modules=["catalog"]).code
        while Membership.objects.filter(vendor=self.vendor).count() < size.members:
            self.newest["member"] = MembershipFactory(vendor=self.vendor).user.username
        while Invitation.objects.filter(vendor=self.vendor).count() < size.invitations:
            invitation = InvitationFactory(vendor=self.vendor, invited_by=self.owner)
            self.newest["invitation"] = invitation.email
        tags = [CustomerTagFactory(vendor=self.vendor), CustomerTagFactory(vendor=self.vendor)]
        CustomerSegmentFactory(vendor=self.vendor)
        while Customer.objects.filter(vendor=self.vendor).count() < size.customers:
            customer = CustomerFactory(vendor=self.vendor, tags=tags)
            CustomerAddressFactory(customer=customer)
            self.newest["customer"] = customer.email
        while Membership.objects.filter(user=self.owner).count() < size.shops_of_owner:
            shop = VendorFactory(platforms=[self.platform])
            MembershipFactory(vendor=shop, user=self.owner, role=Membership.Role.OWNER)
            self.newest["shop"] = shop.name


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    url: str
    visitor: str  # "staff", "owner" or "customer"
    budget: int
    shows: tuple[str, ...] = ()  # kinds of World.newest the page must show


PAGES = [
    Page("staff dashboard", "/dashboard/", "staff", 5, ("platform",)),
    Page("staff module list", "/dashboard/modules/", "staff", 4, ("platform",)),
    Page("vendor portal home", f"/vendor/{VENDOR}/", "owner", 6, ("shop",)),
    Page("vendor team", f"/vendor/{VENDOR}/team/", "owner", 8, ("member", "invitation")),
    Page("vendor customer list", f"/vendor/{VENDOR}/customers/", "owner", 11, ("customer",)),
    Page("storefront home", f"/shop/{VENDOR}/", "customer", 4),
    Page("storefront account", f"/shop/{VENDOR}/account/", "customer", 4),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(platform: Platform) -> World:
    ModuleService().enable(platform, MODULES[0], source="test")
    ModuleService().enable(platform, MODULES[1], source="test")
    vendor = VendorFactory(code=VENDOR, platforms=[platform])
    owner = UserFactory(username="owner")
    MembershipFactory(vendor=vendor, user=owner, role=Membership.Role.OWNER)
    CustomerFactory(vendor=vendor, email="ann@example.com")
    world = World(platform=platform, vendor=vendor, owner=owner, staff=StaffUserFactory())
    world.grow_to(SMALL)
    return world


def visitor(world: World, who: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    if who == "customer":
        login = {"email": "ann@example.com", "password": CUSTOMER_PASSWORD}
        assert client.post(f"/shop/{VENDOR}/account/login/", login).status_code == 302
    else:
        client.force_login(world.staff if who == "staff" else world.owner)
    return client


def measure(client: Client, page: Page, world: World) -> list[str]:
    """The SQL of one request to the page, after a warm-up request to it."""
    assert client.get(page.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    for kind in page.shows:
        assert world.newest[kind] in body, f"{page.name} does not show the newest {kind}"
    return [query["sql"] for query in captured.captured_queries]


def listing(queries: list[str]) -> str:
    return "\n".join(f"  {sql[:160]}" for sql in queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_costs_the_same_queries_at_both_sizes(world: World, page: Page) -> None:
    client = visitor(world, page.visitor)
    small = measure(client, page, world)
    world.grow_to(LARGE)
    large = measure(client, page, world)
    assert len(large) == len(small), (
        f"{page.name}: {len(small)} queries at the small size, {len(large)} at the large one "
        f"(a query per row?):\n{listing(large)}"
    )
    assert len(large) <= page.budget, (
        f"{page.name}: {len(large)} queries, budget {page.budget}:\n{listing(large)}"
    )


def test_every_page_of_the_issue_has_a_budget() -> None:
    """The issue names these pages; dropping one from PAGES must be a visible decision."""
    assert {page.name for page in PAGES} == {
        "staff dashboard",
        "staff module list",
        "vendor portal home",
        "vendor team",
        "vendor customer list",
        "storefront home",
        "storefront account",
    }
