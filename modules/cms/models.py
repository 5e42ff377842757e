"""Content: the platform's own pages (staff), each vendor's pages, and the media libraries.

- ``Page``: a page of one platform's public site, HTML written by staff.
- ``VendorPage``: a page of one vendor's storefront (about, shipping, FAQ…), Markdown written by
  the vendor's team, shown at ``/shop/<vendor code>/pages/<slug>/`` once published.
- ``Media``: an image of a vendor's media library, or of the staff library (no vendor). Files go
  through Django's ``STORAGES`` (``default``): the local file system, or S3-compatible storage.
  Other modules point at media with ``ForeignKey("cms.Media", on_delete=PROTECT)``; deleting
  one shows where it is used first (``modules.cms.services.media.where_used``).

Vendor rows are read through ``ScopedManager(vendor="vendor")`` (django-scopes): outside a
vendor's scope a query raises, inside it only that vendor's rows exist. The staff library
(``vendor=None``) is read with ``scopes_disabled()``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from orion_core.models import Platform

# Widths of the thumbnails made at upload, stored beside the image as ``<name>_<width>.webp``.
THUMBNAIL_SIZES = (160, 480, 1024)


class Page(models.Model):
    """A page of one platform's public site; ``home`` is its landing page.

    ``body`` is HTML written by staff. It is stored as written and sanitised every time it is
    shown (``modules.cms.services.render_body``), so it is never trusted.
    """

    HOME = "home"

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="pages", verbose_name=_("platform")
    )
    slug = models.SlugField(_("slug"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("HTML; scripts are removed."))
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["platform", "slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["platform", "slug"], name="cms_page_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title


class VendorPage(models.Model):
    """A page of a vendor's storefront, written in Markdown by the vendor's team.

    The body is stored as written and rendered to sanitised HTML when shown (Markdown, then
    nh3 with an allow-list: no scripts, no event handlers, no ``javascript:`` links).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="cms_pages",
        verbose_name=_("vendor"),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=_("The page's address: /pages/<slug>/. Letters, digits and hyphens."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    seo_title = models.CharField(
        _("SEO title"),
        max_length=70,
        blank=True,
        help_text=_("The title search engines show; the page title when empty."),
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=160,
        blank=True,
        help_text=_("One or two sentences search engines may show below the title."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    show_in_nav = models.BooleanField(
        _("show in the shop's navigation"),
        default=True,
        help_text=_("Link the page from the footer of every storefront page."),
    )
    nav_order = models.PositiveSmallIntegerField(
        _("navigation order"), default=100, help_text=_("Smaller numbers come first.")
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["nav_order", "title", "pk"]
        verbose_name = _("vendor page")
        verbose_name_plural = _("vendor pages")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "slug"], name="cms_vendorpage_unique_slug")
        ]
        indexes = [models.Index(fields=["vendor", "status", "nav_order"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Media(models.Model):
    """An image in a media library: a vendor's (``vendor`` set) or the staff library (None).

    The stored file is the upload decoded and re-encoded by Pillow (no EXIF, no trailing data),
    under a path of its own library (``cms/vendors/<vendor id>/…`` or ``cms/staff/…``) and a
    random name; the uploader's file name is kept only as ``original_name``. Thumbnails of
    every ``THUMBNAIL_SIZES`` width sit beside it as WebP files.
    """

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="media",
        verbose_name=_("vendor"),
        help_text=_("Empty for the staff library."),
    )
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        indexes = [models.Index(fields=["vendor", "-created_at"])]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    # --- where the files are -------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.file.url if self.file else ""

    def thumbnail_name(self, size: int) -> str:
        """The storage name of the ``size`` thumbnail (``size`` rounded up to a made one)."""
        made = next((s for s in THUMBNAIL_SIZES if s >= size), THUMBNAIL_SIZES[-1])
        path = PurePosixPath(self.file.name)
        return str(path.with_name(f"{path.stem}_{made}.webp"))

    def thumbnail_url(self, size: int = THUMBNAIL_SIZES[0]) -> str:
        """The URL of the smallest thumbnail at least ``size`` pixels wide (never wider than
        the image itself: a small image's thumbnails are the image at its own size)."""
        if not self.file:
            return ""
        return default_storage.url(self.thumbnail_name(size))

    def file_names(self) -> list[str]:
        """Every stored file of this media: the image and its thumbnails."""
        if not self.file:
            return []
        return [self.file.name, *(self.thumbnail_name(size) for size in THUMBNAIL_SIZES)]

    # For templates, which cannot pass arguments.
    @property
    def thumb_url(self) -> str:
        return self.thumbnail_url(160)

    @property
    def preview_url(self) -> str:
        return self.thumbnail_url(480)

    @property
    def large_url(self) -> str:
        return self.thumbnail_url(1024)

    @property
    def srcset(self) -> str:
        """The thumbnails as an ``<img srcset>`` (thumbnails are bounded by width)."""
        entries: list[str] = []
        for size in THUMBNAIL_SIZES:
            width = min(size, self.width)
            entries.append(f"{self.thumbnail_url(size)} {width}w")
            if width == self.width:
                break
        return ", ".join(entries)
