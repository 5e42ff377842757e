"""Product images named by a feed, fetched after publishing (served from loopback here): checked
and stored by the cms media library, attached after the product's own images, each failure
written on its row without stopping the others, and nothing attached twice on a second run."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory
from modules.catalog.models import ProductImage
from modules.cms.factories import MediaFactory, image_bytes
from modules.cms.models import Media
from modules.cms.services.media import MIB, process_image, store_image
from modules.marketplace import tasks
from modules.marketplace.models import StagedProduct
from modules.marketplace.services import fetching, images, publishing, staging
from tests.modules.marketplace.conftest import LoopbackHandler, make_job, serving

pytestmark = pytest.mark.django_db

RED = image_bytes(colour=(200, 0, 0))
BLUE = image_bytes(fmt="JPEG", colour=(0, 0, 200))
FILES = {"/red.png": RED, "/blue.jpg": BLUE, "/text.png": b"hello, not an image"}


class ImageHandler(LoopbackHandler):
    served: list[str] = []  # noqa: RUF012 - what was asked, shared with the test

    def do_GET(self):  # noqa: N802 - http.server's name
        self.served.append(self.path)
        if self.path == "/slow.png":
            time.sleep(1.5)
        body = FILES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.answer(body)


@pytest.fixture
def server(settings):
    settings.MARKETPLACE_IMAGE_TIMEOUT = 0.3
    ImageHandler.served = []
    with serving(ImageHandler) as url:
        yield url


def feed(rows: list[tuple[str, list[str]]]) -> bytes:
    lines = ["sku,title,price,image_urls"]
    lines += [f"{sku},Product {sku},9.90,{'|'.join(urls)}" for sku, urls in rows]
    return "\n".join(lines).encode()


def published(shop, rows):
    return publishing.publish(staging.stage(make_job(shop, feed(rows))))


def shown(sku: str) -> list[tuple[int, str]]:
    """The product's images in order: (position, sha256 of the bytes they were made from)."""
    with scopes_disabled():
        return list(
            ProductImage.objects.filter(product__sku=sku)
            .order_by("position")
            .values_list("position", "media__sha256")
        )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_images_are_attached_and_each_failure_is_written_on_its_row(shop, modules_on, server):
    job = published(
        shop,
        [
            ("A-1", [f"{server}/red.png", f"{server}/blue.jpg"]),
            (
                "B-2",
                [
                    f"{server}/text.png",
                    f"{server}/missing.png",
                    f"{server}/slow.png",
                    f"{server}/red.png",
                ],
            ),
            ("C-3", []),
        ],
    )

    done = images.fetch_images(job)

    assert (done.attached, done.present, done.failed) == (3, 0, 3)
    assert shown("A-1") == [(0, sha(RED)), (1, sha(BLUE))]
    assert shown("B-2") == [(0, sha(RED))]
    with scopes_disabled():
        assert Media.objects.filter(vendor=shop).count() == 2  # red stored once, used twice
        media = Media.objects.get(vendor=shop, sha256=sha(BLUE))
        b_row = StagedProduct.objects.get(job=job, sku="B-2")
        a_row = StagedProduct.objects.get(job=job, sku="A-1")
    assert (media.original_name, media.alt_text, media.content_type) == (
        "blue.jpg",
        "Product A-1",
        "image/jpeg",
    )
    assert media.file.storage.exists(media.thumbnail_name(160))
    assert b_row.errors["images"] == [
        f"{server}/text.png: This file is not an image we can read (JPEG, PNG, WebP or GIF).",
        f"{server}/missing.png: The server answered 404.",
        f"{server}/slow.png: The server did not answer in time.",
    ]
    assert a_row.errors == {} and b_row.published


def test_a_second_run_downloads_nothing_again_and_attaches_nothing_twice(shop, modules_on, server):
    job = published(
        shop,
        [("A-1", [f"{server}/red.png", f"{server}/blue.jpg"]), ("B-2", [f"{server}/gone.png"])],
    )
    images.fetch_images(job)
    with scopes_disabled():
        before = (Media.objects.count(), ProductImage.objects.count())
    ImageHandler.served = []

    done = images.fetch_images(job)

    # A-1's images all arrived: not asked again. B-2's failed: asked again, failing again.
    assert ImageHandler.served == ["/gone.png"]
    assert (done.attached, done.present, done.failed) == (0, 0, 1)
    with scopes_disabled():
        assert (Media.objects.count(), ProductImage.objects.count()) == before
    assert shown("A-1") == [(0, sha(RED)), (1, sha(BLUE))]


def test_a_row_retried_after_a_failure_attaches_only_what_it_lacked(shop, modules_on, server):
    job = published(shop, [("A-1", [f"{server}/red.png", f"{server}/later.png"])])
    images.fetch_images(job)
    FILES["/later.png"] = BLUE
    try:
        done = images.fetch_images(job)
    finally:
        del FILES["/later.png"]

    assert (done.attached, done.present, done.failed) == (1, 1, 0)
    assert shown("A-1") == [(0, sha(RED)), (1, sha(BLUE))]
    with scopes_disabled():
        assert images.pending(job).count() == 0


