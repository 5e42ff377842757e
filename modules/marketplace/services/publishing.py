"""Publishing a staged job to the catalogue: products created or updated by SKU, stock set.

Only rows the vendor left to publish, that are new or changed and not yet published, are
taken, a batch at a time. A batch is one transaction: its products, their default variants,
their stock levels and the rows' ``published`` flags commit together or not at all, so a
failure leaves nothing half-published and publishing again takes up the rest. A row published
once is never taken again, and an unchanged product is not written: publishing twice changes
nothing.

Products are written in bulk (one insert or update per batch) rather than through
``catalog.services.products.save_product`` one at a time, which would cost ten queries a row;
the rows were checked as the catalogue checks them (``rows.check``). Stock goes through the
stock contract (inventory, which marketplace requires) in one ``set_levels`` per batch, only
where the feed's quantity differs from what is on hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_scopes import scope

from modules.catalog.models import Category, Product, Variant
from modules.catalog.services.categories import add_category, changed_on_commit
from modules.catalog.services.errors import CatalogError
from modules.inventory.services import stock_of
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import jobs, stats
from modules.marketplace.services.staging import BATCH_SIZE, Progress
from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, StockProvider

Status = ImportJob.Status
State = StagedProduct.State


class NotPublishable(Exception):  # noqa: N818
    """The job is not staged (still running, failed, cancelled)."""


def publish(
    job: ImportJob, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> ImportJob:
    """Publish the job's rows marked publish; the job, published. Again: nothing changes."""
    with scope(vendor=job.vendor_id):
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status == Status.PUBLISHED:
                job.refresh_from_db()
                return job
            if locked.status not in (Status.STAGED, Status.PUBLISHING):
                raise NotPublishable(locked.status)
            locked.status = Status.PUBLISHING
            locked.save(update_fields=["status"])
        stock = _stock_keeper(job)
        categories: dict[str, Category | None] = {}
        while True:
            ids = list(
                _pending(job).order_by("row_number").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _publish_batch(job, ids, stock, categories)
            if progress:
                job.refresh_from_db()
                progress(job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.PUBLISHED, finished_at=timezone.now()
        )
        stats.jobs_changed(job.vendor_id)
        job.refresh_from_db()
        jobs.announce(job)
    return job


def pending_count(job: ImportJob) -> int:
    """How many rows the next publish would take."""
    return _pending(job).count()


def _pending(job: ImportJob) -> Any:
    return StagedProduct.objects.filter(
        job=job,
        decision=StagedProduct.Decision.PUBLISH,
        published=False,
        state__in=(State.NEW, State.CHANGED),
    )


def _stock_keeper(job: ImportJob) -> StockProvider:
    """Inventory, through the contract: marketplace requires it wherever it is enabled."""
    enabled = state.state_for_platform(job.platform_id).enabled if job.platform_id else set()
    return provider_for(STOCK, {"inventory", *enabled})


def _publish_batch(
    job: ImportJob, ids: list[int], stock: StockProvider, categories: dict[str, Category | None]
) -> None:
    created = updated = 0
    with transaction.atomic():
        rows = list(
            StagedProduct.objects.select_for_update()
            .filter(pk__in=ids, published=False)
            .order_by("row_number")
        )
        skus = [row.sku for row in rows]
        products = {p.sku: p for p in Product.objects.select_for_update().filter(sku__in=skus)}
        taken = set(
            Variant.objects.filter(sku__in=skus)
            .exclude(product__sku=F("sku"), is_default=True)
            .values_list("sku", flat=True)
        )
        now = timezone.now()
        new, changed, refused = [], [], []
        for row in rows:
            if row.sku in taken:
                row.state = State.ERROR
                row.errors = {"sku": [_("Another product's variant has this SKU.")]}
                refused.append(row)
                continue
            category = _category(job, row.category, categories)
            product = products.get(row.sku)
            if product is None:
                product = Product(
                    vendor_id=job.vendor_id,
                    sku=row.sku,
                    slug=_slug(row),
                    status=Product.Status.ACTIVE,
                    published_at=now,
                )
                new.append(product)
            else:
                changed.append(product)
            product.title, product.description = row.title, row.description
            product.price, product.currency, product.category = row.price, row.currency, category
            product.updated_at = now
            products[row.sku] = product
        Product.objects.bulk_create(new)
        Variant.objects.bulk_create(
            Variant(vendor_id=job.vendor_id, product=p, sku=p.sku, is_default=True) for p in new
        )
        Product.objects.bulk_update(
            changed,
            ["title", "description", "price", "currency", "category", "updated_at"],
            batch_size=100,  # Django's CASE per row grows slow to compile beyond that
        )
        created, updated = len(new), len(changed)
        _set_stock(job, [r for r in rows if r not in refused], products, stock)
        for row in refused:
            row.save(update_fields=["state", "errors"])
        StagedProduct.objects.filter(pk__in=[r.pk for r in rows if r not in refused]).update(
            published=True,
            product_id=Subquery(
                Product.objects.filter(vendor_id=job.vendor_id, sku=OuterRef("sku")).values("pk")
            ),
        )
        ImportJob.objects.filter(pk=job.pk).update(
            created_products=F("created_products") + created,
            updated_products=F("updated_products") + updated,
            error_rows=F("error_rows") + len(refused),
        )
        changed_on_commit(job.vendor_id)


def _slug(row: StagedProduct) -> str:
    """Unique per vendor because the SKU is: the title's slug ending in the SKU's."""
    tail = slugify(row.sku)[:60] or "item"
    return f"{slugify(row.title)[: 199 - len(tail)]}-{tail}".strip("-")


def _category(job: ImportJob, name: str, cache: dict[str, Category | None]) -> Category | None:
    """The vendor's category called ``name`` (a new root category if there is none, None if
    the catalogue refuses the name)."""
    if not name:
        return None
    if name not in cache:
        found = Category.objects.filter(name=name).order_by("depth", "path").first()
        if found is None:
            try:
                found = add_category(job.vendor, name)
            except CatalogError:  # a name the catalogue refuses: the product goes without
                found = None
        cache[name] = found
    return cache[name]


def _set_stock(
    job: ImportJob,
    rows: Iterable[StagedProduct],
    products: dict[str, Product],
    stock: StockProvider,
) -> None:
    wanted = {r.sku: r.quantity for r in rows if r.quantity is not None}
    if not wanted:
        return
    variants = dict(
        Variant.objects.filter(
            product__in=[products[sku] for sku in wanted], is_default=True
        ).values_list("product__sku", "pk")
    )
    levels = stock_of(job.vendor_id, variants.values())
    changes = {
        variants[sku]: quantity
        for sku, quantity in wanted.items()
        if sku in variants  # a product with options keeps stock per variant, not in the feed
        and (not levels[variants[sku]].tracked or levels[variants[sku]].on_hand != quantity)
    }
    if changes:
        stock.set_levels(
            job.vendor_id, changes, reason=_("Marketplace import #%(job)s") % {"job": job.pk}
        )
