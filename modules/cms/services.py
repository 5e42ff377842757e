"""Reading a platform's pages and rendering their HTML safely."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

from modules.cms.models import Page
from orion_core.models import Platform


def published_page(platform: Platform, slug: str) -> Page | None:
    """The published page ``slug`` of ``platform`` (never another platform's), else None."""
    return Page.objects.filter(platform=platform, slug=slug, is_published=True).first()


def render_body(page: Page) -> SafeString:
    """The page's HTML with scripts, event handlers and other unsafe markup removed (nh3)."""
    return mark_safe(nh3.clean(page.body))  # noqa: S308 - sanitised by nh3 just now
