"""Scheduled work of the tenancy module."""

from __future__ import annotations

from celery import shared_task
from django_scopes import scopes_disabled

from modules.tenancy.domains import verify_domain
from modules.tenancy.models import VendorDomain


@shared_task(name="tenancy.verify_vendor_domains", acks_late=True)
def verify_vendor_domains() -> dict[str, int]:
    """Check the DNS proof of every unverified vendor domain (idempotent: verified domains are
    never looked up again, and a re-run only repeats the lookups)."""
    with scopes_disabled():
        pending = list(VendorDomain.objects.filter(verified_at__isnull=True).order_by("pk"))
    verified = sum(1 for domain in pending if verify_domain(domain))
    return {"checked": len(pending), "verified": verified}
