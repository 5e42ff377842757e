"""Publishing does what ``save_product`` does besides writing: the plan's ``max_products`` (asked
through the entitlements contract, here a fixed stub of it, so billing is not needed) and
``product_published`` for every product created, after commit; and the portal's progress JSON
follows the rows published while a job publishes."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.catalog.models import Product
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import publishing, staging
from orion_core.contracts.entitlements import Entitlement, Limit, PlanTier
from orion_core.domain_events import product_published
from orion_core.modules.registry import get_registry
from tests.modules.marketplace.conftest import make_job, sample

pytestmark = pytest.mark.django_db

PLAN_ERROR = "Your plan allows 3 products. Upgrade to Growth for more."


class FixedPlan:
    """The entitlements contract answering ``max_products`` = ``maximum`` for everyone."""

    def __init__(self, maximum: int | None) -> None:
        self.maximum = maximum

    def entitlement(self, platform_id, vendor_id, feature):
        return Entitlement(feature, allowed=True)

    def limit(self, platform_id, vendor_id, name):
        if name != "max_products" or self.maximum is None:
            return Limit(name, maximum=None)
        return Limit(name, maximum=self.maximum, tiers=(PlanTier("growth", "Growth"),))


@pytest.fixture
def plan(monkeypatch):
    """The catalog (on in the tests' platform) answers entitlements with a FixedPlan."""

    def install(maximum: int | None) -> None:
        registry = get_registry()
        real = registry.provider
        monkeypatch.setattr(
            registry,
            "provider",
            lambda code, kind: (
                FixedPlan(maximum)
                if (code, kind) == ("catalog", "entitlements")
                else real(code, kind)
            ),
        )

    return install


@pytest.fixture
def heard():
    """The ``product_published`` events delivered: (sender, platform, vendor, sku, title)."""
    events = []

    def receiver(sender, *, platform_id, vendor_id, product_id, title, sku, **kwargs):
        with scopes_disabled():
            assert Product.objects.get(pk=product_id).sku == sku
        events.append((sender, platform_id, vendor_id, sku, title))

    product_published.connect(receiver, weak=False, dispatch_uid="test_marketplace_heard")
    yield events
    product_published.disconnect(dispatch_uid="test_marketplace_heard")


def staged(shop, platform) -> ImportJob:
    """The sample feed staged on ``platform`` (rows LZ-1001…1004 and LZ-1010 publishable)
    without its image URLs (nothing is fetched here)."""
    job = staging.stage(make_job(shop, sample("products.csv"), platform=platform))
    with scopes_disabled():
        StagedProduct.objects.filter(job=job).update(image_urls=[])
    return job


def skus(shop) -> set[str]:
    with scopes_disabled():
        return set(Product.objects.filter(vendor=shop).values_list("sku", flat=True))


def test_a_batch_beyond_the_plan_publishes_up_to_it(shop, platform, modules_on, plan):
    plan(3)
    ProductFactory(vendor=shop, sku="LZ-1001", title="Old")  # an update: free
    job = staged(shop, platform)

    job = publishing.publish(job, batch_size=2)

    assert job.status == ImportJob.Status.PUBLISHED
    assert (job.created_products, job.updated_products, job.error_rows) == (2, 1, 5 + 2)
    assert skus(shop) == {"LZ-1001", "LZ-1002", "LZ-1003"}
    with scopes_disabled():
        refused = StagedProduct.objects.filter(job=job, sku__in=["LZ-1004", "LZ-1010"])
        assert {(r.state, r.published, tuple(r.errors["plan"])) for r in refused} == {
            (StagedProduct.State.ERROR, False, (PLAN_ERROR,))
        }
        old = Product.objects.get(vendor=shop, sku="LZ-1001")
    assert old.title == "Crémant de Luxembourg Brut"


def test_a_full_plan_publishes_only_updates(shop, platform, modules_on, plan):
    plan(3)
    for sku in ("LZ-1001", "X-1", "X-2"):
        ProductFactory(vendor=shop, sku=sku)
    job = publishing.publish(staged(shop, platform))

    assert (job.created_products, job.updated_products) == (0, 1)
    assert skus(shop) == {"LZ-1001", "X-1", "X-2"}


def test_without_a_platform_or_a_limit_nothing_is_refused(shop, platform, modules_on, plan):
    plan(None)
    assert publishing.publish(staged(shop, platform)).created_products == 5
    plan(0)
    other = staging.stage(make_job(shop, b"sku,title,price\nN-1,New,1.00\n"))  # no platform
    assert publishing.publish(other).created_products == 1


def test_each_created_product_is_announced_after_commit(
    shop, platform, modules_on, heard, django_capture_on_commit_callbacks
):
    ProductFactory(vendor=shop, sku="LZ-1001", title="Old")  # updated: not announced
    job = staged(shop, platform)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(job, batch_size=2)
        assert heard == []  # nothing before the commit

    assert sorted(heard) == [
        ("marketplace", platform.pk, shop.pk, sku, title)
        for sku, title in sorted(
            StagedProduct.objects.with_scopes_disabled()
            .filter(job=job, published=True)
            .exclude(sku="LZ-1001")
            .values_list("sku", "title")
        )
    ]
    assert len(heard) == 4


def test_a_batch_rolled_back_announces_nothing(
    shop, platform, modules_on, heard, monkeypatch, django_capture_on_commit_callbacks
):
    job = staged(shop, platform)
    real, calls = publishing._set_stock, []

    def fail_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args)

    monkeypatch.setattr(publishing, "_set_stock", fail_second)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        publishing.publish(job, batch_size=2)

    assert sorted(event[3] for event in heard) == sorted(skus(shop)) == ["LZ-1001", "LZ-1002"]


def test_products_refused_by_the_plan_are_not_announced(
    shop, platform, modules_on, plan, heard, django_capture_on_commit_callbacks
):
    plan(1)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(staged(shop, platform))

    assert [event[3] for event in heard] == ["LZ-1001"]


def test_the_progress_json_follows_the_rows_published(shop, platform, modules_on, client_of):
    manager = client_of("manager")
    job = staged(shop, platform)
    url = f"/vendor/shop-a/marketplace/imports/{job.pk}/progress/"
    seen = []

    publishing.publish(
        job, batch_size=2, progress=lambda _job: seen.append(manager.get(url).json())
    )

    assert [(d["status"], d["rows_done"], d["total_rows"], d["percent"]) for d in seen] == [
        ("publishing", 2, 5, 40),
        ("publishing", 4, 5, 80),
        ("publishing", 5, 5, 100),
    ]
    assert {(d["unit"], d["finished"]) for d in seen} == {("rows published", False)}
    # The pace since publishing started: rows a second, and seconds left at that pace.
    assert all(d["rate"] > 0 for d in seen)
    assert seen[0]["seconds_left"] == round(3 / seen[0]["rate"]) and seen[-1]["seconds_left"] == 0
    done = manager.get(url).json()
    assert (done["status"], done["finished"], done["unit"]) == ("published", True, "rows")


def test_the_publish_button_marks_the_job_publishing_at_once(shop, platform, modules_on, client_of):
    manager = client_of("manager")
    job = staged(shop, platform)
    base = f"/vendor/shop-a/marketplace/imports/{job.pk}/"

    manager.post(f"{base}publish/")
    page = manager.get(base).content.decode()
    again = manager.post(f"{base}publish/", follow=True).content.decode()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.PUBLISHING
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert 'data-finished="0"' in page and "0 / 5 rows published" in text
    assert "Only a staged import can be published." in again
    assert manager.get(f"{base}progress/").json()["total_rows"] == 5
