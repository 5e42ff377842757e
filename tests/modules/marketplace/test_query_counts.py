"""Staging and publishing cost a fixed number of queries a batch, whatever the batch holds: the
count grows with the number of batches, never with the rows (no query per row creeping in).
Measured at three feed sizes with batches of 100 rows. ``COPY`` on PostgreSQL is not counted
by Django, so the figures are per database; what is asserted holds on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.marketplace.services import publishing, staging
from tests.modules.marketplace.conftest import make_job

pytestmark = pytest.mark.django_db

BATCH = 100
# What one batch may cost at most (locks, the comparison, the writes, the counts).
STAGE_PER_BATCH = 10
PUBLISH_PER_BATCH = 20


def feed(prefix: str, rows: int) -> bytes:
    lines = ["sku,title,price,quantity,category,image_urls"]
    lines += [
        f"{prefix}-{n},Produit {n},{n}.50,{n % 7},Obst,https://images.example.com/{prefix}-{n}.jpg"
        for n in range(1, rows + 1)
    ]
    return "\n".join(lines).encode()


def counted(shop, platform, prefix: str, rows: int) -> tuple[int, int]:
    """Queries to stage and to publish a feed of ``rows`` new products."""
    job = make_job(shop, feed(prefix, rows), platform=platform)
    with CaptureQueriesContext(connection) as staged:
        job = staging.stage(job, batch_size=BATCH)
    with CaptureQueriesContext(connection) as published:
        job = publishing.publish(job, batch_size=BATCH)
    assert (job.created_products, job.error_rows) == (rows, 0)
    return len(staged), len(published)


def test_queries_grow_with_batches_not_rows(shop, platform, modules_on):
    counted(shop, platform, "WARM", BATCH)  # the category, the stock location, cached lookups
    one = counted(shop, platform, "ONE", BATCH)
    two = counted(shop, platform, "TWO", 2 * BATCH)
    eight = counted(shop, platform, "EIGHT", 8 * BATCH)

    for phase, ceiling in ((0, STAGE_PER_BATCH), (1, PUBLISH_PER_BATCH)):
        per_batch = two[phase] - one[phase]
        assert 0 < per_batch <= ceiling, (phase, one, two, eight)
        assert eight[phase] - two[phase] == 6 * per_batch, (phase, one, two, eight)
