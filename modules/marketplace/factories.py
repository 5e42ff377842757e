"""factory-boy factories of marketplace's models (tests, the isolation walk).

An ``ImportJobFactory`` job is staged from a small CSV kept in memory, without running the
staging service; a ``StagedProductFactory`` row is a valid new product of that job; a
``FeedFactory`` feed is a daily CSV feed on one of the vendor's platforms (a new one if none).
"""

from __future__ import annotations

from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from modules.marketplace.models import Feed, ImportJob, StagedProduct
from modules.tenancy.factories import ScopeFreeFactory
from modules.tenancy.models import VendorPlatform
from orion_core.testing import PlatformFactory

SAMPLE_CSV = b"sku,title,price,quantity\nSAMPLE-1,Sample,9.90,3\n"


class ImportJobFactory(ScopeFreeFactory):
    class Meta:
        model = ImportJob

    vendor = factory.SubFactory("modules.tenancy.factories.VendorFactory")
    source = ImportJob.Source.UPLOAD
    format = ImportJob.Format.CSV
    file_name = "products.csv"
    file = factory.LazyFunction(lambda: ContentFile(SAMPLE_CSV, name="products.csv"))
    status = ImportJob.Status.STAGED
    total_rows = 1
    rows_done = 1
    checkpoint = 1
    new_count = 1


class StagedProductFactory(ScopeFreeFactory):
    class Meta:
        model = StagedProduct

    job = factory.SubFactory(ImportJobFactory)
    vendor = factory.SelfAttribute("job.vendor")
    row_number = factory.Sequence(lambda n: n + 1)
    sku = factory.Sequence(lambda n: f"STAGED-{n:05d}")
    title = factory.Sequence(lambda n: f"Staged product {n}")
    price = Decimal("9.90")
    currency = "EUR"
    quantity = 3
    state = StagedProduct.State.NEW
    raw = factory.LazyAttribute(lambda row: {"sku": row.sku, "title": row.title, "price": "9.90"})


def _platform_of(feed: object) -> object:
    """The platform the feed's vendor sells on (the first), or a new one."""
    link = (
        VendorPlatform.objects.with_scopes_disabled()  # type: ignore[attr-defined]
        .filter(vendor=feed.vendor)  # type: ignore[attr-defined]
        .select_related("platform")
        .first()
    )
    return link.platform if link else PlatformFactory()


class FeedFactory(ScopeFreeFactory):
    class Meta:
        model = Feed

    vendor = factory.SubFactory("modules.tenancy.factories.VendorFactory")
    platform = factory.LazyAttribute(_platform_of)
    name = factory.Sequence(lambda n: f"Feed {n}")
    url = factory.Sequence(lambda n: f"https://feeds.example.com/{n}/products.csv")
    format = ImportJob.Format.CSV
    sync_every = Feed.SyncEvery.DAILY
