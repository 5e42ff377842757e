"""Demo content for ``manage.py seed_demo``: a landing page and two pages for each demo platform,
and for each vendor on them a theme, a logo and its about, shipping and FAQ pages.

Idempotent: what exists is left as it is (a page or theme changed by hand stays changed).
Demo text stays English, like the rest of the demo data.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image, ImageDraw

from modules.cms.models import Media, Page, VendorPage
from modules.cms.services import theme as theme_service
from modules.cms.services.media import MIB, process_image, store_image
from modules.tenancy.models import Vendor

PLATFORM_PAGES = {
    "home": (
        "Everything your shop needs, in one place",
        "<p>{name} brings independent shops and their customers together. Every shop has its "
        "own storefront, in its own colours, with its catalogue, its pages and its customer "
        "accounts; the platform takes care of the rest.</p>"
        "<h2>Why shops choose us</h2><ul><li><strong>Your brand</strong>: a theme, a logo and "
        "pages of your own.</li><li><strong>Your customers</strong>: accounts, addresses and "
        "consent, kept per shop.</li><li><strong>Your time</strong>: orders, stock and invoices "
        "where you need them.</li></ul>",
    ),
    "about": (
        "About us",
        "<p>We build tools for independent shops: small teams who would rather talk to their "
        "customers than to their software.</p>",
    ),
    "pricing": (
        "Pricing",
        "<p>Opening a shop is free. A small commission applies to each order, invoiced "
        "monthly. No setup fee, no commitment.</p>",
    ),
}

VENDOR_PAGES = (
    (
        "about-us",
        "About us",
        10,
        "We are a small team who love well-made things.\n\n"
        "Everything we sell is chosen by hand, tested at home and packed with care. "
        "Questions? Write to us any time.",
    ),
    (
        "shipping",
        "Shipping and returns",
        20,
        "## Shipping\n\n"
        "| Where | How long | Cost |\n|---|---|---|\n"
        "| France | 2–3 days | €4.90, free from €60 |\n| Europe | 3–6 days | €9.90 |\n\n"
        "## Returns\n\nYou have **30 days** to change your mind. Send the item back unused and "
        "we refund you within a week.",
    ),
    (
        "faq",
        "FAQ",
        30,
        "**Can I change my order?**  \nYes, until it ships: reply to your confirmation e-mail.\n\n"
        "**Do you restock?**  \nMost items, yes. Sold-out items come back within a few weeks.\n\n"
        "**Gift wrapping?**  \nAsk for it in the order notes; it is free.",
    ),
)

THEMES = ("ocean", "berry", "forest", "charcoal", "midnight", "classic")
FONTS = ("humanist", "serif", "geometric", "rounded", "system", "old-style")
LOGO_NAME = "demo-logo.png"


def seed_demo_content(platforms: dict[str, Any]) -> list[str]:
    created = 0
    for platform in platforms.values():
        created += _platform_pages(platform)
    with scopes_disabled():  # seeding is about every vendor at once
        vendors = list(
            Vendor.objects.filter(platforms__platform__in=list(platforms.values()))
            .distinct()
            .order_by("pk")
        )
    for index, vendor in enumerate(vendors):
        created += _vendor_content(vendor, index)
    return [f"cms: {created} demo pages, themes and logos added"] if created else []


def _platform_pages(platform: Any) -> int:
    created = 0
    for slug, (title, body) in PLATFORM_PAGES.items():
        _, made = Page.objects.get_or_create(
            platform=platform,
            slug=slug,
            defaults={
                "title": title,
                "body": body.format(name=platform.name),
                "is_published": True,
            },
        )
        created += made
    return created


@transaction.atomic
def _vendor_content(vendor: Vendor, index: int) -> int:
    created = 0
    with scopes_disabled():
        for slug, title, order, body in VENDOR_PAGES:
            _, made = VendorPage.objects.get_or_create(
                vendor=vendor,
                slug=slug,
                defaults={
                    "title": title,
                    "body": body,
                    "nav_order": order,
                    "status": VendorPage.Status.PUBLISHED,
                    "published_at": timezone.now(),
                },
            )
            created += made
        logo = Media.objects.filter(vendor=vendor, original_name=LOGO_NAME).first()
    if logo is None:
        preset = theme_service.PRESETS[THEMES[index % len(THEMES)]]
        upload = SimpleUploadedFile(LOGO_NAME, _logo_png(vendor.name, preset), "image/png")
        logo = store_image(
            process_image(upload, max_bytes=10 * MIB),
            vendor=vendor,
            original_name=LOGO_NAME,
            alt_text=f"{vendor.name} logo",
        )
        created += 1
    if not (vendor.theme or {}).get("preset"):
        theme = theme_service.with_preset(
            theme_service.theme_from({"font": FONTS[index % len(FONTS)], "logo": logo.pk}),
            THEMES[index % len(THEMES)],
        )
        theme_service.save_theme(vendor, theme)
        created += 1
    return created


def _logo_png(name: str, preset: theme_service.Preset) -> bytes:
    """A simple logo: the shop's initials on a rounded badge of its colours."""
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    image = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 312, 312), radius=72, fill=preset.background)
    draw.rounded_rectangle((40, 40, 280, 280), radius=56, fill=preset.accent)
    draw.text((160, 160), initials, fill=preset.text, anchor="mm", font_size=120)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
