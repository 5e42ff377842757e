"""Taking access away works on the very next request, on pages and on the API.

The tenant guard (``modules.tenancy.resolution.VendorGuard``) decides every request from the
membership and the vendor's status, read through the shared cache (``modules.tenancy.cache``).
These tests change that state the way the product does (``services.remove_member``, the team
page, the team API, ``signup.suspend``, a saved status) and check the next request of the same,
still logged-in client, by session and by API token. Each change commits with its on-commit
callbacks run, as in production, where they make the cache stale; the ``warm`` cases request
everything once before the change, so a stale cached answer would be served.

What each test catches (each was run against the mutation and failed):

- a removed member: the membership lookup ignoring ``Membership.status`` (``membership_of``,
  now ``cache._load_membership``); warm, also a membership change that does not make the
  cache stale;
- a suspended vendor: ``vendor_on_platform`` ignoring ``Vendor.status`` (suspended everywhere)
  or the ``VendorPlatform`` status (suspended on this platform); warm, also a vendor or
  vendor-platform change that does not make the cache stale;
- a pending vendor: ``vendor_on_platform`` ignoring ``active_only`` (the storefront would open).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from modules.customers.factories import CustomerFactory
from modules.customers.models import Customer
from modules.tenancy import services, signup
from modules.tenancy.factories import (
    MembershipFactory,
    VendorDomainFactory,
    VendorFactory,
    VendorPlatformFactory,
)
from modules.tenancy.models import Invitation, Membership, Vendor, VendorPlatform
from orion_core.testing import StaffUserFactory
from tests.modules.tenancy.conftest import HOST, member

pytestmark = pytest.mark.django_db
Role = Membership.Role
VENDOR_HOST = "shop.alpha.example"


def portal_pages(vendor: Vendor) -> list[str]:
    return [f"/vendor/{vendor.code}/", f"/vendor/{vendor.code}/team/"]


def api_urls(vendor: Vendor) -> list[str]:
    return [f"/api/v1/vendor/{vendor.code}/team/", f"/api/v1/vendor/{vendor.code}/customers/"]


def storefront_pages(vendor: Vendor) -> list[str]:
    return [f"/shop/{vendor.code}/", f"/shop/{vendor.code}/account/login/"]


def client_of(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def token_client(user) -> Client:
    """An API client that authenticates with a token, not a session."""
    token = Token.objects.create(user=user)
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token.key}")


def statuses(client: Client, urls: list[str]) -> dict[str, int]:
    return {url: client.get(url).status_code for url in urls}


def assert_json_404(response) -> None:
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def membership(user, vendor: Vendor) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(user=user, vendor=vendor)


# --- a removed member -------------------------------------------------------------------------


def remove_with_the_service(owner, gone, vendor, commit) -> None:
    with commit(execute=True):
        services.remove_member(membership(gone, vendor), actor=owner)


def remove_on_the_team_page(owner, gone, vendor, commit) -> None:
    url = f"/vendor/{vendor.code}/team/members/{membership(gone, vendor).pk}/remove/"
    with commit(execute=True):
        assert client_of(owner).post(url).status_code == 302


def remove_through_the_api(owner, gone, vendor, commit) -> None:
    url = f"/api/v1/vendor/{vendor.code}/team/{membership(gone, vendor).pk}/"
    with commit(execute=True):
        assert client_of(owner).delete(url).status_code == 204


REMOVALS = {
    "service": remove_with_the_service,
    "team page": remove_on_the_team_page,
    "team API": remove_through_the_api,
}


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("how", sorted(REMOVALS))
def test_a_removed_member_loses_the_portal_and_the_api_on_the_next_request(
    vendor, owner, django_capture_on_commit_callbacks, how, warm
):
    gone = member(vendor, Role.MANAGER, username="gone")
    session, token = client_of(gone), token_client(gone)
    pages, apis = portal_pages(vendor), api_urls(vendor)
    if warm:
        assert set(statuses(session, pages + apis).values()) == {200}
        assert set(statuses(token, apis).values()) == {200}
        assert f'href="/vendor/{vendor.code}/"' in session.get("/accounts/home/").content.decode()

    REMOVALS[how](owner, gone, vendor, django_capture_on_commit_callbacks)

    assert membership(gone, vendor).status == Membership.Status.REMOVED
    assert statuses(session, pages) == dict.fromkeys(pages, 404)
    for url in apis:
        assert_json_404(session.get(url))
        assert_json_404(token.get(url))
    # Nor may the removed member still act: the invitation is refused before the view runs.
    invite = {"email": "friend@example.com", "role": "staff"}
    assert session.post(f"/vendor/{vendor.code}/team/invite/", invite).status_code == 404
    response = token.post(
        f"/api/v1/vendor/{vendor.code}/team/invitations/", invite, content_type="application/json"
    )
    assert_json_404(response)
    with scopes_disabled():
        assert not Invitation.objects.filter(email="friend@example.com").exists()
    # The vendor is gone from their home page, while the team keeps its access.
    assert f'href="/vendor/{vendor.code}/"' not in session.get("/accounts/home/").content.decode()
    assert set(statuses(client_of(owner), pages + apis).values()) == {200}


def test_a_removed_member_of_one_team_keeps_the_other(
    vendor, other_vendor, owner, django_capture_on_commit_callbacks
):
    both = member(vendor, Role.STAFF, username="both")
    MembershipFactory(user=both, vendor=other_vendor, role=Role.STAFF)
    client = client_of(both)
    assert set(statuses(client, portal_pages(vendor) + portal_pages(other_vendor)).values()) == {
        200
    }
    remove_with_the_service(owner, both, vendor, django_capture_on_commit_callbacks)
    assert set(statuses(client, portal_pages(vendor)).values()) == {404}
    assert set(statuses(client, portal_pages(other_vendor) + api_urls(other_vendor)).values()) == {
        200
    }


# --- a suspended vendor -------------------------------------------------------------------------


def suspend_everywhere(vendor: Vendor, platform) -> None:
    """The vendor's own status, saved; its place on the platform stays active."""
    vendor.status = Vendor.Status.SUSPENDED
    vendor.save()


