"""Publishing a staged job to the catalogue: products created or updated by SKU, stock set.

Only rows the vendor left to publish, that are new or changed and not yet published, are
taken, a batch at a time. A batch is one transaction: its products, their default variants,
their stock levels and the rows' ``published`` flags commit together or not at all, so a
failure leaves nothing half-published and publishing again takes up the rest. A row published
once is never taken again, and an unchanged product is not written: publishing twice changes
nothing.

Products are written in bulk (``orion_core.bulk``: one ``COPY`` or ``executemany`` of plain
tuples per batch, no model instance) rather than through
``catalog.services.products.save_product`` one at a time, which would cost ten queries a row;
the rows were checked as the catalogue checks them (``rows.check``). A batch is the next
pending rows past the last one taken; its SKUs are matched in the database through a subquery
of that window of rows, never sent back as thousands of parameters. Stock goes through the
stock contract (inventory, which marketplace requires) in one ``set_levels`` per batch, only
where the feed's quantity differs from what is on hand.

What ``save_product`` does besides writing is done here per batch. **The plan's limit**: with a
``max_products`` on the vendor's plan (``orion_core.features``; none without billing or without
a platform), each batch counts the vendor's products under a lock of the vendor's row, as the
catalogue does, and creates only as many as fit; the new rows beyond get a row error ("Your
plan allows 100 products. …", under ``plan``) and stay unpublished, while updates of existing
products go on. The job still ends published: the rest can be imported again after an
upgrade. **The event**: every product created (active at once) sends ``product_published``
once its batch commits, one event per product (the event names one product), the batch's all
through one commit hook (``send_each_on_commit``).

Once the job is published, ``marketplace.fetch_images`` is queued (after commit) if any of its
published rows names images: downloads are slow and may fail, so they never hold up a batch.
"""

from __future__ import annotations

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
from modules.marketplace.services import images, jobs, staging, stats
from modules.marketplace.services.staging import Progress
from modules.tenancy.models import Vendor
from orion_core import bulk, features, state
from orion_core.contracts import provider_for
from orion_core.contracts.entitlements import Limit, LimitReached
from orion_core.contracts.stock import STOCK, StockProvider
from orion_core.domain_events import product_published

Status = ImportJob.Status
State = StagedProduct.State


class NotPublishable(Exception):  # noqa: N818
    """The job is not staged (still running, failed, cancelled)."""


def publish(
    job: ImportJob, *, batch_size: int | None = None, progress: Progress | None = None
) -> ImportJob:
    """Publish the job's rows marked publish, ``batch_size`` rows (default: the setting) per
    transaction; the job, published. Again: nothing changes."""
    batch_size = batch_size or staging.configured_batch_size()
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
        after = 0
        while (after := _publish_batch(job, after, batch_size, stock, categories, limit)) > 0:
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


# What publishing reads of a staged row (a tuple, not a model instance: 10,000 of them a feed).
_ROW = ("pk", "sku", "title", "description", "price", "currency", "quantity", "category")
_NEW_COLUMNS = (
    "vendor",
    "sku",
    "slug",
    "title",
    "description",
    "price",
    "currency",
    "category",
    "status",
    "published_at",
)
_CHANGED_COLUMNS = ("title", "description", "price", "currency", "category", "updated_at")


