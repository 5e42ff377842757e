"""Vendor teams: inviting, accepting, changing roles and removing members.

Views, the API and tasks call these functions, never the ORM directly. Each one is a single
transaction and enforces the team's rules:

- a role may only be granted, changed or taken away by someone whose own role is at least as
  high (staff users act as owners);
- a vendor always keeps at least one owner: the last one can be neither demoted nor removed;
- an invitation can be accepted once, before it expires and unless it was revoked.

A broken rule raises ``TeamError`` (a ``ValidationError`` naming the offending field, if any),
whose message is meant for the user.

**The plan's limit.** A vendor's plan may cap its team (``max_team_members``, asked through
the entitlements contract: billing answers when it is on, else unlimited). What counts is a
seat: an active member or a pending invitation, so a team cannot invite past its plan and
accept later; an invitation beyond it raises ``LimitReached`` ("Your plan allows 3 team
members. Upgrade to Growth or Pro for more."). The count is taken under a lock of the
vendor's row in the inviting transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from modules.tenancy.context import current as current_tenant
from modules.tenancy.models import Invitation, Membership, Vendor, VendorDomain
from modules.tenancy.scoping import vendor_scope
from orion_core import features, state
from orion_core.contracts import provider_for
from orion_core.contracts.notifications import NOTIFICATIONS, Notification

INVITATION_MAX_AGE = datetime.timedelta(days=7)
TOKEN_SALT = "orion.tenancy.invitation"  # noqa: S105 - a signing salt, not a secret
Role = Membership.Role
# Higher number, more power. Only roles up to one's own can be granted.
ROLE_RANK = {Role.VIEWER: 1, Role.STAFF: 2, Role.MANAGER: 3, Role.OWNER: 4}
# The plan limit counted here (declared in TenancyConfig.limits).
SEAT_LIMIT = "max_team_members"


class TeamError(ValidationError):
    """A team rule was broken. ``field`` names the input at fault (None: the whole request)."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class InvitationInvalid(TeamError):
    """The invitation exists but can no longer be accepted (expired, revoked, already used)."""


# --- Roles -------------------------------------------------------------------------------------


def role_of(user: Any, vendor: Vendor) -> str | None:
    """The role ``user`` acts with on ``vendor``: staff act as owners, and so does the system
    (``user`` None: a task, the CLI, a staff action with no person); None for outsiders."""
    if user is None:
        return Role.OWNER
    if getattr(user, "is_staff", False) and getattr(user, "is_active", False):
        return Role.OWNER
    if not getattr(user, "is_authenticated", False):
        return None
    with vendor_scope(vendor):
        membership = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).first()
    return membership.role if membership else None


def assignable_roles(actor_role: str | None) -> list[tuple[str, str]]:
    """(value, label) of the roles someone with ``actor_role`` may grant, highest first."""
    rank = ROLE_RANK.get(actor_role, 0)
    return [
        (value, label)
        for value, label in sorted(
            Role.choices, key=lambda choice: ROLE_RANK[choice[0]], reverse=True
        )
        if ROLE_RANK[value] <= rank
    ]


def _check_role(role: str) -> None:
    if role not in ROLE_RANK:
        raise TeamError(
            _("Unknown role “%(role)s”.") % {"role": role}, code="unknown_role", field="role"
        )


def _check_may_grant(actor_role: str | None, role: str) -> None:
    _check_role(role)
    if ROLE_RANK[role] > ROLE_RANK.get(actor_role, 0):
        raise TeamError(
            _("You cannot grant a role above your own."), code="role_too_high", field="role"
        )


def _check_may_manage(actor_role: str | None, membership: Membership) -> None:
    if ROLE_RANK[membership.role] > ROLE_RANK.get(actor_role, 0):
        raise TeamError(
            _("You cannot change a member whose role is above your own."),
            code="member_above_you",
        )


