"""Vendors' own storefront domains: DNS ownership proof and the cached host → vendor route.

A vendor proves it owns ``shop.example.com`` by publishing its ``verification_token`` as a TXT
record of ``_orion-verify.shop.example.com``; ``verify_domain`` checks it (the scheduled task
``tenancy.verify_vendor_domains`` does so for every unverified domain).

``route_for_host`` answers, for a request's host, which active vendor (and which of its
platforms) serves it, through ``orion_core.shared_cache`` under the ``vendors`` generation
(``modules.tenancy.cache``): every committed change of a vendor, its platforms or its domains
bumps it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy.cache import VENDORS_SCOPE, freeze_vendor, thaw_vendor
from modules.tenancy.models import Vendor, VendorDomain, VendorPlatform
from orion_core import shared_cache

logger = logging.getLogger(__name__)

VERIFY_PREFIX = "_orion-verify."
Resolver = Callable[[str], list[str]]


# --- verification ------------------------------------------------------------------------------


def dns_txt_records(name: str) -> list[str]:
    """The TXT strings of ``name`` (each record's character-strings joined)."""
    import dns.resolver

    answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
    return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


def verify_domain(domain: VendorDomain, resolver: Resolver | None = None) -> bool:
    """Look up ``_orion-verify.<domain>`` and mark the domain verified when one of its TXT
    records is the domain's token. ``last_checked_at`` is set either way; a failed lookup
    (no such name, no answer, timeout) counts as not verified."""
    resolver = resolver or dns_txt_records
    name = f"{VERIFY_PREFIX}{domain.domain}"
    try:
        records = resolver(name)
    except Exception as exc:  # noqa: BLE001 - NXDOMAIN, NoAnswer, timeouts: the outside world
        logger.info("TXT lookup of %s failed: %s", name, exc)
        records = []
    matched = any(record.strip().strip('"') == domain.verification_token for record in records)
    now = timezone.now()
    domain.last_checked_at = now
    fields = ["last_checked_at"]
    if matched and domain.verified_at is None:
        domain.verified_at = now
        fields.append("verified_at")
    with scopes_disabled():
        domain.save(update_fields=fields)
    return matched


# --- routing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VendorRoute:
    """The active vendor a verified domain serves, and the platform it is served on."""

    vendor: Vendor
    platform_id: int

    @property
    def vendor_id(self) -> int:
        return self.vendor.pk

    @property
    def vendor_code(self) -> str:
        return self.vendor.code


def _route_key(host: str) -> str:
    return f"orion:tenancy:vendor-domain:{host}"


def route_for_host(host: str) -> VendorRoute | None:
    """The route of ``host``; None for unknown, unverified or inactive vendors' domains.

    Warm: one cache round trip, no SQL. If the cache is down, the database answers.
    """
    host = host.lower().rstrip(".")
    return shared_cache.get_or_load(
        _route_key(host), lambda: _load(host), scope=VENDORS_SCOPE, thaw=_thaw
    )


Frozen = tuple[tuple[Any, ...], int] | None


def _load(host: str) -> Frozen:
    with scopes_disabled():
        domain = (
            VendorDomain.objects.select_related("vendor")
            .filter(domain=host, verified_at__isnull=False, vendor__status=Vendor.Status.ACTIVE)
            .first()
        )
        if domain is None:
            return None
        platform_id = (
            VendorPlatform.objects.filter(
                vendor_id=domain.vendor_id,
                status=Vendor.Status.ACTIVE,
                platform__is_active=True,
            )
            .order_by("created_at", "pk")
            .values_list("platform_id", flat=True)
            .first()
        )
    if platform_id is None:
        return None
    return freeze_vendor(domain.vendor), platform_id


def _thaw(frozen: Frozen) -> VendorRoute | None:
    if frozen is None:
        return None
    values, platform_id = frozen
    return VendorRoute(vendor=thaw_vendor(values), platform_id=platform_id)
