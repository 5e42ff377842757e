"""Staging a job's feed: every row checked, compared with the catalogue and written, in batches.

Each batch of rows is one transaction that writes its staged rows with one bulk insert and
moves the job's checkpoint and counts past them. A worker that dies loses at most the batch it
was writing; running the job again skips the rows below the checkpoint, and the unique
``(job, row_number)`` is the backstop that no row is staged twice.
Batches hold ``MARKETPLACE_IMPORT_BATCH_SIZE`` rows (default 2,000): smaller ones lose less to a
crash and show progress more often, at the cost of more transactions (a batch's fixed part, its
locks, lookups and round trips, is about ten queries: 2,000 rows a batch imported 40-70% faster
than 500 on PostgreSQL, bench/import.py). Between batches the job
may be cancelled. A file that cannot be imported (``FeedError``) is refused before any row is
staged: ``feeds.inspect`` walks it whole first.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from modules.catalog.models import Product, Variant
from modules.inventory.services import stock_of
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import feeds, rows, stats
from orion_core import bulk

log = logging.getLogger(__name__)

BATCH_SIZE = 2000  # rows per batch, unless MARKETPLACE_IMPORT_BATCH_SIZE says otherwise
Progress = Callable[[ImportJob], None]

State = StagedProduct.State
Decision = StagedProduct.Decision
Status = ImportJob.Status


class Cancelled(Exception):  # noqa: N818 - what happened
    """The job was cancelled between two batches."""


def opener(job: ImportJob) -> feeds.Opener:
    """How to open the job's file (again: it is read twice, to inspect and to stage)."""

    @contextlib.contextmanager
    def _open() -> Iterator[IO[bytes]]:
        handle = job.file.storage.open(job.file.name, "rb")
        try:
            yield handle
        finally:
            handle.close()

    return _open  # type: ignore[return-value]


def configured_batch_size() -> int:
    """Rows per batch, staging and publishing: ``MARKETPLACE_IMPORT_BATCH_SIZE`` or ours."""
    return int(getattr(settings, "MARKETPLACE_IMPORT_BATCH_SIZE", BATCH_SIZE))


def stage(
    job: ImportJob,
    *,
    batch_size: int | None = None,
    progress: Progress | None = None,
    open_file: feeds.Opener | None = None,
) -> ImportJob:
    """Stage the rows of ``job``'s feed from its checkpoint on, ``batch_size`` rows (default:
    the setting) per transaction; the job as it ends (staged, failed or cancelled). A job
    already past staging is returned as it is."""
    batch_size = batch_size or configured_batch_size()
    with scope(vendor=job.vendor_id):
        return _stage(job, batch_size, progress, open_file)


def _stage(
    job: ImportJob, batch_size: int, progress: Progress | None, open_file: feeds.Opener | None
) -> ImportJob:
    if not _start(job):
        job.refresh_from_db()
        return job
    open_file = open_file or opener(job)
    try:
        if job.total_rows is None:
            job.total_rows = feeds.inspect(open_file, job.format)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
        batch: list[tuple[int, dict[str, Any]]] = []
        for number, raw in enumerate(feeds.rows(open_file, job.format), start=1):
            if number <= job.checkpoint:
                continue
            batch.append((number, raw))
            if len(batch) >= batch_size:
                _stage_batch(job, batch)
                batch = []
                _after_batch(job, progress)
        if batch:
            _stage_batch(job, batch)
            _after_batch(job, progress)
    except feeds.FeedError as exc:
        return fail(job, str(exc))
    except Cancelled:
        return job
    ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.STAGED, staged_at=timezone.now()
    )
    stats.jobs_changed(job.vendor_id)
    job.refresh_from_db()
    return job