def test_a_products_own_images_stay_first(shop, modules_on, server):
    product = ProductFactory(vendor=shop, sku="A-1", title="Old")
    own = MediaFactory(vendor=shop)
    with scopes_disabled():
        ProductImage.objects.create(vendor=shop, product=product, media=own, position=0)
    job = published(shop, [("A-1", [f"{server}/red.png"])])

    images.fetch_images(job)

    assert shown("A-1") == [(0, own.sha256), (1, sha(RED))]


def test_a_file_already_in_the_library_is_reused(shop, modules_on, server):
    job = published(shop, [("A-1", [f"{server}/red.png"])])
    mine = store_image(
        process_image(SimpleUploadedFile("mine.png", RED), max_bytes=MIB),
        vendor=shop,
        original_name="mine.png",
    )

    images.fetch_images(job)

    with scopes_disabled():
        assert list(ProductImage.objects.values_list("media_id", flat=True)) == [mine.pk]
        assert Media.objects.filter(vendor=shop).count() == 1


def test_a_later_run_clears_the_errors_of_an_earlier_one(shop, modules_on, server):
    job = published(shop, [("A-1", [f"{server}/later.png"])])
    images.fetch_images(job)
    with scopes_disabled():
        row = StagedProduct.objects.get(job=job)
    assert row.errors == {"images": [f"{server}/later.png: The server answered 404."]}

    FILES["/later.png"] = BLUE
    try:
        images.fetch_images(job)
    finally:
        del FILES["/later.png"]

    row.refresh_from_db()
    assert row.errors == {}
    assert shown("A-1") == [(0, sha(BLUE))]


def test_publishing_fetches_the_images_once_it_commits(
    shop, modules_on, server, django_capture_on_commit_callbacks
):
    job = staging.stage(make_job(shop, feed([("A-1", [f"{server}/red.png"])])))

    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(job)

    assert ImageHandler.served == ["/red.png"]  # the task ran (eagerly: no broker in the tests)
    assert shown("A-1") == [(0, sha(RED))]


@pytest.mark.parametrize(("urls", "queued"), [(["https://x.test/a.png"], 1), ([], 0)])
def test_the_task_is_queued_only_for_a_job_with_images(
    shop, modules_on, monkeypatch, django_capture_on_commit_callbacks, urls, queued
):
    asked = []
    monkeypatch.setattr(tasks.fetch_images, "delay", asked.append)
    job = staging.stage(make_job(shop, feed([("A-1", urls)])))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publishing.publish(job)
    assert asked == []  # not before the commit
    for callback in callbacks:
        callback()

    assert asked == [job.pk] * queued


def test_downloads_are_capped_and_only_over_http(server):
    with pytest.raises(fetching.DownloadFailed) as refused:
        fetching.stream(f"{server}/red.png", io.BytesIO(), max_bytes=len(RED) - 1, timeout=5)
    assert refused.value.reason == "too_large"
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/red.png"):
        with pytest.raises(fetching.DownloadFailed) as refused:
            fetching.stream(url, io.BytesIO(), max_bytes=10**6, timeout=5)
        assert refused.value.reason == "scheme"
    assert ImageHandler.served == ["/red.png"]  # the capped one only


def test_a_feed_naming_a_new_image_changes_its_product_and_publishing_fetches_it(
    shop, modules_on, server
):
    first = published(shop, [("A-1", [f"{server}/red.png"]), ("B-2", [f"{server}/red.png"])])
    images.fetch_images(first)

    # The same rows again: unchanged. A-1 names one more image: changed; B-2 drops its image:
    # unchanged (an import never takes images away).
    again = staging.stage(
        make_job(
            shop,
            feed(
                [("A-1", [f"{server}/red.png", f"{server}/blue.jpg"]), ("B-2", [])],
            ),
        )
    )
    with scopes_disabled():
        states = dict(StagedProduct.objects.filter(job=again).values_list("sku", "state"))
    assert states == {"A-1": StagedProduct.State.CHANGED, "B-2": StagedProduct.State.UNCHANGED}

    images.fetch_images(publishing.publish(again))

    assert shown("A-1") == [(0, sha(RED)), (1, sha(BLUE))]
    assert shown("B-2") == [(0, sha(RED))]
    third = staging.stage(
        make_job(shop, feed([("A-1", [f"{server}/blue.jpg", f"{server}/red.png"])]))
    )
    assert (third.changed_count, third.unchanged_count) == (0, 1)  # the same images, reordered


def test_images_named_for_a_product_made_by_hand_change_it(shop, modules_on, server):
    ProductFactory(vendor=shop, sku="A-1", title="Product A-1", price="9.90", description="")
    job = staging.stage(make_job(shop, feed([("A-1", [f"{server}/red.png"])])))
    assert (job.changed_count, job.unchanged_count) == (1, 0)
    job = staging.stage(make_job(shop, feed([("A-1", [])])))
    assert (job.changed_count, job.unchanged_count) == (0, 1)
