"""Import jobs and the products they stage before a vendor publishes them.

An ``ImportJob`` reads one feed (an uploaded file or a configured URL) into ``StagedProduct``
rows, one per data row of the feed, each with its validation errors and how it compares with
the catalogue (new, changed, unchanged). Nothing reaches the catalogue until the vendor
publishes. ``checkpoint`` is the number of feed rows whose staging is committed: a job that
was interrupted resumes there, and ``(job, row_number)`` is unique so no row is staged twice.

A ``Feed`` is a URL a vendor configured: imported on demand ("Import now") and, when it has a
``sync_every``, by the scheduled ``marketplace.sync_feeds`` (services/syncing.py); with
``auto_publish`` a clean import (no error rows) is published without review.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from modules.marketplace.storage import import_storage


def _upload_path(job: ImportJob, filename: str) -> str:
    return f"vendor-{job.vendor_id}/{filename}"


class ImportJob(models.Model):
    """One reading of a vendor's feed into staging, and its publication."""

    class Source(models.TextChoices):
        UPLOAD = "upload", pgettext_lazy("import source", "upload")
        URL = "url", pgettext_lazy("import source", "feed URL")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("import", "pending")
        RUNNING = "running", pgettext_lazy("import", "running")
        STAGED = "staged", pgettext_lazy("import", "staged")
        PUBLISHING = "publishing", pgettext_lazy("import", "publishing")
        PUBLISHED = "published", pgettext_lazy("import", "published")
        FAILED = "failed", pgettext_lazy("import", "failed")
        CANCELLED = "cancelled", pgettext_lazy("import", "cancelled")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("marketplace", "vendor"),
    )
    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("platform"),
    )
    source = models.CharField(
        pgettext_lazy("import", "source"), max_length=10, choices=Source.choices
    )
    file = models.FileField(
        _("file"), storage=import_storage, upload_to=_upload_path, blank=True, max_length=255
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    feed_url = models.URLField(_("feed URL"), blank=True, max_length=500)
    format = models.CharField(
        pgettext_lazy("import", "format"), max_length=10, choices=Format.choices
    )
    status = models.CharField(
        pgettext_lazy("import", "status"),
        max_length=12,
        choices=Status.choices,
        default=Status.PENDING,
    )
    total_rows = models.PositiveIntegerField(_("rows in the feed"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    checkpoint = models.PositiveIntegerField(_("rows committed"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    new_count = models.PositiveIntegerField(pgettext_lazy("import", "new"), default=0)
    changed_count = models.PositiveIntegerField(pgettext_lazy("import", "changed"), default=0)
    unchanged_count = models.PositiveIntegerField(pgettext_lazy("import", "unchanged"), default=0)
    created_products = models.PositiveIntegerField(_("products created"), default=0)
    updated_products = models.PositiveIntegerField(_("products updated"), default=0)
    error_message = models.TextField(_("error"), blank=True)
    cancel_requested = models.BooleanField(
        pgettext_lazy("import", "cancellation requested"), default=False
    )
    feed = models.ForeignKey(
        "marketplace.Feed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=pgettext_lazy("marketplace", "feed"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("import", "created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    staged_at = models.DateTimeField(_("staged"), null=True, blank=True)
    publish_started_at = models.DateTimeField(_("publishing started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["vendor", "-created_at"], name="marketplace_job_recent")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name or self.feed_url}"

    @property
    def source_name(self) -> str:
        """What was read, as people call it: the file's name or the feed's URL."""
        return self.file_name or self.feed_url


class StagedProduct(models.Model):
    """One row of a feed, validated and compared with the catalogue, waiting to be published."""

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("staged product", "new")
        CHANGED = "changed", pgettext_lazy("staged product", "changed")
        UNCHANGED = "unchanged", pgettext_lazy("staged product", "unchanged")
        ERROR = "error", pgettext_lazy("staged product", "error")

    class Decision(models.TextChoices):
        PUBLISH = "publish", pgettext_lazy("staged product", "publish")
        SKIP = "skip", pgettext_lazy("staged product", "skip")

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("marketplace", "vendor"),
    )
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="staged", verbose_name=_("import job")
    )
    row_number = models.PositiveIntegerField(_("row"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    image_urls = models.JSONField(_("image URLs"), default=list, blank=True)
    # A JSON feed's numbers are read as Decimal (exact): kept as the text they were written as.
    raw = models.JSONField(_("row as read"), default=dict, encoder=DjangoJSONEncoder)
    state = models.CharField(
        pgettext_lazy("staged product", "state"), max_length=10, choices=State.choices
    )
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    decision = models.CharField(
        pgettext_lazy("staged product", "decision"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.PUBLISH,
    )
    published = models.BooleanField(pgettext_lazy("staged product", "published"), default=False)
    product_id = models.PositiveBigIntegerField(_("product"), null=True, blank=True)
    images_fetched = models.BooleanField(
        _("images fetched"),
        default=False,
        help_text=_("Every image of the row arrived: a later run of the image task skips it."),
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["job", "row_number"]
        verbose_name = _("staged product")
        verbose_name_plural = _("staged products")
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="marketplace_staged_row"),
        ]
        indexes = [
            models.Index(fields=["job", "state", "row_number"], name="marketplace_staged_state"),
            models.Index(fields=["job", "sku"], name="marketplace_staged_sku"),
            # The last published row of a SKU: the images an import gave it (staging compares).
            models.Index(
                fields=["vendor", "sku", "-job"],
                condition=models.Q(published=True),
                name="marketplace_staged_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku or '?'} (row {self.row_number})"


class Feed(models.Model):
    """A product feed a vendor publishes at a URL, imported on demand or on a schedule."""

    class SyncEvery(models.TextChoices):
        OFF = "off", pgettext_lazy("feed sync", "never (import by hand)")
        DAILY = "daily", pgettext_lazy("feed sync", "daily")
        WEEKLY = "weekly", pgettext_lazy("feed sync", "weekly")

    # How often the schedule imports a feed, by sync_every (off: only by hand).
    INTERVALS = {  # noqa: RUF012 - a constant, not a field
        SyncEvery.DAILY: datetime.timedelta(days=1),
        SyncEvery.WEEKLY: datetime.timedelta(days=7),
    }

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("marketplace", "vendor"),
    )
    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("platform"),
    )
    name = models.CharField(pgettext_lazy("feed", "name"), max_length=100)
    url = models.URLField(
        _("feed URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("An http or https address answering the feed."),
    )
    format = models.CharField(
        pgettext_lazy("import", "format"),
        max_length=10,
        choices=ImportJob.Format.choices,
        default=ImportJob.Format.CSV,
    )
    sync_every = models.CharField(
        pgettext_lazy("feed", "import automatically"),
        max_length=10,
        choices=SyncEvery.choices,
        default=SyncEvery.OFF,
    )
    auto_publish = models.BooleanField(
        pgettext_lazy("feed", "publish without review"),
        default=False,
        help_text=_(
            "Publish an import at once when none of its rows has an error; "
            "otherwise it waits for your review."
        ),
    )
    enabled = models.BooleanField(pgettext_lazy("feed", "enabled"), default=True)
    last_synced_at = models.DateTimeField(_("last imported"), null=True, blank=True)
    last_job = models.ForeignKey(
        ImportJob,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last import"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("feed", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("feed", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = pgettext_lazy("marketplace", "feed")
        verbose_name_plural = pgettext_lazy("marketplace", "feeds")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "url"], name="marketplace_feed_url"),
        ]

    def __str__(self) -> str:
        return self.name
