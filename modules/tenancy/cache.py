"""What tenancy keeps in the shared cache, and what makes it stale.

Every vendor-portal and storefront request asks the same questions: which vendor is
``<vendor_code>`` and on which platforms is it open; is this user in its team and with which
role; which shops does the user's vendor switcher list. The answers change rarely, so they are
read through ``orion_core.shared_cache`` under the ``vendors`` generation scope: 0 SQL on the
warm path, one cache round trip each.

A committed change of a vendor, its platforms, its domains or a team membership bumps the scope
(the receivers below), so every process answers from the database on its next request: a
suspension or a removal from the team takes effect at once, everywhere. Changes made with
``QuerySet.update()`` send no signal; such code calls ``invalidate_on_commit()`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_scopes import scopes_disabled

from modules.tenancy.models import Membership, Vendor, VendorDomain, VendorPlatform
from orion_core import shared_cache

VENDORS_SCOPE = "vendors"

_VENDOR_FIELDS = tuple(f.attname for f in Vendor._meta.concrete_fields)
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


def active_membership(vendor: Vendor, user_id: int) -> Membership | None:
    """The user's active membership of the vendor's team, or None (removed members have none)."""
    values = shared_cache.get_or_load(
        f"orion:tenancy:membership:{vendor.pk}:{user_id}",
        lambda: _load_membership(vendor.pk, user_id),
        scope=VENDORS_SCOPE,
    )
    if values is None:
        return None
    membership = Membership.from_db(DEFAULT_DB_ALIAS, _MEMBERSHIP_FIELDS, values)
    membership.vendor = vendor  # the request's vendor, not another query
    return membership


def _load_membership(vendor_id: int, user_id: int) -> tuple | None:
    with scopes_disabled():
        membership = Membership.objects.filter(
            vendor_id=vendor_id, user_id=user_id, status=Membership.Status.ACTIVE
        ).first()
    return None if membership is None else tuple(getattr(membership, n) for n in _MEMBERSHIP_FIELDS)


# --- the vendor switcher -------------------------------------------------------------------------


def cached_vendor_list(key: str, load: Any) -> list[Vendor]:
    """A list of vendors under ``key`` in the vendors scope (``load`` returns the vendors)."""
    frozen = shared_cache.get_or_load(
        f"orion:tenancy:vendors:{key}",
        lambda: [freeze_vendor(vendor) for vendor in load()],
        scope=VENDORS_SCOPE,
    )
    return [thaw_vendor(values) for values in frozen]


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


@receiver(post_save, sender=VendorDomain, dispatch_uid="tenancy_vendor_domain_saved")
def _domain_saved(update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # A check that found nothing only touches last_checked_at: no route changed, keep caches.
    if update_fields is not None and set(update_fields) <= {"last_checked_at"}:
        return
    invalidate_on_commit()
