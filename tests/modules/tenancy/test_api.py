"""The team API at /api/v1/vendor/<vendor_code>/team/."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from modules.tenancy.factories import InvitationFactory, MembershipFactory
from modules.tenancy.models import Invitation, Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient(HTTP_HOST="acme.test")
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


def url(vendor, suffix=""):
    return f"/api/v1/vendor/{vendor.code}/team/{suffix}"


def mid(user):
    with scopes_disabled():
        return Membership.objects.get(user=user).pk


def test_anonymous_is_refused(api, vendor):
    assert api().get(url(vendor)).status_code in (401, 403)


def test_members_are_paginated(api, vendor, viewer):
    for _ in range(3):
        MembershipFactory(vendor=vendor)
    response = api(viewer).get(url(vendor), {"page_size": 2})
    assert response.status_code == 200
    assert response.data["count"] == 4 and len(response.data["results"]) == 2
    assert response.data["next"]
    assert set(response.data["results"][0]) == {"id", "username", "email", "role", "created_at"}


def test_permissions(api, vendor, other_vendor, viewer, manager):
    assert (
        api(viewer).post(url(vendor, "invitations/"), {"email": "a@b.example"}).status_code == 403
    )
    assert api(viewer).patch(url(vendor, f"{mid(manager)}/"), {"role": "viewer"}).status_code == 403
    assert api(viewer).delete(url(vendor, f"{mid(manager)}/")).status_code == 403
    assert api(viewer).get(url(other_vendor)).status_code == 404, "not their vendor"
    assert api(viewer).get("/api/v1/vendor/nosuch/team/").status_code == 404


def test_invite(api, vendor, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(manager).post(
            url(vendor, "invitations/"), {"email": "n@example.com", "role": "staff"}, format="json"
        )
    assert response.status_code == 201, response.data
    assert response.data["state"] == "pending" and response.data["email"] == "n@example.com"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "role": "staff"}, "email"),
        ({"email": "a@example.com", "role": "emperor"}, "role"),
        ({"email": "a@example.com", "role": "owner"}, "role"),  # above a manager's own
        ({"email": "vera@example.com", "role": "staff"}, "email"),  # already a member
        ({"role": "staff"}, "email"),
    ],
)
def test_invite_field_errors(api, vendor, manager, viewer, payload, field):
    response = api(manager).post(url(vendor, "invitations/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.data, response.data
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_change_role_and_remove(api, vendor, owner, manager, staff_member):
    client = api(manager)
    response = client.patch(url(vendor, f"{mid(staff_member)}/"), {"role": "viewer"}, format="json")
    assert response.status_code == 200 and response.data["role"] == "viewer"
    response = client.patch(url(vendor, f"{mid(staff_member)}/"), {"role": "owner"}, format="json")
    assert response.status_code == 400 and "role" in response.data
    response = client.patch(url(vendor, f"{mid(owner)}/"), {"role": "viewer"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.data
    response = api(owner).delete(url(vendor, f"{mid(owner)}/"))
    assert response.status_code == 400 and "last owner" in str(response.data)
    assert client.delete(url(vendor, f"{mid(staff_member)}/")).status_code == 204
    assert client.get(url(vendor, f"{mid(staff_member)}/")).status_code == 404


def test_another_vendors_ids_are_404(api, vendor, other_vendor, owner):
    theirs = MembershipFactory(vendor=other_vendor, role=Role.STAFF)
    their_invitation = InvitationFactory(vendor=other_vendor)
    client = api(owner)
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(
            url(vendor, f"{theirs.pk}/"), {"role": "viewer"}, format="json"
        )
        assert response.status_code == 404, method
        response = getattr(client, method)(url(vendor, f"invitations/{their_invitation.pk}/"))
        assert response.status_code in (404, 405), method
    theirs.refresh_from_db()
    their_invitation.refresh_from_db()
    assert theirs.role == Role.STAFF and theirs.status == Membership.Status.ACTIVE
    assert their_invitation.revoked_at is None


def test_invitations_list_and_revoke(api, vendor, owner, viewer):
    invitation = InvitationFactory(vendor=vendor)
    response = api(viewer).get(url(vendor, "invitations/"))
    assert response.status_code == 200 and response.data["count"] == 1
    assert api(viewer).delete(url(vendor, f"invitations/{invitation.pk}/")).status_code == 403
    assert api(owner).delete(url(vendor, f"invitations/{invitation.pk}/")).status_code == 204
    response = api(owner).get(url(vendor, f"invitations/{invitation.pk}/"))
    assert response.data["state"] == "revoked"
    assert api(owner).delete(url(vendor, f"invitations/{invitation.pk}/")).status_code == 400
