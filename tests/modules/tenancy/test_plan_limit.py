"""Tenancy asks the vendor's plan before it invites someone (``max_team_members``: active
members and pending invitations are seats), through ``orion_core.features``; here a fixed stub
of the entitlements contract answers, so tenancy is tested without billing."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy import services
from modules.tenancy.factories import InvitationFactory
from modules.tenancy.models import Invitation, Membership
from orion_core.contracts.entitlements import Entitlement, Limit, LimitReached
from orion_core.modules.registry import get_registry
from tests.modules.tenancy.conftest import HOST, member

pytestmark = pytest.mark.django_db


class FixedSeats:
    def __init__(self, maximum: int | None) -> None:
        self.maximum = maximum

    def entitlement(self, platform_id, vendor_id, feature):
        return Entitlement(feature, allowed=True)

    def limit(self, platform_id, vendor_id, name):
        if name != "max_team_members":
            return Limit(name, maximum=None)
        return Limit(name, maximum=self.maximum)


@pytest.fixture
def seats(monkeypatch):
    def install(maximum: int | None) -> None:
        registry = get_registry()
        real = registry.provider
        found = FixedSeats(maximum)
        monkeypatch.setattr(
            registry,
            "provider",
            lambda code, kind: (
                found if (code, kind) == ("tenancy", "entitlements") else real(code, kind)
            ),
        )

    return install


def test_members_and_pending_invitations_are_seats(vendor, owner):
    InvitationFactory(vendor=vendor)
    InvitationFactory(vendor=vendor, revoked_at=timezone.now())
    InvitationFactory(vendor=vendor, expires_at=timezone.now() - datetime.timedelta(days=1))
    member(vendor, Membership.Role.STAFF)
    removed = member(vendor, Membership.Role.VIEWER)
    with scopes_disabled():
        Membership.objects.filter(user=removed).update(status=Membership.Status.REMOVED)
    assert services.seat_count(vendor.pk) == 3  # two members, one pending invitation


def test_the_cached_seat_count_follows_the_team_and_the_clock(
    vendor, owner, django_capture_on_commit_callbacks, monkeypatch
):
    """What billing shows on the dashboard: from the shared cache, stale on commit of an
    invitation or membership change, and an invitation that expires stops counting by itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.tenancy import cache

    assert cache.seat_count(vendor.pk) == 1
    with CaptureQueriesContext(connection) as queries:
        assert cache.seat_count(vendor.pk) == 1
    assert not queries
    with django_capture_on_commit_callbacks(execute=True):
        invited = services.invite(vendor, email="a@example.com", role="staff", invited_by=owner)
    assert cache.seat_count(vendor.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(invited, actor=owner)
    assert cache.seat_count(vendor.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(vendor, email="b@example.com", role="staff", invited_by=owner)
    assert cache.seat_count(vendor.pk) == 2
    later = timezone.now() + services.INVITATION_MAX_AGE + datetime.timedelta(seconds=1)
    monkeypatch.setattr(cache, "timezone", SimpleNamespace(now=lambda: later))
    with CaptureQueriesContext(connection) as queries:
        assert cache.seat_count(vendor.pk) == 1  # expired, with no write
    assert not queries


def test_an_invitation_beyond_the_plan_is_refused(vendor, owner, platform, seats):
    seats(2)
    services.invite(
        vendor, email="a@example.com", role="staff", invited_by=owner, platform=platform
    )
    with pytest.raises(LimitReached) as refused:
        services.invite(
            vendor, email="b@example.com", role="staff", invited_by=owner, platform=platform
        )
    assert str(refused.value) == "Your plan allows 2 team members."
    with scopes_disabled():
        assert not Invitation.objects.filter(email="b@example.com").exists()


def test_without_a_platform_no_seat_is_counted(vendor, owner, seats):
    seats(0)
    services.invite(vendor, email="a@example.com", role="staff", invited_by=owner)


def test_the_team_page_answers_with_the_upgrade_prompt(vendor, owner, seats, client):
    seats(1)
    client.force_login(owner)
    response = client.post(
        "/vendor/alpha/team/invite/", {"email": "n@example.com", "role": "staff"}, HTTP_HOST=HOST
    )
    assert response.status_code == 403
    assert "Your plan allows 1 team members." in response.content.decode()
    assert mail.outbox == []
