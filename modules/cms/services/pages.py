"""Pages: a platform's pages (HTML by staff) and a vendor's storefront pages (Markdown by its team).

Published pages are read on every visit and change rarely: what a visitor sees of one (title,
sanitised HTML, SEO fields) is kept in the shared cache, made stale by any committed change
(``modules.cms.services.cache``). Writing goes through the functions below, which views and the
API call instead of the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_scopes import scopes_disabled

from modules.cms.models import Page, VendorPage
from modules.cms.services.cache import CMS_SCOPE, vendor_scope_name
from modules.cms.services.rendering import plain_text, render_markdown, sanitize_html
from orion_core import shared_cache
from orion_core.models import Platform

# --- a platform's pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedPage:
    """What a visitor sees of a page: its slug, title and sanitised HTML."""

    slug: str
    title: str
    html: SafeString


def published_page(platform: Platform, slug: str) -> PublishedPage | None:
    """The published page ``slug`` of ``platform`` (never another platform's), else None.
    Warm: no SQL and no sanitising."""
    frozen = shared_cache.get_or_load(
        f"orion:cms:page:{platform.pk}:{slug}",
        lambda: _load(platform, slug),
        scope=CMS_SCOPE,
    )
    if frozen is None:
        return None
    slug, title, html = frozen
    return PublishedPage(slug, title, mark_safe(html))  # noqa: S308 - sanitised when loaded


def _load(platform: Platform, slug: str) -> tuple[str, str, str] | None:
    page = Page.objects.filter(platform=platform, slug=slug, is_published=True).first()
    return None if page is None else (page.slug, page.title, str(render_body(page)))


def render_body(page: Page) -> SafeString:
    """The page's HTML with scripts, event handlers and other unsafe markup removed (nh3)."""
    return sanitize_html(page.body)


@dataclass(frozen=True)
class NavLink:
    """A page in a navigation: its slug and title."""

    slug: str
    title: str


def platform_nav(platform: Platform) -> list[NavLink]:
    """The platform's published pages other than its home page, by title (warm: no SQL)."""
    frozen = shared_cache.get_or_load(
        f"orion:cms:platform-nav:{platform.pk}",
        lambda: list(
            Page.objects.filter(platform=platform, is_published=True)
            .exclude(slug=Page.HOME)
            .order_by("title", "pk")
            .values_list("slug", "title")
        ),
        scope=CMS_SCOPE,
    )
    return [NavLink(slug, title) for slug, title in frozen]


# --- a vendor's pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedVendorPage:
    """What a shopper sees of a vendor page."""

    slug: str
    title: str
    html: SafeString
    seo_title: str
    seo_description: str


def render_vendor_page(page: VendorPage) -> SafeString:
    """The page's Markdown as sanitised HTML."""
    return render_markdown(page.body)


def seo_of(page: VendorPage, html: str) -> tuple[str, str]:
    """(title, description) for search engines: the SEO fields, else the title and the text."""
    return page.seo_title or page.title, page.seo_description or plain_text(html)


def published_vendor_page(vendor_id: int, slug: str) -> PublishedVendorPage | None:
    """The vendor's published page ``slug`` (a draft or another vendor's is None); warm: no SQL."""
    frozen = shared_cache.get_or_load(
        f"orion:cms:vendor-page:{vendor_id}:{slug}",
        lambda: _load_vendor_page(vendor_id, slug),
        scope=vendor_scope_name(vendor_id),
    )
    if frozen is None:
        return None
    slug, title, html, seo_title, seo_description = frozen
    safe_html = mark_safe(html)  # noqa: S308 - sanitised when loaded
    return PublishedVendorPage(slug, title, safe_html, seo_title, seo_description)


def _load_vendor_page(vendor_id: int, slug: str) -> tuple[str, ...] | None:
    with scopes_disabled():  # a cache loader: the vendor is named explicitly
        page = VendorPage.objects.filter(
            vendor_id=vendor_id, slug=slug, status=VendorPage.Status.PUBLISHED
        ).first()
    if page is None:
        return None
    html = str(render_vendor_page(page))
    return (page.slug, page.title, html, *seo_of(page, html))


def vendor_nav(vendor_id: int) -> list[NavLink]:
    """The vendor's published pages shown in its navigation, in their order; warm: no SQL."""
    return [NavLink(slug, title) for slug, title in _vendor_nav(vendor_id)]


def _vendor_nav(vendor_id: int) -> list[tuple[str, str]]:
    return shared_cache.get_or_load(
        f"orion:cms:vendor-nav:{vendor_id}",
        lambda: load_vendor_nav(vendor_id),
        scope=vendor_scope_name(vendor_id),
    )


def load_vendor_nav(vendor_id: int) -> list[tuple[str, str]]:
    with scopes_disabled():  # a cache loader: the vendor is named explicitly
        return list(
            VendorPage.objects.filter(
                vendor_id=vendor_id, status=VendorPage.Status.PUBLISHED, show_in_nav=True
            )
            .order_by("nav_order", "title", "pk")
            .values_list("slug", "title")
        )


class SlugTaken(Exception):  # noqa: N818 - a refusal, not a programming error
    """Another page of the vendor has this slug."""


def save_vendor_page(page: VendorPage) -> VendorPage:
    """Save a new or changed page; the first publication is dated. ``SlugTaken`` when another
    page of the vendor took the slug meanwhile (the form checks first; this closes the race)."""
    if page.is_published and page.published_at is None:
        page.published_at = timezone.now()
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError as error:
        raise SlugTaken(page.slug) from error
    return page


def set_vendor_page_status(page: VendorPage, status: str) -> VendorPage:
    """Publish (``published``) or withdraw (``draft``) a page."""
    page.status = status
    return save_vendor_page(page)


def delete_vendor_page(page: VendorPage) -> None:
    page.delete()
