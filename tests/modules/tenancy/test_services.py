"""Every rule of the team services, and its error."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy import services
from modules.tenancy.factories import InvitationFactory, MembershipFactory
from modules.tenancy.models import Invitation, Membership
from orion_core.testing import StaffUserFactory, UserFactory
from tests.modules.tenancy.conftest import member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def membership(user, vendor):
    with scopes_disabled():
        return Membership.objects.select_related("vendor", "user").get(user=user, vendor=vendor)


class _Raises:
    """``pytest.raises(TeamError)`` that also checks the error's code."""

    def __init__(self, code):
        self.code = code

    def __enter__(self):
        self._cm = pytest.raises(services.TeamError)
        self.info = self._cm.__enter__()
        return self.info

    def __exit__(self, *exc):
        result = self._cm.__exit__(*exc)
        assert self.info.value.code == self.code, self.info.value.code
        return result


def link_in(text):
    return re.search(r"https?://\S+/vendor/invitations/[^/\s\"]+/", text).group(0)


# --- invite ---


def test_invite_sends_a_signed_link_in_text_and_html(
    vendor, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            vendor,
            email="new@example.com",
            role=Role.MANAGER,
            invited_by=owner,
            link_base="http://acme.test/",
        )
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    assert "Alpha Shop" in message.subject
    link = link_in(message.body)
    assert link.startswith("http://acme.test/vendor/invitations/")
    assert services.invitation_for_token(link.rstrip("/").rsplit("/", 1)[1]) == invitation
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html


def test_without_messaging_the_invitation_is_plain_django_mail(
    platform, vendor, owner, settings, django_capture_on_commit_callbacks
):
    """On a platform (here messaging is off), the invitation is told through the
    notifications contract; its fallback mails it at once, as it always was."""
    settings.DEFAULT_FROM_EMAIL = "team@orion.example"
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            vendor,
            email="new@example.com",
            role=Role.STAFF,
            invited_by=owner,
            link_base="http://acme.test/",
            platform=platform,
        )
    (message,) = mail.outbox
    assert (message.from_email, message.to) == ("team@orion.example", ["new@example.com"])
    assert message.subject == "You are invited to join Alpha Shop on Orion"
    link = link_in(message.body)
    assert "You are invited to join the team of Alpha Shop as staff." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html


def test_the_invitation_is_written_in_the_inviters_language(
    platform, vendor, owner, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.invite(
            vendor, email="new@example.com", role=Role.VIEWER, invited_by=owner, platform=platform
        )
    assert mail.outbox[0].subject == "Vous êtes invité à rejoindre Alpha Shop sur Orion"


def test_no_mail_when_the_transaction_rolls_back(vendor, owner, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.invite(vendor, email="x@example.com", role=Role.STAFF, invited_by=owner)
                raise RuntimeError
        except RuntimeError:
            pass
    assert not callbacks and not mail.outbox


@pytest.mark.parametrize(
    ("email", "role", "code", "field"),
    [
        ("not-an-email", Role.STAFF, "invalid_email", "email"),
        ("a@example.com", "emperor", "unknown_role", "role"),
        ("a@example.com", Role.OWNER, "role_too_high", "role"),
    ],
)
def test_invite_refuses(vendor, manager, email, role, code, field):
    with _Raises(code) as caught:
        services.invite(vendor, email=email, role=role, invited_by=manager)
    assert caught.value.field == field


def test_invite_refuses_a_member_and_a_second_invitation(vendor, owner, staff_member):
    with _Raises("already_member"):
        services.invite(vendor, email=staff_member.email.upper(), role=Role.STAFF, invited_by=owner)
    services.invite(vendor, email="twice@example.com", role=Role.STAFF, invited_by=owner)
    with _Raises("already_invited"):
        services.invite(vendor, email="twice@example.com", role=Role.VIEWER, invited_by=owner)


def test_an_outsider_cannot_invite(vendor, other_vendor):
    outsider = member(other_vendor, Role.OWNER)
    with _Raises("role_too_high"):
        services.invite(vendor, email="a@example.com", role=Role.VIEWER, invited_by=outsider)


def test_staff_and_the_system_invite_as_owners(vendor):
    services.invite(vendor, email="a@example.com", role=Role.OWNER, invited_by=StaffUserFactory())
    services.invite(vendor, email="b@example.com", role=Role.OWNER, invited_by=None)


# --- accept ---


def test_accept_creates_the_membership(vendor):
    invitation = InvitationFactory(vendor=vendor, role=Role.MANAGER)
    user = UserFactory()
    created = services.accept(invitation, user)
    assert (created.role, created.status) == (Role.MANAGER, Membership.Status.ACTIVE)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at


def test_accept_reactivates_a_removed_member_with_the_new_role(vendor):
    user = UserFactory()
    MembershipFactory(user=user, vendor=vendor, role=Role.OWNER, status=Membership.Status.REMOVED)
    services.accept(InvitationFactory(vendor=vendor, role=Role.VIEWER), user)
    again = membership(user, vendor)
    assert (again.role, again.status) == (Role.VIEWER, Membership.Status.ACTIVE)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(seconds=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"accepted_at": timezone.now()}, "used"),
    ],
)
def test_accept_refuses_unusable_invitations(vendor, changes, code):
    invitation = InvitationFactory(vendor=vendor, **changes)
    with _Raises(code):
        services.accept(invitation, UserFactory())
    with scopes_disabled():
        assert not Membership.objects.filter(vendor=vendor).exists()