def suspend_on_this_platform(vendor: Vendor, platform) -> None:
    """Its place on the platform, saved; the vendor itself stays active."""
    with scopes_disabled():
        place = VendorPlatform.objects.get(vendor=vendor, platform=platform)
    place.status = Vendor.Status.SUSPENDED
    place.save()


def suspend_by_staff(vendor: Vendor, platform) -> None:
    """What the staff dashboard's "suspend" does."""
    signup.suspend(vendor, platform)


SUSPENSIONS = {
    "everywhere": suspend_everywhere,
    "on this platform": suspend_on_this_platform,
    "by staff": suspend_by_staff,
}


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("how", sorted(SUSPENSIONS))
def test_a_suspended_vendor_loses_portal_api_and_storefront_on_the_next_request(
    platform, vendor, owner, django_capture_on_commit_callbacks, how, warm
):
    VendorDomainFactory(vendor=vendor, domain=VENDOR_HOST, verified_at=timezone.now())
    CustomerFactory(vendor=vendor, email="ann@example.com")
    session, token, visitor = client_of(owner), token_client(owner), Client(HTTP_HOST=HOST)
    pages, apis, shop = portal_pages(vendor), api_urls(vendor), storefront_pages(vendor)
    if warm:
        assert set(statuses(session, pages + apis).values()) == {200}
        assert set(statuses(token, apis).values()) == {200}
        assert set(statuses(visitor, shop).values()) == {200}
        assert visitor.get("/", HTTP_HOST=VENDOR_HOST).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        SUSPENSIONS[how](vendor, platform)

    assert statuses(session, pages) == dict.fromkeys(pages, 404)
    for url in apis:
        assert_json_404(session.get(url))
        assert_json_404(token.get(url))
    assert statuses(visitor, shop) == dict.fromkeys(shop, 404)
    assert visitor.get("/", HTTP_HOST=VENDOR_HOST).status_code == 404, "its own domain"
    # Writes are refused too, before any view runs.
    response = session.post(f"/vendor/{vendor.code}/settings/", {"name": "Still open?"})
    assert response.status_code == 404
    vendor.refresh_from_db()
    assert vendor.name == "Alpha Shop"
    # The vendor is gone from the owner's home page; staff, who may act on any vendor, do not
    # get into a closed one either.
    assert f'href="/vendor/{vendor.code}/"' not in session.get("/accounts/home/").content.decode()
    assert statuses(client_of(StaffUserFactory()), pages) == dict.fromkeys(pages, 404)


