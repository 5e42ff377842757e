"""The vendor portal pages: dashboard, team, settings, login, the vendor switcher."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.tenancy.factories import InvitationFactory, MembershipFactory, VendorDomainFactory
from modules.tenancy.models import Invitation, Membership, Vendor, VendorDomain
from orion_core.testing import StaffUserFactory, UserFactory, override_module
from tests.modules.tenancy.conftest import member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def team_url(vendor, suffix=""):
    return f"/vendor/{vendor.code}/team/{suffix}"


def test_anonymous_visitors_are_sent_to_the_login_page(web, vendor):
    response = web.get(f"/vendor/{vendor.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/vendor/alpha/")


def test_login_leads_to_the_first_vendor_portal(web, vendor, owner):
    page = web.get("/accounts/login/")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    response = web.post(
        "/accounts/login/",
        {"username": "olivia", "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/vendor/alpha/"
    assert b"Alpha Shop" in response.content
    assert web.post("/accounts/logout/").status_code == 302
    assert web.get("/vendor/alpha/").status_code == 302


def test_staff_land_on_the_dashboard_and_home_lists_where_to_go(web, platform, vendor, owner):
    StaffUserFactory(username="sam")
    response = web.post(
        "/accounts/login/", {"username": "sam", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    home = web.get("/accounts/home/")
    assert home.status_code == 200 and 'href="/dashboard/"' in home.content.decode()
    web.force_login(owner)
    assert 'href="/vendor/alpha/"' in web.get("/accounts/home/").content.decode()
    web.force_login(UserFactory())
    assert b"No team yet" in web.get("/accounts/home/").content
    web.logout()
    assert web.get("/accounts/home/")["Location"].startswith("/accounts/login/")


def test_logout_asks_on_get_and_acts_on_post(login, vendor, owner):
    client = login(owner)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    assert client.get("/vendor/alpha/").status_code == 200, "GET did not log out"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/vendor/alpha/").status_code == 302


def test_dashboard_shows_vendor_and_role(login, vendor, manager):
    response = login(manager).get(f"/vendor/{vendor.code}/")
    assert response.status_code == 200
    assert b"Alpha Shop" in response.content and b"Your role: manager" in response.content
    assert response.context["role"] == Role.MANAGER


def test_a_non_member_gets_404_and_staff_get_in(login, vendor, other_vendor):
    outsider = member(other_vendor, Role.OWNER)
    assert login(outsider).get(f"/vendor/{vendor.code}/").status_code == 404
    assert login(outsider).get("/vendor/nosuchvendor/").status_code == 404
    assert login(StaffUserFactory()).get(team_url(vendor)).status_code == 200


def test_a_suspended_vendor_is_closed(login, vendor, owner):
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)
    assert login(owner).get(f"/vendor/{vendor.code}/").status_code == 404


def test_team_page_lists_members_and_invitations(login, vendor, owner, viewer):
    InvitationFactory(vendor=vendor, email="pending@example.com")
    response = login(viewer).get(team_url(vendor))
    body = response.content.decode()
    assert response.status_code == 200
    assert "olivia" in body and "vera" in body and "pending@example.com" in body
    assert "Send invitation" not in body, "a viewer may not manage"
    response = login(owner).get(team_url(vendor))
    assert "Send invitation" in response.content.decode()


def test_invite_from_the_team_page(login, vendor, owner, django_capture_on_commit_callbacks):
    from django.core import mail

    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(vendor, "invite/"), {"email": "n@example.com", "role": "staff"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "http://acme.test/vendor/invitations/" in mail.outbox[0].body
    # Errors come back on the team page with the form's field errors.
    response = client.post(team_url(vendor, "invite/"), {"email": "n@example.com", "role": "staff"})
    assert response.status_code == 400
    assert "email" in response.context["invite_form"].errors
    response = client.post(team_url(vendor, "invite/"), {"email": "bad", "role": "staff"})
    assert response.status_code == 400 and "email" in response.context["invite_form"].errors


def test_a_manager_is_not_offered_owner(login, vendor, manager):
    response = login(manager).post(
        team_url(vendor, "invite/"), {"email": "n@example.com", "role": "owner"}
    )
    assert response.status_code == 400 and "role" in response.context["invite_form"].errors


def test_change_role_and_remove_from_the_page(login, vendor, owner, staff_member):
    client = login(owner)
    with scopes_disabled():
        target = Membership.objects.get(user=staff_member)
        own = Membership.objects.get(user=owner)
    response = client.post(team_url(vendor, f"members/{target.pk}/role/"), {"role": "manager"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.MANAGER
    response = client.post(
        team_url(vendor, f"members/{own.pk}/role/"), {"role": "viewer"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    response = client.post(team_url(vendor, f"members/{own.pk}/remove/"), follow=True)
    assert "last owner" in response.content.decode()
    client.post(team_url(vendor, f"members/{target.pk}/remove/"))
    target.refresh_from_db()
    assert target.status == Membership.Status.REMOVED
    assert client.get(team_url(vendor, f"members/{target.pk}/role/")).status_code == 405


def test_revoke_from_the_page(login, vendor, owner):
    invitation = InvitationFactory(vendor=vendor)
    response = login(owner).post(team_url(vendor, f"invitations/{invitation.pk}/revoke/"))
    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.get().revoked_at is not None


def test_another_vendors_ids_are_not_found(login, vendor, other_vendor, owner):
    theirs = MembershipFactory(vendor=other_vendor, role=Role.STAFF)
    their_invitation = InvitationFactory(vendor=other_vendor)
    client = login(owner)
    assert (
        client.post(team_url(vendor, f"members/{theirs.pk}/role/"), {"role": "viewer"}).status_code
        == 404
    )
    assert client.post(team_url(vendor, f"members/{theirs.pk}/remove/")).status_code == 404
    assert (
        client.post(team_url(vendor, f"invitations/{their_invitation.pk}/revoke/")).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert (theirs.role, theirs.status) == (Role.STAFF, Membership.Status.ACTIVE)
    their_invitation.refresh_from_db()
    assert (their_invitation.revoked_at, their_invitation.accepted_at) == (None, None)


def test_settings_profile_and_domains(login, vendor, owner, other_vendor):
    VendorDomainFactory(vendor=other_vendor, domain="taken.example.com")
    client = login(owner)
    url = f"/vendor/{vendor.code}/settings/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Alpha Two", "contact_email": "a@alpha.example", "primary_colour": "#0B5FFF"}
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.name, vendor.theme["primary"]) == ("Alpha Two", "#0b5fff")
    response = client.post(url, {"name": "X", "primary_colour": "blue"})
    assert (
        response.status_code == 400 and "primary_colour" in response.context["profile_form"].errors
    )
    response = client.post(f"{url}domains/", {"domain": "Shop.Alpha.Example."})
    assert response.status_code == 302
    with scopes_disabled():
        domain = VendorDomain.objects.get(vendor=vendor)
    assert domain.domain == "shop.alpha.example"
    page = client.get(url).content.decode()
    assert domain.verification_token in page and "not verified yet" in page
    assert "taken.example.com" not in page
    for bad in ("taken.example.com", "not a domain", "localhost"):
        response = client.post(f"{url}domains/", {"domain": bad})
        assert response.status_code == 400, bad


def test_vendor_switcher(login, platform, vendor, other_vendor):
    user = member(vendor, Role.OWNER)
    MembershipFactory(user=user, vendor=other_vendor, role=Role.VIEWER)
    InvitationFactory(vendor=vendor, email="only-alpha@example.com")
    InvitationFactory(vendor=other_vendor, email="only-beta@example.com")
    client = login(user)
    alpha = client.get(team_url(vendor)).content.decode()
    assert 'href="/vendor/beta/team/"' in alpha, "links to the same page of the other vendor"
    assert "only-alpha@example.com" in alpha and "only-beta@example.com" not in alpha
    beta = client.get(team_url(other_vendor)).content.decode()
    assert 'href="/vendor/alpha/team/"' in beta
    assert "only-beta@example.com" in beta and "only-alpha@example.com" not in beta
    # A page that takes other arguments falls back to the other vendor's dashboard; a vendor
    # not on this platform is not offered.
    from modules.tenancy.factories import VendorFactory
    from orion_core.testing import PlatformFactory

    elsewhere = VendorFactory(code="gamma", platforms=[PlatformFactory()])
    MembershipFactory(user=user, vendor=elsewhere)
    assert "/vendor/gamma/" not in client.get(f"/vendor/{vendor.code}/").content.decode()
    assert 'href="/vendor/beta/"' in client.get(f"/vendor/{vendor.code}/").content.decode()


# Session, user, vendor, vendor on platform, membership, members, invitations, switcher, plus
# whatever the menu and context providers of the enabled modules read: the same at any size.
TEAM_PAGE_QUERIES = 8


@pytest.mark.parametrize("size", ["small", "large"])
def test_team_page_query_budget(login, vendor, owner, size, django_assert_max_num_queries):
    if size == "large":
        for _ in range(60):
            MembershipFactory(vendor=vendor, role=Role.STAFF)
        for _ in range(30):
            InvitationFactory(vendor=vendor)
    else:
        MembershipFactory(vendor=vendor, role=Role.STAFF)
        MembershipFactory(vendor=vendor, role=Role.VIEWER)
        InvitationFactory(vendor=vendor)
    client = login(owner)
    client.get(team_url(vendor))  # warm caches (platform state, provider resolution)
    with django_assert_max_num_queries(TEAM_PAGE_QUERIES):
        response = client.get(team_url(vendor))
    assert response.status_code == 200
    assert len(response.context["rows"]) == (61 if size == "large" else 3)


def test_the_sidebar_shows_the_pages_the_role_may_open(login, vendor, viewer, manager):
    page = login(viewer).get(f"/vendor/{vendor.code}/").content.decode()
    assert 'href="/vendor/alpha/team/"' in page
    assert 'href="/vendor/alpha/settings/"' not in page
    page = login(manager).get(f"/vendor/{vendor.code}/team/").content.decode()
    assert 'id="menu-vendor"' in page and 'href="/vendor/alpha/settings/"' in page


@pytest.mark.django_db
def test_team_page_explains_roles_from_the_enabled_modules(login, platform, vendor, viewer):
    """The matrix is built from module declarations: billing's permissions appear only while
    billing is on, and each role's column matches what the role is granted."""
    page = login(viewer).get(team_url(vendor)).content.decode()
    assert 'id="permission-teammanage"' in page
    assert 'id="permission-billingview"' not in page

    with override_module(platform, "billing"):
        response = login(viewer).get(team_url(vendor))
    matrix = {row["code"]: row["held"] for row in response.context["role_matrix"]}
    # Columns: owner, manager, staff, viewer.
    assert matrix["billing.view"] == [True, True, True, True]
    assert matrix["billing.manage"] == [True, True, False, False]
    assert matrix["team.manage"] == [True, True, False, False]
