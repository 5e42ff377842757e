"""The invitation flow end to end: e-mail, link, accept as an existing or a new user."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy import services
from modules.tenancy.factories import InvitationFactory
from modules.tenancy.models import Invitation, Membership, User
from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(login, vendor, owner, django_capture_on_commit_callbacks):
    """Invite through the team page and return the path of the e-mailed link."""
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/vendor/{vendor.code}/team/invite/",
            {"email": "newbie@example.com", "role": "manager"},
        )
    client.logout()
    (message,) = mail.outbox
    return re.search(r"http://acme\.test(/vendor/invitations/[^/\s]+/)", message.body).group(1)


def membership_of(email, vendor):
    with scopes_disabled():
        return Membership.objects.get(user__email=email, vendor=vendor)


def test_a_new_user_creates_an_account_and_joins(web, vendor, invited):
    page = web.get(invited)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Alpha Shop" in body and "manager" in body
    assert 'value="newbie@example.com"' in body and "disabled" in body
    response = web.post(
        invited,
        {
            "username": "newbie",
            "email": "attacker@example.com",  # disabled field: ignored
            "password1": "a-Long-enough-pass-42",
            "password2": "a-Long-enough-pass-42",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/vendor/alpha/"
    user = User.objects.get(username="newbie")
    assert user.email == "newbie@example.com"
    assert membership_of("newbie@example.com", vendor).role == "manager"
    assert web.get("/vendor/alpha/team/").status_code == 200, "logged in and a member"
    # The link is used up.
    web.logout()
    used = web.get(invited)
    assert used.status_code == 410 and b"already been used" in used.content


def test_sign_up_errors_are_shown(web, vendor, invited):
    response = web.post(
        invited, {"username": "newbie", "password1": "a-Long-pass-42", "password2": "other"}
    )
    assert response.status_code == 400 and "password2" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


def test_an_existing_user_accepts(login, vendor, invited):
    user = UserFactory(email="newbie@example.com")
    client = login(user)
    page = client.get(invited)
    assert page.status_code == 200 and b"Accept the invitation" in page.content
    response = client.post(invited)
    assert response.status_code == 302
    assert membership_of("newbie@example.com", vendor).user == user


def test_anonymous_visitor_can_log_in_instead(web, vendor, invited):
    page = web.get(invited).content.decode()
    assert f"/accounts/login/?next={invited.replace(':', '%3A')}" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, b"expired"),
        ({"revoked_at": timezone.now()}, b"withdrawn"),
        ({"accepted_at": timezone.now()}, b"already been used"),
    ],
)
def test_unusable_invitations_say_why(web, login, vendor, changes, message):
    invitation = InvitationFactory(vendor=vendor, **changes)
    url = f"/vendor/invitations/{services.make_token(invitation)}/"
    for client in (web, login(UserFactory())):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 410
            assert message in response.content
    with scopes_disabled():
        assert not Membership.objects.exists()


def test_an_expired_signature_is_expired(web, vendor, monkeypatch):
    invitation = InvitationFactory(vendor=vendor)
    url = f"/vendor/invitations/{services.make_token(invitation)}/"
    monkeypatch.setattr(services, "INVITATION_MAX_AGE", datetime.timedelta(seconds=-1))
    assert web.get(url).status_code == 410


def test_tampered_tokens_are_not_found(web, vendor):
    invitation = InvitationFactory(vendor=vendor)
    token = services.make_token(invitation)
    other = InvitationFactory(vendor=vendor)
    forged = services.make_token(other).split(":")[0] + ":" + token.split(":", 1)[1]
    for bad in (token[:-3] + "xyz", "nonsense", forged):
        assert web.get(f"/vendor/invitations/{bad}/").status_code == 404, bad
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).delete()
    assert web.get(f"/vendor/invitations/{token}/").status_code == 404
