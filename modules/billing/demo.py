"""Demo plans for ``manage.py seed_demo``: three tiers on each demo platform (Starter, Growth,
Pro) and a subscription of each demo vendor to Growth where it sells (its free trial, through
the services, so its history and first period are real).

Idempotent: a tier that exists is left as staff may have changed it; a vendor that has or had
a subscription on the platform is left alone. The demo catalog has about 500 products per
vendor: Growth allows 1,000, so the demo shop is within its plan (and a downgrade to Starter,
100, shows the usage bar over the limit).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django_scopes import scopes_disabled

from modules.billing.models import Interval, Subscription, Tier
from modules.billing.services import subscriptions
from modules.tenancy.demo import DEMO_VENDORS
from modules.tenancy.models import Vendor, VendorPlatform

STARTER_FEATURES = ["products", "categories", "checkout", "order_management", "payment_processing"]
GROWTH_FEATURES = [*STARTER_FEATURES, "stock_alerts", "customer_segments", "themes", "vendor_pages"]
PRO_FEATURES = [*GROWTH_FEATURES, "reports", "multi_vendor_listings", "conversations"]

DEMO_TIERS: tuple[dict[str, Any], ...] = (
    {
        "code": "starter",
        "name": "Starter",
        "description": "For a first shop: the essentials.",
        "monthly_price": Decimal("9.00"),
        "yearly_price": Decimal("90.00"),
        "features": STARTER_FEATURES,
        "limits": {"max_products": 100, "max_team_members": 2},
        "position": 10,
    },
    {
        "code": "growth",
        "name": "Growth",
        "description": "For a growing shop and its team.",
        "monthly_price": Decimal("29.00"),
        "yearly_price": Decimal("290.00"),
        "features": GROWTH_FEATURES,
        "limits": {"max_products": 1000, "max_team_members": 5},
        "position": 20,
    },
    {
        "code": "pro",
        "name": "Pro",
        "description": "Everything, without limits.",
        "monthly_price": Decimal("79.00"),
        "yearly_price": Decimal("790.00"),
        "features": PRO_FEATURES,
        "limits": {},
        "position": 30,
    },
)
DEMO_PLAN = "growth"


def seed_demo_billing(platforms: dict[str, Any]) -> list[str]:
    """Create what is missing; return the summary lines to print."""
    made_tiers = made_subscriptions = 0
    codes = [spec.code for spec in DEMO_VENDORS]
    for platform in platforms.values():
        for spec in DEMO_TIERS:
            _tier, created = Tier.objects.get_or_create(
                platform=platform, code=spec["code"], defaults={**spec, "currency": "EUR"}
            )
            made_tiers += created
        with scopes_disabled():
            vendor_ids = VendorPlatform.objects.filter(
                platform=platform, vendor__code__in=codes
            ).values_list("vendor_id", flat=True)
            for vendor in Vendor.objects.filter(pk__in=list(vendor_ids)).order_by("code"):
                if Subscription.objects.filter(vendor=vendor, platform=platform).exists():
                    continue
                subscriptions.subscribe(vendor, platform, DEMO_PLAN, Interval.MONTH, actor="system")
                made_subscriptions += 1
    lines = []
    if made_tiers:
        lines.append(f"Billing: {made_tiers} demo plan tiers created (see /pricing/).")
    if made_subscriptions:
        lines.append(f"Billing: {made_subscriptions} demo vendor(s) on a free trial of Growth.")
    return lines
