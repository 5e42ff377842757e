"""Vendor sign-up from the platform's public pages, and staff approval of new vendors.

``register_vendor`` writes the company, the vendor and its place on the platform in one
transaction, all pending; nothing is saved when any part fails. ``approve`` makes the vendor
and its place on the platform active and invites the person who signed up as the owner;
``suspend`` takes it off the platform again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from modules.tenancy import services
from modules.tenancy.cache import invalidate_on_commit
from modules.tenancy.models import Company, Invitation, Membership, Vendor, VendorPlatform
from orion_core.models import Platform

logger = logging.getLogger(__name__)

# Shop codes that would shadow pages of the platform's own site.
RESERVED_CODES = frozenset({"login", "invitations", "accounts", "api"})
# Vendor fields → the sign-up form's fields, to report model validation errors where they belong.
FORM_FIELDS = {"code": "shop_code", "name": "shop_name"}


@dataclass(frozen=True)
class Registration:
    company: Company
    vendor: Vendor
    vendor_platform: VendorPlatform


def code_is_taken(code: str) -> bool:
    return code.lower() in RESERVED_CODES or Vendor.objects.filter(code__iexact=code).exists()


def register_vendor(platform: Platform, data: dict[str, Any]) -> Registration:
    """Create a pending company, vendor and vendor-on-platform from validated sign-up ``data``.

    ``data`` has ``company_name``, ``registration_number`` (optional), ``shop_name``,
    ``shop_code``, ``contact_email`` and ``owner_email``. Raises ``ValidationError`` (keyed by
    field) when the code is reserved or taken, also when another sign-up took it a moment
    earlier; nothing is saved then.
    """
    code = data["shop_code"].strip().lower()
    if code_is_taken(code):
        raise ValidationError({"shop_code": _("This shop code is already taken.")})
    try:
        with transaction.atomic():
            company = Company.objects.create(
                name=data["company_name"].strip(),
                registration_number=(data.get("registration_number") or "").strip(),
            )
            vendor = Vendor(
                code=code,
                name=data["shop_name"].strip(),
                company=company,
                status=Vendor.Status.PENDING,
                contact_email=data["contact_email"],
                owner_email=data["owner_email"],
            )
            try:
                vendor.full_clean(exclude=["company"], validate_unique=False)
            except ValidationError as exc:
                raise ValidationError(
                    {FORM_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
                ) from exc
            vendor.save()
            with scopes_disabled():
                vendor_platform = VendorPlatform.objects.create(
                    vendor=vendor, platform=platform, status=Vendor.Status.PENDING
                )
    except IntegrityError as exc:  # a concurrent sign-up took the code between check and insert
        raise ValidationError({"shop_code": _("This shop code is already taken.")}) from exc
    logger.info("Vendor %s signed up on platform %s", vendor.code, platform.code)
    return Registration(company=company, vendor=vendor, vendor_platform=vendor_platform)


def approve(
    vendor: Vendor, platform: Platform, *, by: Any = None, link_base: str = ""
) -> Invitation | None:
    """Activate ``vendor`` and its place on ``platform``; invite its owner e-mail as owner.

    Returns the invitation (None when there is no owner e-mail, the vendor already has an
    owner or the owner is already invited). ``link_base`` (scheme and host) starts the link in
    the e-mail, which goes out only once the approval commits.
    """
    with transaction.atomic(), scopes_disabled():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        was_active = vendor.status == Vendor.Status.ACTIVE
        if not was_active:
            vendor.status = Vendor.Status.ACTIVE
            vendor.save(update_fields=["status"])
        VendorPlatform.objects.update_or_create(
            vendor=vendor, platform=platform, defaults={"status": Vendor.Status.ACTIVE}
        )
        has_owner = Membership.objects.filter(
            vendor=vendor, role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
        ).exists()
        if not vendor.owner_email or has_owner:
            return None
        return invite_owner(
            vendor, vendor.owner_email, invited_by=by, link_base=link_base, platform=platform
        )


def suspend(vendor: Vendor, platform: Platform) -> None:
    """Suspend ``vendor`` and its place on ``platform``: its portal and storefront close."""
    with transaction.atomic(), scopes_disabled():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        vendor.status = Vendor.Status.SUSPENDED
        vendor.save(update_fields=["status"])
        VendorPlatform.objects.filter(vendor=vendor, platform=platform).update(
            status=Vendor.Status.SUSPENDED
        )
        # .update() sends no post_save: make what is cached about vendors stale explicitly.
        invalidate_on_commit()


def invite_owner(
    vendor: Vendor,
    email: str,
    *,
    invited_by: Any = None,
    link_base: str = "",
    platform: Platform | None = None,
) -> Invitation | None:
    """Invite ``email`` to ``vendor``'s team as owner through the team's invitation service
    (signed link, e-mail sent on commit, told on ``platform``). The owner takes no seat of a
    plan: the vendor has none yet. None when that address is already invited or in the team,
    e.g. when a suspended vendor is approved again."""
    try:
        return services.invite(
            vendor,
            email=email,
            role=Membership.Role.OWNER,
            invited_by=invited_by,
            link_base=link_base,
            platform=platform,
            seat=False,
        )
    except services.TeamError as exc:
        if exc.code in {"already_invited", "already_member"}:
            return None
        raise
