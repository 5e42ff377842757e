"""Staging feeds: rows checked one by one, compared with the catalogue, written in batches that
resume at their checkpoint; files that cannot be imported refused before anything is staged."""

from __future__ import annotations

import time
from decimal import Decimal
from unittest import mock

import pytest
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import staging
from tests.modules.marketplace.conftest import make_job, sample, write_big_csv

pytestmark = pytest.mark.django_db

State = StagedProduct.State


def staged(job) -> list[StagedProduct]:
    with scopes_disabled():
        return list(StagedProduct.objects.filter(job=job).order_by("row_number"))


def test_sample_csv_stages_every_row_with_its_errors(shop):
    job = staging.stage(make_job(shop, sample("products.csv")))

    assert job.status == ImportJob.Status.STAGED
    assert (job.total_rows, job.rows_done, job.checkpoint) == (10, 10, 10)
    assert (job.new_count, job.error_rows) == (5, 5)
    rows = {row.row_number: row for row in staged(job)}
    assert rows[1].title == "Crémant de Luxembourg Brut"
    assert rows[2].image_urls == [
        "https://images.example.com/lz-1002.jpg",
        "https://images.example.com/lz-1002-b.jpg",
    ]
    assert rows[3].price == Decimal("12.80")  # a decimal comma
    assert rows[3].description == 'Mit Quark, ohne Boden "klassisch"'
    assert rows[4].quantity is None
    assert rows[10].title == "Thé vert 日本茶 Sencha"
    assert set(rows[5].errors) == {"sku"}
    assert set(rows[6].errors) == {"price"}
    assert set(rows[7].errors) == {"currency"}
    assert set(rows[8].errors) == {"quantity", "image_urls"}
    assert rows[9].errors == {"sku": ["This SKU appears earlier in the file."]}
    assert {r.state for n, r in rows.items() if n in (5, 6, 7, 8, 9)} == {State.ERROR}
    assert rows[6].raw["price"] == "not-a-price"
    assert rows[1].decision == StagedProduct.Decision.PUBLISH
    assert rows[6].decision == StagedProduct.Decision.SKIP


def test_sample_json_streams_an_array_of_objects(shop):
    job = staging.stage(make_job(shop, sample("products.json"), "products.json"))

    assert job.status == ImportJob.Status.STAGED
    assert (job.total_rows, job.new_count, job.error_rows) == (5, 3, 2)
    rows = {row.row_number: row for row in staged(job)}
    assert rows[1].price == Decimal("24.50")
    assert rows[1].raw["price"] == "24.5"
    assert rows[2].currency == "EUR"
    assert set(rows[4].errors) == {"title"}
    assert set(rows[5].errors) == {"price"}


def test_rows_compare_with_the_catalogue_by_sku(shop):
    ProductFactory(
        vendor=shop,
        sku="LZ-1001",
        title="Crémant de Luxembourg Brut",
        price=Decimal("14.90"),
        description="Méthode traditionnelle, 75 cl",
        currency="EUR",
    )
    ProductFactory(vendor=shop, sku="LZ-1002", title="Old title", price=Decimal("19.50"))
    content = (
        sample("products.csv")
        .replace(b",48,Vins", b",,")  # no stock, no category
        .replace(b"https://images.example.com/lz-1001.jpg", b"")  # no image
    )

    job = staging.stage(make_job(shop, content))

    rows = {row.sku: row for row in staged(job) if not row.errors}
    assert rows["LZ-1001"].state == State.UNCHANGED
    assert rows["LZ-1001"].decision == StagedProduct.Decision.SKIP
    assert rows["LZ-1002"].state == State.CHANGED
    assert rows["LZ-1003"].state == State.NEW
    assert (job.new_count, job.changed_count, job.unchanged_count) == (3, 1, 1)


def test_another_vendors_product_does_not_count(shop, other_shop):
    ProductFactory(vendor=other_shop, sku="LZ-1001", title="Theirs")

    job = staging.stage(make_job(shop, sample("products.csv")))

    assert {r.state for r in staged(job) if r.sku == "LZ-1001"} == {State.NEW}