def test_accept_refuses_a_current_member(vendor, staff_member):
    with _Raises("already_member"):
        services.accept(InvitationFactory(vendor=vendor, role=Role.OWNER), staff_member)
    assert membership(staff_member, vendor).role == Role.STAFF


def test_tokens(vendor):
    invitation = InvitationFactory(vendor=vendor)
    token = services.make_token(invitation)
    assert services.invitation_for_token(token) == invitation
    with pytest.raises(Invitation.DoesNotExist):
        services.invitation_for_token(token[:-2] + ("A" if token[-1] != "A" else "B") + "x")
    with pytest.raises(Invitation.DoesNotExist):
        services.invitation_for_token("garbage")


def test_an_old_token_is_expired(vendor, monkeypatch):
    invitation = InvitationFactory(vendor=vendor)
    token = services.make_token(invitation)
    monkeypatch.setattr(services, "INVITATION_MAX_AGE", datetime.timedelta(seconds=-1))
    with _Raises("expired"):
        services.invitation_for_token(token)


# --- change_role / remove_member ---


def test_the_last_owner_cannot_be_demoted_or_removed(vendor, owner):
    with _Raises("last_owner"):
        services.change_role(membership(owner, vendor), Role.MANAGER, actor=owner)
    with _Raises("last_owner"):
        services.remove_member(membership(owner, vendor), actor=owner)
    assert membership(owner, vendor).role == Role.OWNER


def test_an_owner_can_step_down_when_another_remains(vendor, owner):
    second = member(vendor, Role.OWNER)
    services.change_role(membership(owner, vendor), Role.MANAGER, actor=owner)
    with _Raises("last_owner"):
        services.remove_member(membership(second, vendor), actor=second)


def test_a_manager_cannot_grant_owner_nor_touch_an_owner(vendor, owner, manager, staff_member):
    with _Raises("role_too_high"):
        services.change_role(membership(staff_member, vendor), Role.OWNER, actor=manager)
    with _Raises("member_above_you"):
        services.change_role(membership(owner, vendor), Role.VIEWER, actor=manager)
    with _Raises("member_above_you"):
        services.remove_member(membership(owner, vendor), actor=manager)
    services.change_role(membership(staff_member, vendor), Role.MANAGER, actor=manager)
    assert membership(staff_member, vendor).role == Role.MANAGER


def test_change_role_refuses_an_unknown_role_and_a_removed_member(vendor, owner, staff_member):
    with _Raises("unknown_role"):
        services.change_role(membership(staff_member, vendor), "emperor", actor=owner)
    services.remove_member(membership(staff_member, vendor), actor=owner)
    assert membership(staff_member, vendor).status == Membership.Status.REMOVED
    with _Raises("not_member"):
        services.change_role(membership(staff_member, vendor), Role.VIEWER, actor=owner)
    with _Raises("not_member"):
        services.remove_member(membership(staff_member, vendor), actor=owner)


def test_revoke(vendor, owner, manager):
    invitation = InvitationFactory(vendor=vendor, role=Role.OWNER)
    with _Raises("role_too_high"):
        services.revoke(invitation, actor=manager)
    services.revoke(invitation, actor=owner)
    with _Raises("not_pending"):
        services.revoke(invitation, actor=owner)
    assert services.invitation_state(Invitation.objects.with_scopes_disabled().get()) == "revoked"
