"""Publishing staged rows: products created or updated by SKU, stock set through the stock
contract, each batch all or nothing, and a second publish changing nothing."""

from __future__ import annotations

import time
from decimal import Decimal
from unittest import mock

import pytest
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.catalog.models import Category, Product, Variant
from modules.inventory.models import StockMovement
from modules.inventory.services import stock_of
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import publishing, staging
from tests.modules.marketplace.conftest import make_job, sample, write_big_csv

pytestmark = pytest.mark.django_db


def on_hand(vendor, skus) -> dict[str, int]:
    with scopes_disabled():
        variants = dict(
            Variant.objects.filter(vendor=vendor, sku__in=skus).values_list("pk", "sku")
        )
    return {variants[pk]: s.on_hand for pk, s in stock_of(vendor.pk, variants).items()}


def test_ten_thousand_rows_publish_create_and_update_by_sku(shop, platform, modules_on, tmp_path):
    for n in (10, 20, 30):
        ProductFactory(vendor=shop, sku=f"BIG-{n:06d}", title="Old", price=Decimal("1.00"))
    path = tmp_path / "big.csv"
    bad = write_big_csv(path, 10_000)
    job = staging.stage(make_job(shop, path.read_bytes(), platform=platform))
    assert (job.error_rows, job.new_count, job.changed_count) == (200, 9_797, 3)

    started = time.monotonic()
    job = publishing.publish(job)
    elapsed = time.monotonic() - started

    assert job.status == ImportJob.Status.PUBLISHED
    assert (job.created_products, job.updated_products) == (9_797, 3)
    with scopes_disabled():
        products = Product.objects.filter(vendor=shop)
        assert products.count() == 9_800
        assert not products.filter(sku__in=[f"BIG-{n:06d}" for n in bad]).exists()
        updated = products.get(sku="BIG-000010")
        assert (updated.title, updated.status) == ("Produit n° 10 — Äpfel", "active")
        assert updated.category.name == "Obst"
        assert Category.objects.filter(vendor=shop).count() == 1
        assert StagedProduct.objects.filter(job=job, published=True).count() == 9_800
    assert on_hand(shop, ["BIG-000001", "BIG-000039", "BIG-000010"]) == {
        "BIG-000001": 1,
        "BIG-000039": 39,
        "BIG-000010": 10,
    }
    assert elapsed < 60, elapsed  # ~10 s alone; one set_level a row took 255 s

    with scopes_disabled():
        before = (
            list(Product.objects.filter(vendor=shop).order_by("pk").values()),
            StockMovement.objects.filter(vendor=shop).count(),
        )
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.STAGED)
    job.refresh_from_db()
    job = publishing.publish(job)
    with scopes_disabled():
        after = (
            list(Product.objects.filter(vendor=shop).order_by("pk").values()),
            StockMovement.objects.filter(vendor=shop).count(),
        )
    assert after == before
    assert (job.created_products, job.updated_products) == (9_797, 3)


def test_importing_the_same_feed_again_is_unchanged(shop, platform, modules_on):
    first = publishing.publish(staging.stage(make_job(shop, sample("products.csv"))))
    assert first.created_products == 5

    again = staging.stage(make_job(shop, sample("products.csv")))

    assert (again.unchanged_count, again.new_count, again.changed_count) == (5, 0, 0)
    again = publishing.publish(again)
    assert (again.created_products, again.updated_products) == (0, 0)


def test_skipped_and_error_rows_are_not_published(shop, modules_on):
    job = staging.stage(make_job(shop, sample("products.csv")))
    with scopes_disabled():
        StagedProduct.objects.filter(job=job, sku="LZ-1001").update(decision="skip")

    publishing.publish(job)

    with scopes_disabled():
        assert sorted(Product.objects.filter(vendor=shop).values_list("sku", flat=True)) == [
            "LZ-1002",
            "LZ-1003",
            "LZ-1004",
            "LZ-1010",
        ]


def test_a_failing_batch_leaves_nothing_half_published(shop, modules_on):
    job = staging.stage(make_job(shop, sample("products.csv")))
    real = publishing._set_stock
    calls = {"n": 0}

    def fail_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(*args)

    with mock.patch.object(publishing, "_set_stock", fail_second), pytest.raises(RuntimeError):
        publishing.publish(job, batch_size=2)

    with scopes_disabled():
        assert Product.objects.filter(vendor=shop).count() == 2
        assert StagedProduct.objects.filter(job=job, published=True).count() == 2
    job = publishing.publish(job, batch_size=2)
    assert job.created_products == 5
    with scopes_disabled():
        assert Product.objects.filter(vendor=shop).count() == 5


def test_a_sku_of_another_products_variant_is_refused(shop, modules_on):
    product = ProductFactory(vendor=shop, sku="SHIRT")
    with scopes_disabled():
        Variant.objects.create(vendor=shop, product=product, sku="LZ-1003", values={"Size": "M"})
    job = staging.stage(make_job(shop, sample("products.csv")))

    job = publishing.publish(job)

    with scopes_disabled():
        row = StagedProduct.objects.get(job=job, sku="LZ-1003")
    assert (row.state, row.published) == (StagedProduct.State.ERROR, False)
    assert job.created_products == 4


def test_a_job_not_staged_cannot_be_published(shop):
    job = make_job(shop, sample("products.csv"))

    with pytest.raises(publishing.NotPublishable):
        publishing.publish(job)
