"""Demo vendors for ``manage.py seed_demo``: a shop per demo platform, each with an owner login.

Two vendors on two platforms show tenant isolation: acme-shop's owner cannot open globex-store's
portal. Idempotent: what exists is left as it is (a changed password or status stays changed);
only what is missing is created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from modules.tenancy.models import Company, Membership, Vendor, VendorPlatform
from orion_core.models import Platform

# ``make run`` serves on this port; the summary's URLs use it with the platform's primary domain.
DEMO_PORT = 8000


@dataclass(frozen=True)
class DemoVendor:
    platform: str
    code: str
    name: str
    company: str
    username: str
    password: str
    email: str


DEMO_VENDORS = (
    DemoVendor(
        platform="oms",
        code="acme-shop",
        name="Acme Shop",
        company="Acme Corporation",
        username="owner",
        password="orion-owner",  # noqa: S106 - documented demo credential
        email="owner@example.com",
    ),
    DemoVendor(
        platform="loyalty",
        code="globex-store",
        name="Globex Store",
        company="Globex Corporation",
        username="globex",
        password="orion-globex",  # noqa: S106 - documented demo credential
        email="globex@example.com",
    ),
)


def seed_demo_vendors(platforms: dict[str, Platform]) -> list[str]:
    """Create the demo vendors of the given platforms; return the summary lines to print."""
    lines: list[str] = []
    for spec in DEMO_VENDORS:
        platform = platforms.get(spec.platform)
        if platform is None:
            continue
        vendor = _demo_vendor(spec, platform)
        lines.extend(_summary(spec, vendor, platform))
    return lines


@transaction.atomic
def _demo_vendor(spec: DemoVendor, platform: Platform) -> Vendor:
    vendor = Vendor.objects.filter(code=spec.code).first()
    if vendor is None:
        vendor = Vendor.objects.create(
            code=spec.code,
            name=spec.name,
            company=Company.objects.create(name=spec.company),
            status=Vendor.Status.ACTIVE,
            contact_email=spec.email,
        )
    user, created = get_user_model().objects.get_or_create(
        username=spec.username, defaults={"email": spec.email}
    )
    if created:
        user.set_password(spec.password)
        user.save(update_fields=["password"])
    # Seeding is about every vendor at once: the deliberate, greppable bypass of vendor scopes.
    with scopes_disabled():
        VendorPlatform.objects.get_or_create(
            vendor=vendor, platform=platform, defaults={"status": Vendor.Status.ACTIVE}
        )
        Membership.objects.get_or_create(
            user=user,
            vendor=vendor,
            defaults={"role": Membership.Role.OWNER, "status": Membership.Status.ACTIVE},
        )
    return vendor


def _summary(spec: DemoVendor, vendor: Vendor, platform: Platform) -> list[str]:
    site = f"http://{platform.primary_domain or 'localhost'}:{DEMO_PORT}"
    lines = [
        _("Vendor %(vendor)s on %(platform)s: owner login %(username)s / %(password)s")
        % {
            "vendor": vendor.code,
            "platform": platform.code,
            "username": spec.username,
            "password": spec.password,
        },
        "  "
        + _("vendor portal: %(url)s")
        % {"url": site + reverse("tenancy:dashboard", kwargs={"vendor_code": vendor.code})},
    ]
    # The storefront is the customers module's (tenancy does not require it): only if installed.
    try:
        shop = reverse("customers:home", kwargs={"vendor_code": vendor.code})
    except NoReverseMatch:
        return lines
    return [*lines, "  " + _("storefront: %(url)s") % {"url": site + shop}]