def _lock_owners(vendor: Vendor) -> list[int]:
    """Lock the vendor's active owners, in pk order, and return their ids.

    Every change of a member takes this lock first (one lock order, so no deadlock): two owners
    demoting each other at the same moment are serialised, and the second sees only one owner
    left (PostgreSQL re-checks a row's filter after waiting for its lock).
    """
    return list(
        Membership.objects.select_for_update()
        .filter(vendor=vendor, role=Role.OWNER, status=Membership.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_not_last_owner(owners: list[int], membership: Membership, message: str) -> None:
    if membership.role != Role.OWNER or membership.status != Membership.Status.ACTIVE:
        return
    if owners == [membership.pk] or not owners:
        raise TeamError(message, code="last_owner")


# --- Invitations -------------------------------------------------------------------------------


def make_token(invitation: Invitation) -> str:
    """A signed, timestamped token carrying the invitation's id (for the e-mailed link)."""
    return signing.dumps({"invitation": invitation.pk}, salt=TOKEN_SALT, compress=True)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a token names. Raises ``Invitation.DoesNotExist`` for a tampered or
    unknown token and ``InvitationInvalid`` for one that can no longer be used."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationInvalid(
            _("This invitation has expired. Ask the team for a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise Invitation.DoesNotExist from None
    with scopes_disabled():
        invitation = Invitation.objects.select_related("vendor").get(pk=data.get("invitation"))
    check_acceptable(invitation)
    return invitation


def invitation_state(invitation: Invitation, now: datetime.datetime | None = None) -> str:
    """ "pending", "accepted", "revoked" or "expired"."""
    now = now or timezone.now()
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "pending"


def check_acceptable(invitation: Invitation) -> None:
    state = invitation_state(invitation)
    if state == "accepted":
        raise InvitationInvalid(_("This invitation has already been used."), code="used")
    if state == "revoked":
        raise InvitationInvalid(_("This invitation has been withdrawn."), code="revoked")
    if state == "expired":
        raise InvitationInvalid(
            _("This invitation has expired. Ask the team for a new one."), code="expired"
        )


def seat_count(vendor_id: int) -> int:
    """The seats ``vendor_id``'s team takes: active members and pending (unexpired, neither
    accepted nor revoked) invitations. What ``max_team_members`` caps."""
    with scopes_disabled():
        members = Membership.objects.filter(
            vendor_id=vendor_id, status=Membership.Status.ACTIVE
        ).count()
        pending = Invitation.objects.filter(
            vendor_id=vendor_id, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        ).count()
    return members + pending


def _check_seat_limit(vendor: Vendor, platform: Any) -> None:
    """Refuse an invitation beyond the vendor's plan (``LimitReached``); call it inside the
    inviting transaction. An unlimited plan costs no query."""
    platform = platform if platform is not None else current_tenant().platform_id
    if platform is None:
        return
    platform_id = getattr(platform, "pk", platform)
    if features.provider(platform_id).limit(platform_id, vendor.pk, SEAT_LIMIT).unlimited:
        return
    Vendor.objects.select_for_update().filter(pk=vendor.pk).values_list("pk", flat=True).get()
    features.check_limit(
        platform_id, vendor.pk, SEAT_LIMIT, seat_count(vendor.pk), label=_("team members")
    )


def invite(
    vendor: Vendor,
    *,
    email: str,
    role: str,
    invited_by: Any,
    link_base: str = "",
    platform: Any = None,
    seat: bool = True,
) -> Invitation:
    """Invite ``email`` to ``vendor``'s team with ``role`` and e-mail them a signed link.

    ``link_base`` is the scheme and host the link starts with (e.g. ``https://oms.example``).
    ``platform`` (a Platform or id; default: the platform of the running request) is where the
    invitation happens: the vendor's plan there is asked for a seat (unless ``seat`` is False:
    the owner staff invite when they approve a vendor, before it has a plan), and the e-mail is
    told through the notifications provider there. Without one no seat is counted and the
    e-mail is plain Django mail. The e-mail leaves only once the transaction commits, in the
    language active now.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(
            _("Enter a valid e-mail address."), code="invalid_email", field="email"
        ) from None
    _check_may_grant(role_of(invited_by, vendor), role)
    with transaction.atomic(), vendor_scope(vendor):
        if Membership.objects.filter(
            user__email__iexact=email, status=Membership.Status.ACTIVE
        ).exists():
            raise TeamError(
                _("%(email)s is already a member of this team.") % {"email": email},
                code="already_member",
                field="email",
            )
        now = timezone.now()
        if Invitation.objects.filter(
            email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).exists():
            raise TeamError(
                _("%(email)s has already been invited.") % {"email": email},
                code="already_invited",
                field="email",
            )
        if seat:
            _check_seat_limit(vendor, platform)
        invitation = Invitation.objects.create(
            vendor=vendor,
            email=email,
            role=role,
            invited_by=invited_by if getattr(invited_by, "pk", None) else None,
            expires_at=now + INVITATION_MAX_AGE,
        )
        link = link_base.rstrip("/") + reverse(
            "tenancy:invitation", kwargs={"token": make_token(invitation)}
        )
        platform_id = getattr(platform, "pk", platform) or current_tenant().platform_id
        language = translation.get_language()
        transaction.on_commit(
            lambda: send_invitation(invitation, link, platform_id=platform_id, language=language)
        )
    return invitation


def send_invitation(
    invitation: Invitation,
    link: str,
    *,
    platform_id: int | None = None,
    language: str | None = None,
) -> bool:
    """The invitation e-mail (text and HTML, in ``language``), told through the notifications
    contract as ``tenancy.invitation``: where messaging is on for ``platform_id`` the vendor's
    own wording of it is used and the sending logged; elsewhere it is this text, mailed at once.
    False when it could not be sent (logged by the provider: the invitation stands)."""
    vendor = invitation.vendor
    inviter = invitation.invited_by
    with translation.override(language):
        role = str(invitation.get_role_display())
        expires = formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")
        template_context = {
            "invitation": invitation,
            "vendor": vendor,
            "role": role,
            "link": link,
            "expires_at": invitation.expires_at,
        }
        subject = render_to_string("tenancy/email/invitation_subject.txt", template_context)
        body = render_to_string("tenancy/email/invitation.txt", template_context)
        html = render_to_string("tenancy/email/invitation.html", template_context)
    enabled = state.state_for_platform(platform_id).enabled if platform_id else frozenset()
    return provider_for(NOTIFICATIONS, enabled).notify(
        Notification(
            kind="tenancy.invitation",
            to=(invitation.email,),
            subject=" ".join(subject.split()),
            body=body,
            html_body=html,
            vendor_id=vendor.pk,
            platform_id=platform_id,
            context={
                "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
                "shop": vendor.name,
                "role": role,
                "accept_url": link,
                "expires": expires,
                "language": language or "",
            },
        )
    )


def revoke(invitation: Invitation, *, actor: Any) -> Invitation:
    """Withdraw a pending invitation."""
    with transaction.atomic(), vendor_scope(invitation.vendor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise TeamError(_("Only a pending invitation can be withdrawn."), code="not_pending")
        _check_may_grant(role_of(actor, invitation.vendor), invitation.role)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def accept(invitation: Invitation, user: Any) -> Membership:
    """``user`` joins the invitation's team with its role (a removed membership comes back)."""
    vendor = invitation.vendor
    with transaction.atomic(), vendor_scope(vendor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_acceptable(invitation)
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is not None and membership.status == Membership.Status.ACTIVE:
            raise InvitationInvalid(
                _("You are already a member of this team."), code="already_member"
            )
        if membership is None:
            membership = Membership.objects.create(user=user, vendor=vendor, role=invitation.role)
        else:
            membership.role, membership.status = invitation.role, Membership.Status.ACTIVE
            membership.save(update_fields=["role", "status"])
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def create_user_and_accept(invitation: Invitation, *, username: str, password: str) -> Membership:
    """A new account for the invited e-mail, which then joins the team: one transaction."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=invitation.email, password=password
        )
        return accept(invitation, user)


# --- Members -----------------------------------------------------------------------------------


def change_role(membership: Membership, role: str, *, actor: Any) -> Membership:
    vendor = membership.vendor
    _check_role(role)
    with transaction.atomic(), vendor_scope(vendor):
        owners = _lock_owners(vendor)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.ACTIVE:
            raise TeamError(_("This person is no longer a member."), code="not_member")
        actor_role = role_of(actor, vendor)
        _check_may_manage(actor_role, membership)
        _check_may_grant(actor_role, role)
        if role != Role.OWNER:
            _check_not_last_owner(
                owners,
                membership,
                _("A team needs at least one owner: make someone else owner first."),
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(membership: Membership, *, actor: Any) -> Membership:
    """Take someone off the team (soft: the membership is kept as removed)."""
    vendor = membership.vendor
    with transaction.atomic(), vendor_scope(vendor):
        owners = _lock_owners(vendor)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.ACTIVE:
            raise TeamError(_("This person is no longer a member."), code="not_member")
        _check_may_manage(role_of(actor, vendor), membership)
        _check_not_last_owner(owners, membership, _("The last owner of a team cannot be removed."))
        membership.status = Membership.Status.REMOVED
        membership.save(update_fields=["status"])
    return membership


# --- Settings ----------------------------------------------------------------------------------


def add_domain(vendor: Vendor, domain: str) -> VendorDomain:
    """A storefront domain for ``vendor``, unverified until its TXT record is found."""
    with transaction.atomic(), vendor_scope(vendor):
        return VendorDomain.objects.create(vendor=vendor, domain=domain)
