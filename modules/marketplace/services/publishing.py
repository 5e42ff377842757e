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

What ``save_product`` does besides writing is done here per batch. **The plan's limit**: with a
``max_products`` on the vendor's plan (``orion_core.features``; none without billing or without
a platform), each batch counts the vendor's products under a lock of the vendor's row, as the
catalogue does, and creates only as many as fit; the new rows beyond get a row error ("Your
plan allows 100 products. …", under ``plan``) and stay unpublished, while updates of existing
products go on. The job still ends published: the rest can be imported again after an
upgrade. **The event**: every product created (active at once) sends ``product_published``
once its batch commits, one event per product (the event names one product; with no receiver
an event costs about 16 µs: 0.16 s for 10,000).

Once the job is published, ``marketplace.fetch_images`` is queued (after commit) if any of its
published rows names images: downloads are slow and may fail, so they never hold up a batch.
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
from modules.catalog.services.products import PRODUCT_LIMIT, product_count
from modules.inventory.services import stock_of
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import images, jobs, stats
from modules.marketplace.services.staging import BATCH_SIZE, Progress
from modules.tenancy.models import Vendor
from orion_core import features, state
from orion_core.contracts import provider_for
from orion_core.contracts.entitlements import Limit, LimitReached
from orion_core.contracts.stock import STOCK, StockProvider
from orion_core.domain_events import product_published

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
            # Kept from the first start: a resumed run goes on from the same rate.
            locked.publish_started_at = locked.publish_started_at or timezone.now()
            locked.save(update_fields=["status", "publish_started_at"])
        stock = _stock_keeper(job)
        limit = _product_limit(job)
        categories: dict[str, Category | None] = {}
        while True:
            ids = list(
                _pending(job).order_by("row_number").values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _publish_batch(job, ids, stock, categories, limit)
            if progress:
                job.refresh_from_db()
                progress(job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.PUBLISHED, finished_at=timezone.now()
        )
        stats.jobs_changed(job.vendor_id)
        job.refresh_from_db()
        jobs.announce(job)
        if images.pending(job).exists():
            transaction.on_commit(lambda: _queue_images(job.pk))
    return job


def begin(job: ImportJob) -> bool:
    """Mark a staged job as publishing (the portal's progress bar follows it from then on)
    before its task is queued; False when it is not staged (published meanwhile, cancelled,
    a second click), and then nothing is to be queued."""
    with transaction.atomic(), scope(vendor=job.vendor_id):
        started = ImportJob.objects.filter(pk=job.pk, status=Status.STAGED).update(
            status=Status.PUBLISHING
        )
    job.refresh_from_db()
    return bool(started)


def _queue_images(job_id: int) -> None:
    from modules.marketplace import tasks  # the tasks module imports this one

    tasks.fetch_images.delay(job_id)


def pending_count(job: ImportJob) -> int:
    """How many rows the next publish would take."""
    return _pending(job).count()


def progress(job: ImportJob) -> tuple[int, int]:
    """Rows published so far and rows to publish in all (those plus the rows still pending;
    a row refused on the way leaves the total)."""
    done = job.created_products + job.updated_products
    with scope(vendor=job.vendor_id):
        return done, done + pending_count(job)


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


def _product_limit(job: ImportJob) -> Limit | None:
    """The vendor's ``max_products`` on the job's platform; None when nothing is counted (no
    platform, or an unlimited plan: then no batch takes the vendor's lock)."""
    if job.platform_id is None:
        return None
    answer = features.provider(job.platform_id).limit(job.platform_id, job.vendor_id, PRODUCT_LIMIT)
    return None if answer.unlimited else answer


def _room(job: ImportJob, limit: Limit | None) -> int:
    """How many products the vendor may still create under ``limit`` (0 without one: then it
    is not asked), counted under a lock of the vendor's row so a concurrent creation cannot
    take the same place."""
    if limit is None or limit.maximum is None:
        return 0
    Vendor.objects.select_for_update().filter(pk=job.vendor_id).values_list("pk", flat=True).get()
    return max(0, limit.maximum - product_count(job.vendor_id))


def _publish_batch(
    job: ImportJob,
    ids: list[int],
    stock: StockProvider,
    categories: dict[str, Category | None],
    limit: Limit | None,
) -> None:
    created = updated = 0
    with transaction.atomic():
        room = _room(job, limit)
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
            product = products.get(row.sku)
            if product is None and limit is not None and len(new) >= room:
                row.state = State.ERROR
                row.errors = {"plan": [_beyond(limit)]}
                refused.append(row)
                continue
            category = _category(job, row.category, categories)
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
        _announce(job, new)


def _beyond(limit: Limit) -> str:
    """The row error of a product the plan has no room for (the catalogue's own words)."""
    return str(LimitReached(limit, (limit.maximum or 0) + 1, _("products")))


def _announce(job: ImportJob, created: list[Product]) -> None:
    """``product_published`` for each product created (active), once the batch commits."""
    for product in created:
        product_published.send_on_commit(
            "marketplace",
            platform_id=job.platform_id,
            vendor_id=job.vendor_id,
            product_id=product.pk,
            title=product.title,
            sku=product.sku,
        )


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