def _start(job: ImportJob) -> bool:
    """Mark ``job`` running; False when it is not pending or running (nothing to stage)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (Status.PENDING, Status.RUNNING):
            return False
        if locked.cancel_requested:
            _cancel(locked)
            return False
        locked.status = Status.RUNNING
        locked.started_at = locked.started_at or timezone.now()
        locked.save(update_fields=["status", "started_at"])
    job.refresh_from_db()
    return True


def _after_batch(job: ImportJob, progress: Progress | None) -> None:
    job.refresh_from_db()
    if progress:
        progress(job)
    job.cancel_requested = (
        ImportJob.objects.filter(pk=job.pk).values_list("cancel_requested", flat=True).get()
    )
    if job.cancel_requested:
        _cancel(job)
        raise Cancelled


def _cancel(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=Status.CANCELLED, finished_at=timezone.now())
    stats.jobs_changed(job.vendor_id)
    job.refresh_from_db()


def fail(job: ImportJob, message: str) -> ImportJob:
    """End ``job`` as failed with ``message``; whatever it staged goes (nothing half-way)."""
    log.warning("Import job %s failed: %s", job.pk, message)
    with transaction.atomic(), scope(vendor=job.vendor_id):  # also called from outside
        StagedProduct.objects.filter(job=job).delete()
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED,
            error_message=message,
            finished_at=timezone.now(),
            checkpoint=0,
            rows_done=0,
            error_rows=0,
            new_count=0,
            changed_count=0,
            unchanged_count=0,
        )
        stats.jobs_changed(job.vendor_id)
    job.refresh_from_db()
    return job


# What a staged row is written with (``bulk.insert``: no model instance, no per-value compile).
STAGED_COLUMNS = (
    "vendor",
    "job",
    "row_number",
    "sku",
    "title",
    "description",
    "price",
    "currency",
    "quantity",
    "category",
    "image_urls",
    "raw",
    "state",
    "errors",
    "decision",
)
_SKIPPED = (State.ERROR, State.UNCHANGED)


def _stage_batch(job: ImportJob, batch: list[tuple[int, dict[str, Any]]]) -> None:
    """Check, compare and write one batch, and move the checkpoint past it, atomically."""
    checked = [(number, raw, rows.check(raw)) for number, raw in batch]
    skus = {row.sku for _n, _raw, row in checked if not row.errors}
    seen = set(
        StagedProduct.objects.filter(job=job, sku__in=skus, row_number__lt=batch[0][0])
        .exclude(state=State.ERROR)
        .order_by()
        .values_list("sku", flat=True)
    )
    current = _catalogue(job.vendor_id, skus)
    staged = []
    for number, raw, row in checked:
        if not row.errors and row.sku in seen:
            row.error("sku", _("This SKU appears earlier in the file."))
        state = State.ERROR if row.errors else _compare(row, current.get(row.sku))
        if state != State.ERROR:
            seen.add(row.sku)
        staged.append(
            (
                job.vendor_id,
                job.pk,
                number,
                row.sku[:64],
                row.title[:200],
                row.description,
                row.price,
                row.currency[:3],
                row.quantity,
                row.category,
                row.image_urls,
                raw,
                state,
                row.errors,
                Decision.SKIP if state in _SKIPPED else Decision.PUBLISH,
            )
        )
    last = batch[-1][0]
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().only("checkpoint").get(pk=job.pk)
        if locked.checkpoint >= last:
            return  # another run of this job staged the batch already
        # Rows a run that died after its checkpoint was lost may have left: kept, not counted.
        # The job's lock keeps any other run out until this batch commits.
        present = set(
            StagedProduct.objects.filter(job=job, row_number__gte=batch[0][0], row_number__lte=last)
            .order_by()
            .values_list("row_number", flat=True)
        )
        if present:
            staged = [row for row in staged if row[2] not in present]
        counts = Counter(row[12] for row in staged)
        bulk.insert(StagedProduct, STAGED_COLUMNS, staged)
        ImportJob.objects.filter(pk=job.pk).update(
            checkpoint=last,
            rows_done=last,
            error_rows=F("error_rows") + counts[State.ERROR],
            new_count=F("new_count") + counts[State.NEW],
            changed_count=F("changed_count") + counts[State.CHANGED],
            unchanged_count=F("unchanged_count") + counts[State.UNCHANGED],
        )


def _catalogue(vendor_id: int, skus: set[str]) -> dict[str, dict[str, Any]]:
    """What the catalogue holds of ``skus`` now: product fields and on-hand stock, and the
    image addresses the last import that published the SKU gave it (``last_images``: None if
    none did)."""
    if not skus:
        return {}
    last_published = StagedProduct.objects.filter(
        vendor_id=vendor_id, sku=OuterRef("sku"), published=True
    ).order_by("-job_id")
    products = {
        p["sku"]: p
        for p in Product.objects.filter(sku__in=skus)
        .annotate(last_images=Subquery(last_published.values("image_urls")[:1]))
        .order_by()
        .values(
            "pk",
            "sku",
            "title",
            "description",
            "price",
            "currency",
            "category__name",
            "last_images",
        )
    }
    by_product = {p["pk"]: sku for sku, p in products.items()}
    defaults = {
        by_product[product]: pk
        for product, pk in Variant.objects.filter(product_id__in=list(by_product), is_default=True)
        .order_by()
        .values_list("product_id", "pk")
    }
    stock = stock_of(vendor_id, defaults.values())
    for sku, product in products.items():
        level = stock.get(defaults.get(sku, 0))
        product["quantity"] = level.on_hand if level and level.tracked else None
    return products


def _compare(row: rows.Row, product: dict[str, Any] | None) -> str:
    """New, changed or unchanged: a product differs when a field the feed gives differs, or
    when the row names an image no import of the SKU has given it yet (an image the feed
    dropped is not a change: imports never take images away)."""
    if product is None:
        return State.NEW
    same = (
        product["title"] == row.title
        and product["description"] == row.description
        and product["price"] == row.price
        and product["currency"] == row.currency
        and (product["category__name"] or "") == row.category
        and (row.quantity is None or product["quantity"] == row.quantity)
        and set(row.image_urls) <= set(product["last_images"] or ())
    )
    return State.UNCHANGED if same else State.CHANGED
