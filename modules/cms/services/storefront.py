"""What the storefront and the platform site read on every request, from the shared cache.

- ``load_chrome(vendor)``: the shop's page links and logo (cached by the context provider);
- ``platform_shops(platform)``: the shops open on a platform, for its landing page;
- ``vendor_stats`` / ``platform_stats``: the figures of the dashboards' content widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django_scopes import scopes_disabled

from modules.cms.models import Media, Page, VendorPage
from modules.cms.services.cache import STATS_SCOPE, vendor_scope_name
from modules.cms.services.pages import NavLink, load_vendor_nav
from modules.cms.services.theme import theme_from, theme_of
from modules.tenancy.cache import VENDORS_SCOPE
from modules.tenancy.models import Vendor
from orion_core import shared_cache

if TYPE_CHECKING:
    from orion_core.models import Platform

LOGO_SIZE = 480
SHOPS_ON_LANDING = 48


@dataclass(frozen=True)
class Logo:
    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Chrome:
    """The parts of every storefront page that cms provides."""

    nav: tuple[NavLink, ...]
    logo: Logo | None


def load_chrome(vendor: Vendor) -> Chrome:
    """The vendor's page links and logo, from the database (the storefront's context provider
    caches what it builds from them, ``modules.cms.providers.storefront_context``)."""
    nav = load_vendor_nav(vendor.pk)
    logo = _load_logo(vendor.pk, theme_of(vendor).logo)
    return Chrome(
        nav=tuple(NavLink(slug, title) for slug, title in nav),
        logo=Logo(*logo) if logo else None,
    )


def _load_logo(vendor_id: int, media_id: int | None) -> tuple[str, int, int, str] | None:
    if media_id is None:
        return None
    with scopes_disabled():  # a cache loader: the vendor is named explicitly
        media = Media.objects.filter(pk=media_id, vendor_id=vendor_id).first()
    if media is None:
        return None
    width = min(LOGO_SIZE, media.width)
    height = max(1, round(media.height * width / media.width))
    return media.thumbnail_url(LOGO_SIZE), width, height, media.alt_text


# --- the platform's landing page ---------------------------------------------------------------


@dataclass(frozen=True)
class ShopCard:
    """A shop as the landing page lists it."""

    code: str
    name: str
    preset: str
    logo_url: str


def platform_shops(platform: Platform) -> tuple[list[ShopCard], int]:
    """Up to ``SHOPS_ON_LANDING`` shops open on ``platform`` (active there and overall), by
    name, and how many there are. Cached under tenancy's ``vendors`` scope, which every change
    of a vendor or of its platforms (and so of its theme) bumps; warm: no SQL."""
    cards, total = shared_cache.get_or_load(
        f"orion:cms:shops:{platform.pk}",
        lambda: _load_shops(platform.pk),
        scope=VENDORS_SCOPE,
    )
    return [ShopCard(*card) for card in cards], total


def _load_shops(platform_id: int) -> tuple[list[tuple[str, str, str, str]], int]:
    with scopes_disabled():  # every vendor of the platform
        open_here = Vendor.objects.filter(
            status=Vendor.Status.ACTIVE,
            platforms__platform_id=platform_id,
            platforms__status=Vendor.Status.ACTIVE,
        )
        total = open_here.count()
        vendors = list(
            open_here.order_by("name", "pk").only("pk", "code", "name", "theme")[:SHOPS_ON_LANDING]
        )
        themes = {vendor.pk: theme_from(vendor.theme) for vendor in vendors}
        logos = {
            (media.vendor_id, media.pk): media.thumbnail_url(160)
            for media in Media.objects.filter(
                pk__in=[t.logo for t in themes.values() if t.logo],
                vendor_id__in=list(themes),
            )
        }
    cards = [
        (
            vendor.code,
            vendor.name,
            themes[vendor.pk].preset,
            logos.get((vendor.pk, themes[vendor.pk].logo), ""),
        )
        for vendor in vendors
    ]
    return cards, total


# --- figures for the dashboards ----------------------------------------------------------------


@dataclass(frozen=True)
class ContentStats:
    pages: int
    published_pages: int
    media_count: int
    media_bytes: int


def vendor_stats(vendor_id: int) -> ContentStats:
    """The vendor's pages and media library; warm: no SQL."""
    return ContentStats(
        *shared_cache.get_or_load(
            f"orion:cms:stats:vendor:{vendor_id}",
            lambda: _load_stats(Q(vendor_id=vendor_id), Q(vendor_id=vendor_id)),
            scope=vendor_scope_name(vendor_id),
        )
    )


def platform_stats(platform: Platform) -> ContentStats:
    """The platform's own published pages and its vendors' pages; the staff library and its
    vendors' media. Warm: no SQL."""
    return ContentStats(
        *shared_cache.get_or_load(
            f"orion:cms:stats:platform:{platform.pk}",
            lambda: _load_platform_stats(platform.pk),
            scope=STATS_SCOPE,
        )
    )


def _load_platform_stats(platform_id: int) -> tuple[int, int, int, int]:
    here = Q(vendor__platforms__platform_id=platform_id)
    pages, published, media_count, media_bytes = _load_stats(here, here | Q(vendor=None))
    own = Page.objects.filter(platform_id=platform_id).aggregate(
        total=Count("pk"), published=Count("pk", filter=Q(is_published=True))
    )
    return pages + own["total"], published + own["published"], media_count, media_bytes


def _load_stats(pages_filter: Q, media_filter: Q) -> tuple[int, int, int, int]:
    with scopes_disabled():  # a cache loader: the rows are named by the filters
        pages = VendorPage.objects.filter(pages_filter).aggregate(
            total=Count("pk", distinct=True),
            published=Count("pk", filter=Q(status=VendorPage.Status.PUBLISHED), distinct=True),
        )
        media_ids = Media.objects.filter(media_filter).values("pk")
        media = Media.objects.filter(pk__in=media_ids).aggregate(
            count=Count("pk"), size=Sum("size_bytes")
        )
    return pages["total"], pages["published"], media["count"], media["size"] or 0