def _publish_batch(
    job: ImportJob,
    after: int,
    size: int,
    stock: StockProvider,
    categories: dict[str, Category | None],
    limit: Limit | None,
) -> int:
    """Publish the next ``size`` pending rows past row ``after``; the last row number taken
    (0: none was left). The batch's SKUs are matched in the database (a subquery of its
    window of rows), not sent back as thousands of parameters."""
    vendor_id = job.vendor_id
    with transaction.atomic():
        room = _room(job, limit)
        rows = list(
            _pending(job)
            .select_for_update()
            .filter(row_number__gt=after)
            .order_by("row_number")
            .values_list(*_ROW, "row_number")[:size]
        )
        if not rows:
            return 0
        last = rows[-1][-1]
        window = StagedProduct.objects.filter(
            job=job, row_number__gt=after, row_number__lte=last
        ).values("sku")
        existing = dict(
            Product.objects.select_for_update()
            .filter(sku__in=window)
            .order_by()
            .values_list("sku", "pk")
        )
        taken = set(
            Variant.objects.filter(sku__in=window)
            .exclude(product__sku=F("sku"), is_default=True)
            .order_by()
            .values_list("sku", flat=True)
        )
        now = timezone.now()
        new, changed, refused, publishable = [], [], [], []
        for pk, sku, title, description, price, currency, _quantity, category, _n in rows:
            if sku in taken:
                refused.append(({"sku": [_("Another product's variant has this SKU.")]}, pk))
                continue
            product_id = existing.get(sku)
            if product_id is None and limit is not None and len(new) >= room:
                refused.append(({"plan": [_beyond(limit)]}, pk))
                continue
            category_id = _category_id(job, category, categories)
            if product_id is None:
                new.append(
                    (vendor_id, sku, _slug(sku, title), title, description, price, currency)
                    + (category_id, Product.Status.ACTIVE, now)
                )
            else:
                changed.append((title, description, price, currency, category_id, now, product_id))
            publishable.append(pk)
        bulk.insert(Product, _NEW_COLUMNS, new)
        created: dict[str, int] = {}
        if new:
            found = dict(Product.objects.filter(sku__in=window).order_by().values_list("sku", "pk"))
            created = {row[1]: found[row[1]] for row in new}
            bulk.insert(
                Variant,
                ("vendor", "product", "sku", "is_default"),
                ((vendor_id, pk, sku, True) for sku, pk in created.items()),
            )
        bulk.update(Product, _CHANGED_COLUMNS, changed)
        publishable_pks = set(publishable)
        _set_stock(
            job, [row for row in rows if row[0] in publishable_pks], existing, created, stock
        )
        bulk.update(
            StagedProduct,
            ("state", "errors"),
            ((State.ERROR, errors, pk) for errors, pk in refused),
        )
        _pending(job).filter(row_number__gt=after, row_number__lte=last).update(
            published=True,
            product_id=Subquery(
                Product.objects.filter(vendor_id=vendor_id, sku=OuterRef("sku")).values("pk")
            ),
        )
        ImportJob.objects.filter(pk=job.pk).update(
            created_products=F("created_products") + len(new),
            updated_products=F("updated_products") + len(changed),
            error_rows=F("error_rows") + len(refused),
        )
        changed_on_commit(vendor_id)
        if new:
            _announce(job, [(created[row[1]], row[3], row[1]) for row in new])
    return last


def _beyond(limit: Limit) -> str:
    """The row error of a product the plan has no room for (the catalogue's own words)."""
    return str(LimitReached(limit, (limit.maximum or 0) + 1, _("products")))


def _announce(job: ImportJob, created: list[tuple[int, str, str]]) -> None:
    """``product_published`` for each product created (active: ``(pk, title, sku)``), once the
    batch commits."""
    product_published.send_each_on_commit(
        "marketplace",
        platform_id=job.platform_id,
        vendor_id=job.vendor_id,
        payloads=[{"product_id": pk, "title": title, "sku": sku} for pk, title, sku in created],
    )


def _slug(sku: str, title: str) -> str:
    """Unique per vendor because the SKU is: the title's slug ending in the SKU's."""
    tail = slugify(sku)[:60] or "item"
    return f"{slugify(title)[: 199 - len(tail)]}-{tail}".strip("-")


def _category_id(job: ImportJob, name: str, cache: dict[str, Category | None]) -> int | None:
    """The pk of the vendor's category called ``name`` (a new root category if there is none,
    None if the catalogue refuses the name)."""
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
    return cache[name].pk if cache[name] else None


def _set_stock(
    job: ImportJob,
    rows: list[tuple[Any, ...]],
    existing: dict[str, int],
    created: dict[str, int],
    stock: StockProvider,
) -> None:
    """Stock of the published ``rows`` (``_ROW`` tuples) that name a quantity, through the
    contract, where it differs from what is on hand (a product created by this batch has no
    stock yet: not asked); ``existing`` and ``created``: SKU → product pk."""
    wanted = {row[1]: row[6] for row in rows if row[6] is not None}
    if not wanted:
        return
    products = existing | created
    skus = {products[sku]: sku for sku in wanted}
    variants = {
        skus[product]: pk
        for product, pk in Variant.objects.filter(product_id__in=list(skus), is_default=True)
        .order_by()
        .values_list("product_id", "pk")
    }
    levels = stock_of(job.vendor_id, [pk for sku, pk in variants.items() if sku in existing])
    changes = {
        variants[sku]: quantity
        for sku, quantity in wanted.items()
        if sku in variants  # a product with options keeps stock per variant, not in the feed
        and (
            sku in created
            or not levels[variants[sku]].tracked
            or levels[variants[sku]].on_hand != quantity
        )
    }
    if changes:
        stock.set_levels(
            job.vendor_id, changes, reason=_("Marketplace import #%(job)s") % {"job": job.pk}
        )