def test_ten_thousand_rows_with_two_percent_broken(shop, tmp_path):
    path = tmp_path / "big.csv"
    bad = write_big_csv(path, 10_000)
    job = make_job(shop, path.read_bytes())

    started = time.monotonic()
    job = staging.stage(job)
    elapsed = time.monotonic() - started

    assert job.status == ImportJob.Status.STAGED
    assert (job.total_rows, job.checkpoint) == (10_000, 10_000)
    assert job.error_rows == len(bad) == 200
    assert job.new_count == 9_800
    with scopes_disabled():
        errors = set(
            StagedProduct.objects.filter(job=job, state=State.ERROR).values_list(
                "row_number", flat=True
            )
        )
        assert StagedProduct.objects.filter(job=job).count() == 10_000
    assert errors == bad
    assert elapsed < 30  # ~3 s alone: bulk writes, not a query a row


def test_a_crash_half_way_resumes_at_the_checkpoint(shop, tmp_path):
    path = tmp_path / "big.csv"
    write_big_csv(path, 2_000)
    job = make_job(shop, path.read_bytes())
    real = staging._stage_batch
    calls = {"n": 0}

    def crash_on_third(job, batch):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(job, batch)

    with mock.patch.object(staging, "_stage_batch", crash_on_third), pytest.raises(RuntimeError):
        staging.stage(job, batch_size=500)
    job.refresh_from_db()
    assert (job.status, job.checkpoint) == (ImportJob.Status.RUNNING, 1_000)

    job = staging.stage(job, batch_size=500)

    assert (job.status, job.checkpoint, job.rows_done) == (ImportJob.Status.STAGED, 2_000, 2_000)
    assert [row.row_number for row in staged(job)] == list(range(1, 2_001))
    assert job.new_count + job.error_rows == 2_000


def test_a_batch_staged_twice_is_written_once(shop):
    job = make_job(shop, sample("products.csv"))
    job = staging.stage(job)
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, checkpoint=5)
    job.refresh_from_db()

    job = staging.stage(job)

    assert len(staged(job)) == 10
    assert job.checkpoint == 10


def test_cancelled_between_batches(shop, tmp_path):
    path = tmp_path / "big.csv"
    write_big_csv(path, 1_500)
    job = make_job(shop, path.read_bytes())

    def cancel(current):  # runs inside the vendor's scope
        ImportJob.objects.filter(pk=current.pk).update(cancel_requested=True)

    job = staging.stage(job, progress=cancel, batch_size=500)

    assert (job.status, job.checkpoint) == (ImportJob.Status.CANCELLED, 500)


def test_the_batch_size_is_a_setting(shop, settings):
    settings.MARKETPLACE_IMPORT_BATCH_SIZE = 4
    checkpoints = []

    job = staging.stage(
        make_job(shop, sample("products.csv")), progress=lambda j: checkpoints.append(j.checkpoint)
    )

    assert checkpoints == [4, 8, 10]  # a transaction per 4 rows, the last one shorter
    assert job.status == ImportJob.Status.STAGED
    checkpoints.clear()
    staging.stage(  # a caller's own size wins
        make_job(shop, sample("products.csv")),
        batch_size=6,
        progress=lambda j: checkpoints.append(j.checkpoint),
    )
    assert checkpoints == [6, 10]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "products.csv", "The file is empty."),
        ("sku,title,price\nA-1,Café,3.00\n".encode("latin-1"), "products.csv", "not UTF-8"),
        (b"sku,name\nA-1,x\n", "products.csv", "Required columns are missing: price."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "products.csv", "not UTF-8"),
        (b"Dear vendor, here is our catalogue.", "products.csv", "Required columns"),
        (b'{"sku": "A-1"}', "products.json", "must be an array"),
        (b'[{"sku": "A-1", "title": "x", "price": 1}, {"sku": ', "products.json", "not valid JSON"),
        (b'[{"sku": "A-1"}]', "products.json", "Required columns are missing: title, price."),
        (b"sku,title,price\n", "products.xml", "Only CSV and JSON"),
    ],
)
def test_a_bad_file_fails_with_a_clear_error_and_stages_nothing(shop, content, name, message):
    job = staging.stage(make_job(shop, content, name))

    assert job.status == ImportJob.Status.FAILED
    assert message in job.error_message
    assert staged(job) == []
    assert job.checkpoint == 0


def test_an_encoding_error_late_in_the_file_stages_nothing(shop, tmp_path):
    path = tmp_path / "big.csv"
    write_big_csv(path, 1_200)
    content = path.read_bytes() + "Z-1,Caf\xe9,1.00,EUR,1,x,y\n".encode("latin-1")

    job = staging.stage(make_job(shop, content), batch_size=500)

    assert job.status == ImportJob.Status.FAILED
    assert staged(job) == []
