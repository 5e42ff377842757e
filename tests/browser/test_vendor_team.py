"""A vendor owner invites a viewer in a real browser: log in, invite from the team page, the
e-mailed link opens in another browser, the invitee creates an account and lands in the portal,
whose sidebar shows only what the viewer role grants."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Invitation, Membership
from modules.tenancy.roles import permissions_for
from orion_core.menus import declared_items
from orion_core.modules import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

OWNER_PASSWORD = "correct horse battery staple"  # UserFactory's
INVITEE_EMAIL = "vera@example.com"
INVITEE_PASSWORD = "Blue-harbour-42"
Role = Membership.Role


@pytest.fixture
def vendor(localhost_platform):
    return VendorFactory(code="acme-shop", name="Acme Shop", platforms=[localhost_platform])


@pytest.fixture
def owner(vendor):
    user = UserFactory(username="olivia")
    MembershipFactory(user=user, vendor=vendor, role=Role.OWNER)
    return user


def expected_sidebar(platform, role: str) -> list[tuple[str, str]]:
    """(module, label) of the vendor-portal items ``role`` may see on ``platform``, in menu
    order, from what the modules declare: enabled, not internal, permission held."""
    enabled = ModuleService().enabled_codes(platform)
    held = permissions_for(role, enabled)
    registry = get_registry()
    return [
        (d.module, str(d.item.label))
        for d in declared_items(FrontendType.VENDOR)
        if d.module in enabled
        and not registry.is_internal(d.module)
        and (not d.item.permission or d.item.permission in held)
    ]


def assert_sidebar(page, expected: list[tuple[str, str]]) -> None:
    items = page.locator(".sidebar-nav .sidebar-item")
    expect(items.locator("a")).to_have_text([label for _, label in expected])
    modules = items.evaluate_all("items => items.map(item => item.dataset.module)")
    assert modules == [module for module, _ in expected]


def test_owner_invites_a_viewer_who_sees_only_what_the_role_grants(
    localhost_platform, vendor, owner, new_page, live_server, mailoutbox
):
    owner_items = expected_sidebar(localhost_platform, Role.OWNER)
    viewer_items = expected_sidebar(localhost_platform, Role.VIEWER)
    # The test means something only if the roles differ and a module's items are in play.
    owner_only = [item for item in owner_items if item not in viewer_items]
    assert ("tenancy", "Settings") in owner_only
    assert ("customers", "Customers") in viewer_items
    portal = reverse("tenancy:dashboard", kwargs={"vendor_code": vendor.code})
    team = reverse("tenancy:team", kwargs={"vendor_code": vendor.code})

    # The owner logs in and lands in the vendor portal with the full sidebar.
    page = new_page()
    page.goto(reverse("tenancy:login"))
    page.locator("#id_username").fill(owner.username)
    page.locator("#id_password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + portal)
    assert_sidebar(page, owner_items)

    # Team page (through the sidebar): invite a viewer.
    page.locator(".sidebar-nav").get_by_role("link", name="Team").click()
    expect(page).to_have_url(live_server.url + team)
    invite = page.locator("form.invite")
    invite.locator("#id_email").fill(INVITEE_EMAIL)
    invite.locator("#id_role").select_option(Role.VIEWER)
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {INVITEE_EMAIL}")
    expect(page.locator("table.invitations tbody tr")).to_have_text(
        [re.compile(rf"{re.escape(INVITEE_EMAIL)}\s+viewer")]
    )

    # The e-mail (sent when the invitation committed) carries the link.
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [INVITEE_EMAIL]
    assert "Acme Shop" in email.subject
    found = re.search(r"https?://\S+/vendor/invitations/\S+/", email.body)
    assert found, email.body
    link = found.group(0)
    assert link.startswith(live_server.url)

    # Someone else, in another browser, opens it and creates an account.
    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Join the team of Acme Shop")
    expect(invitee.get_by_text(f"You were invited as viewer ({INVITEE_EMAIL})")).to_be_visible()
    expect(invitee.locator("#id_email")).to_have_value(INVITEE_EMAIL)
    expect(invitee.locator("#id_email")).to_be_disabled()
    invitee.locator("#id_username").fill("vera")
    invitee.locator("#id_password1").fill(INVITEE_PASSWORD)
    invitee.locator("#id_password2").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Create account and join").click()

    # In the portal, logged in, with the viewer's sidebar: no settings.
    expect(invitee).to_have_url(live_server.url + portal)
    expect(invitee.locator(".messages")).to_contain_text("Welcome to the team of Acme Shop")
    expect(invitee.locator(".topbar .user")).to_have_text("vera")
    assert_sidebar(invitee, viewer_items)
    for _, label in owner_only:
        expect(invitee.locator(".sidebar-nav").get_by_role("link", name=label)).to_have_count(0)

    # The viewer may look at the team but not manage it; the owner may.
    invitee.locator(".sidebar-nav").get_by_role("link", name="Team").click()
    expect(invitee).to_have_url(live_server.url + team)
    expect(invitee.locator("table.members")).to_contain_text("vera")
    expect(invitee.locator("form.invite")).to_have_count(0)
    expect(invitee.get_by_role("button", name="Change role")).to_have_count(0)
    page.reload()
    expect(page.locator("form.invite")).to_be_visible()
    expect(page.locator("table.members")).to_contain_text(INVITEE_EMAIL)
    expect(page.get_by_text("No pending invitations.")).to_be_visible()

    with scopes_disabled():
        membership = Membership.objects.select_related("user").get(
            vendor=vendor, user__username="vera"
        )
        invitation = Invitation.objects.get(vendor=vendor, email=INVITEE_EMAIL)
    assert (membership.role, membership.status) == (Role.VIEWER, Membership.Status.ACTIVE)
    assert membership.user.email == INVITEE_EMAIL
    assert membership.user.check_password(INVITEE_PASSWORD)
    assert invitation.accepted_by_id == membership.user_id