def test_suspending_one_vendor_leaves_the_others_open(
    platform, vendor, other_vendor, owner, django_capture_on_commit_callbacks
):
    MembershipFactory(user=owner, vendor=other_vendor, role=Role.OWNER)
    client = client_of(owner)
    with django_capture_on_commit_callbacks(execute=True):
        signup.suspend(vendor, platform)
    assert set(statuses(client, portal_pages(vendor)).values()) == {404}
    assert set(statuses(client, portal_pages(other_vendor) + api_urls(other_vendor)).values()) == {
        200
    }
    assert set(statuses(Client(HTTP_HOST=HOST), storefront_pages(other_vendor)).values()) == {200}


# --- a pending vendor ---------------------------------------------------------------------------


def pending_everywhere(platform) -> Vendor:
    """Signed up, not approved yet: pending itself and on the platform."""
    vendor = VendorFactory(code="newcomer", name="Newcomer", status=Vendor.Status.PENDING)
    VendorPlatformFactory(vendor=vendor, platform=platform, status=Vendor.Status.PENDING)
    return vendor


def pending_vendor_active_on_platform(platform) -> Vendor:
    vendor = VendorFactory(code="newcomer", name="Newcomer", status=Vendor.Status.PENDING)
    VendorPlatformFactory(vendor=vendor, platform=platform, status=Vendor.Status.ACTIVE)
    return vendor


def active_vendor_pending_on_platform(platform) -> Vendor:
    """Selling elsewhere already, waiting for approval on this platform."""
    vendor = VendorFactory(code="newcomer", name="Newcomer", status=Vendor.Status.ACTIVE)
    VendorPlatformFactory(vendor=vendor, platform=platform, status=Vendor.Status.PENDING)
    return vendor


PENDING = {
    "pending everywhere": pending_everywhere,
    "pending, active on the platform": pending_vendor_active_on_platform,
    "active, pending on the platform": active_vendor_pending_on_platform,
}


@pytest.mark.parametrize("case", sorted(PENDING))
def test_a_pending_vendor_has_a_portal_but_no_storefront(
    platform, django_capture_on_commit_callbacks, case
):
    vendor = PENDING[case](platform)
    owner = member(vendor, Role.OWNER)
    session, token, visitor = client_of(owner), token_client(owner), Client(HTTP_HOST=HOST)
    pages, apis, shop = portal_pages(vendor), api_urls(vendor), storefront_pages(vendor)

    # The team prepares the shop: portal pages and API are open, to them only.
    assert statuses(session, pages + apis) == dict.fromkeys(pages + apis, 200)
    assert statuses(token, apis) == dict.fromkeys(apis, 200)
    outsider = client_of(member(VendorFactory(platforms=[platform]), Role.OWNER))
    assert statuses(outsider, pages) == dict.fromkeys(pages, 404)
    # Buyers see nothing yet, logged in or not, on the page or the account pages.
    assert statuses(visitor, shop) == dict.fromkeys(shop, 404)
    assert statuses(session, shop) == dict.fromkeys(shop, 404)
    signup_data = {"email": "early@example.com", "password1": "x" * 12, "password2": "x" * 12}
    assert visitor.post(f"/shop/{vendor.code}/account/signup/", signup_data).status_code == 404
    with scopes_disabled():
        assert not Customer.objects.filter(vendor=vendor).exists()

    # Approval opens the storefront on the next request.
    with django_capture_on_commit_callbacks(execute=True):
        signup.approve(vendor, platform)
    assert statuses(visitor, shop) == dict.fromkeys(shop, 200)
    assert statuses(session, pages + apis) == dict.fromkeys(pages + apis, 200)
