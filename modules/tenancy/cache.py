"""What tenancy keeps in the shared cache, and what makes it stale.

Every vendor-portal and storefront request asks the same questions: which vendor is
``<vendor_code>`` and on which platforms is it open; is this user in its team and with which
role; which shops does the user's vendor switcher list. The answers change rarely, so they are
read through ``orion_core.shared_cache`` under the ``vendors`` generation scope: 0 SQL on the
warm path, one cache round trip each. The seats a team takes (what billing shows against
``max_team_members`` on the vendor's dashboard) also depend on its invitations, which bump
``seats_scope(vendor)``.

A committed change of a vendor, its platforms, its domains or a team membership bumps the scope
(the receivers below), so every process answers from the database on its next request: a
suspension or a removal from the team takes effect at once, everywhere. Changes made with
``QuerySet.update()`` send no signal; such code calls ``invalidate_on_commit()`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy.backends import user_scope
from modules.tenancy.models import (
    PORTAL_OPEN,
    Invitation,
    Membership,
    Vendor,
    VendorDomain,
    VendorPlatform,
)
from orion_core import shared_cache

VENDORS_SCOPE = "vendors"

_VENDOR_FIELDS = tuple(f.attname for f in Vendor._meta.concrete_fields)
_VENDOR_PK = _VENDOR_FIELDS.index(Vendor._meta.pk.attname)
_MEMBERSHIP_FIELDS = tuple(f.attname for f in Membership._meta.concrete_fields)


def invalidate_on_commit() -> None:
    """Make everything cached about vendors stale once the current transaction commits."""
    shared_cache.bump_on_commit(VENDORS_SCOPE)


# --- freezing: entries hold plain tuples, which unpickle far faster than model instances ---------


def freeze_vendor(vendor: Vendor) -> tuple[Any, ...]:
    return tuple(getattr(vendor, name) for name in _VENDOR_FIELDS)


def thaw_vendor(values: tuple[Any, ...]) -> Vendor:
    return Vendor.from_db(DEFAULT_DB_ALIAS, _VENDOR_FIELDS, values)


# --- a vendor by code ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VendorEntry:
    """A vendor and its status on each platform it sells on (platform id → status)."""

    vendor: Vendor
    platforms: dict[int, str]

    def open_on(self, platform_id: int, statuses: tuple[str, ...]) -> bool:
        """Whether the vendor is in one of ``statuses``, overall and on the platform."""
        return self.vendor.status in statuses and self.platforms.get(platform_id) in statuses


def vendor_by_code(code: str) -> VendorEntry | None:
    return shared_cache.get_or_load(
        f"orion:tenancy:vendor:{code}",
        lambda: _load_vendor(code),
        scope=VENDORS_SCOPE,
        thaw=_thaw_entry,
    )


def _load_vendor(code: str) -> tuple | None:
    with scopes_disabled():
        vendor = Vendor.objects.filter(code=code).first()
        if vendor is None:
            return None
        platforms = tuple(
            VendorPlatform.objects.filter(vendor=vendor).values_list("platform_id", "status")
        )
    return freeze_vendor(vendor), platforms


def _thaw_entry(frozen: tuple | None) -> VendorEntry | None:
    if frozen is None:
        return None
    values, platforms = frozen
    return VendorEntry(vendor=thaw_vendor(values), platforms=dict(platforms))


# --- a user's membership of a vendor's team ------------------------------------------------------


def _load_membership(vendor_id: int, user_id: int) -> tuple | None:
    with scopes_disabled():
        membership = Membership.objects.filter(
            vendor_id=vendor_id, user_id=user_id, status=Membership.Status.ACTIVE
        ).first()
    return None if membership is None else tuple(getattr(membership, n) for n in _MEMBERSHIP_FIELDS)


# --- the vendor switcher -------------------------------------------------------------------------


def switcher(user_id: int, platform_id: int | None) -> list[Vendor]:
    """``switcher_vendors`` through the cache (pages outside a vendor's portal ask it)."""
    frozen = shared_cache.get_or_load(
        f"orion:tenancy:switcher:{user_id}:{platform_id}",
        lambda: [freeze_vendor(v) for v in switcher_vendors(user_id, platform_id)],
        scope=VENDORS_SCOPE,
    )
    return [thaw_vendor(values) for values in frozen]


# --- everything a portal request asks, in one round trip --------------------------------------


@dataclass(frozen=True)
class PortalAccess:
    """For one (vendor code, user, platform): the vendor (None if no such code), the user's
    active membership of its team, and the vendors the user's switcher lists on the platform."""

    entry: VendorEntry | None
    membership: Membership | None
    switcher: list[Vendor]


def portal_access(vendor_code: str, user_id: int, platform_id: int) -> PortalAccess:
    """What the tenant guard and the portal layout need, in one cache round trip when warm."""
    frozen = shared_cache.get_or_load(
        f"orion:tenancy:portal:{vendor_code}:{user_id}:{platform_id}",
        lambda: _load_portal(vendor_code, user_id, platform_id),
        scope=VENDORS_SCOPE,
    )
    vendor_frozen, membership_values, switcher = frozen
    entry = _thaw_entry(vendor_frozen)
    membership = None
    if entry is not None and membership_values is not None:
        membership = Membership.from_db(DEFAULT_DB_ALIAS, _MEMBERSHIP_FIELDS, membership_values)
        membership.vendor = entry.vendor
    return PortalAccess(entry, membership, [thaw_vendor(values) for values in switcher])


def _load_portal(vendor_code: str, user_id: int, platform_id: int) -> tuple:
    vendor = _load_vendor(vendor_code)
    membership = _load_membership(vendor[0][_VENDOR_PK], user_id) if vendor is not None else None
    switcher = [freeze_vendor(v) for v in switcher_vendors(user_id, platform_id)]
    return vendor, membership, switcher


def switcher_vendors(user_id: int, platform_id: int | None) -> list[Vendor]:
    """The vendors whose team the user is in and whose portal is open on the platform (any
    platform with None), by name: the vendor switcher's choices."""
    with scopes_disabled():
        vendors = Vendor.objects.filter(
            memberships__user_id=user_id,
            memberships__status=Membership.Status.ACTIVE,
            status__in=PORTAL_OPEN,
        )
        if platform_id is not None:
            vendors = vendors.filter(
                platforms__platform_id=platform_id, platforms__status__in=PORTAL_OPEN
            )
        return list(vendors.distinct().order_by("name"))


# --- the seats of a vendor's team ----------------------------------------------------------------


def seats_scope(vendor_id: int) -> str:
    """The scope a change of the vendor's invitations bumps (its memberships bump ``vendors``)."""
    return f"tenancy:seats:{vendor_id}"


def seat_count(vendor_id: int) -> int:
    """``services.seat_count`` from the shared cache (what ``max_team_members`` caps): billing
    shows it on every visit of the vendor's dashboard. The entry holds the number of active
    members and the expiry of each pending invitation, so an invitation that has expired since
    is not counted, though no write made the entry stale. The invite check counts live."""
    members, expiries = shared_cache.get_or_load(
        f"orion:tenancy:seats:{vendor_id}",
        lambda: _load_seats(vendor_id),
        scope=(VENDORS_SCOPE, seats_scope(vendor_id)),
    )
    now = timezone.now()
    return members + sum(1 for moment in expiries if moment > now)


def _load_seats(vendor_id: int) -> tuple[int, tuple[Any, ...]]:
    with scopes_disabled():
        members = Membership.objects.filter(
            vendor_id=vendor_id, status=Membership.Status.ACTIVE
        ).count()
        expiries = tuple(
            Invitation.objects.filter(
                vendor_id=vendor_id,
                accepted_at=None,
                revoked_at=None,
                expires_at__gt=timezone.now(),
            ).values_list("expires_at", flat=True)
        )
    return members, expiries


# --- invalidation --------------------------------------------------------------------------------


@receiver(post_save, sender=Vendor, dispatch_uid="tenancy_vendor_saved")
@receiver(post_delete, sender=Vendor, dispatch_uid="tenancy_vendor_deleted")
@receiver(post_save, sender=VendorPlatform, dispatch_uid="tenancy_vendor_platform_saved")
@receiver(post_delete, sender=VendorPlatform, dispatch_uid="tenancy_vendor_platform_deleted")
@receiver(post_delete, sender=VendorDomain, dispatch_uid="tenancy_vendor_domain_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="tenancy_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="tenancy_membership_deleted")
def _vendors_changed(**kwargs: Any) -> None:
    invalidate_on_commit()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tenancy_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="tenancy_user_deleted")
def _user_changed(instance: Any, **kwargs: Any) -> None:
    # What ``backends.CachedUserBackend`` keeps of the user of a session.
    shared_cache.bump_on_commit(user_scope(instance.pk))


@receiver(post_save, sender=VendorDomain, dispatch_uid="tenancy_vendor_domain_saved")
def _domain_saved(update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # A check that found nothing only touches last_checked_at: no route changed, keep caches.
    if update_fields is not None and set(update_fields) <= {"last_checked_at"}:
        return
    invalidate_on_commit()


@receiver(post_save, sender=Invitation, dispatch_uid="tenancy_invitation_saved")
@receiver(post_delete, sender=Invitation, dispatch_uid="tenancy_invitation_deleted")
def _invitation_changed(instance: Invitation, **kwargs: Any) -> None:
    shared_cache.bump_on_commit(seats_scope(instance.vendor_id))
