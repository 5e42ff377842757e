"""Reading a platform's pages and rendering their HTML safely.

A published page is read on every visit of the platform's site and changes rarely: its title and
sanitised HTML are kept in the shared cache (``orion_core.shared_cache``, scope ``cms``), which a
committed change of any page makes stale everywhere (the receivers below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nh3
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

from modules.cms.models import Page
from orion_core import shared_cache
from orion_core.models import Platform

CMS_SCOPE = "cms"


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
    return mark_safe(nh3.clean(page.body))  # noqa: S308 - sanitised by nh3 just now


@receiver(post_save, sender=Page, dispatch_uid="cms_page_saved")
@receiver(post_delete, sender=Page, dispatch_uid="cms_page_deleted")
def _pages_changed(**kwargs: Any) -> None:
    shared_cache.bump_on_commit(CMS_SCOPE)
