"""What the content module keeps in the shared cache (``orion_core.shared_cache``), under which
generation scope, and what makes it stale.

- ``cms``: the platforms' published pages and their navigation (a change of any platform page).
- ``cms-vendor-<id>``: one vendor's published pages, its storefront chrome (page links, logo)
  and its content figures: a change of that vendor's pages or media. Themes live in
  ``Vendor.theme``, which tenancy caches with the vendor itself (its ``vendors`` scope).
- ``cms-stats``: the platform-wide figures of the staff dashboard (any page or media change).

Every bump happens once the change commits (``bump_on_commit``), so a reader racing the writer
never puts an old value back. ``QuerySet.update()`` sends no signal: such code calls
``vendor_changed`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from modules.cms.models import Media, Page, VendorPage
from orion_core import shared_cache

CMS_SCOPE = "cms"
STATS_SCOPE = "cms-stats"


def vendor_scope_name(vendor_id: int | None) -> str:
    return f"cms-vendor-{vendor_id}" if vendor_id else "cms-staff"


def vendor_changed(vendor_id: int | None) -> None:
    """Make the vendor's cached content (or the staff library's) stale once this commits."""
    shared_cache.bump_on_commit(vendor_scope_name(vendor_id), STATS_SCOPE)


@receiver(post_save, sender=Page, dispatch_uid="cms_page_saved")
@receiver(post_delete, sender=Page, dispatch_uid="cms_page_deleted")
def _platform_page_changed(**kwargs: Any) -> None:
    shared_cache.bump_on_commit(CMS_SCOPE, STATS_SCOPE)


@receiver(post_save, sender=VendorPage, dispatch_uid="cms_vendor_page_saved")
@receiver(post_delete, sender=VendorPage, dispatch_uid="cms_vendor_page_deleted")
@receiver(post_save, sender=Media, dispatch_uid="cms_media_saved")
@receiver(post_delete, sender=Media, dispatch_uid="cms_media_deleted")
def _vendor_content_changed(instance: Any, **kwargs: Any) -> None:
    vendor_changed(instance.vendor_id)
