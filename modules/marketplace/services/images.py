"""Product images named by a feed (``StagedProduct.image_urls``), fetched after publishing.

Publishing queues the Celery task ``marketplace.fetch_images`` once it commits: downloads are
slow and may fail, so they never hold up or undo a batch of products. For each published row
of the job, each address is downloaded (``fetching.stream``: http and https only, within
``MARKETPLACE_IMAGE_TIMEOUT`` seconds, default 10, per connection and read and in all, and
capped at the platform's media upload limit), checked and re-encoded by the cms media library
(``process_image``: Pillow, pixel limit, thumbnails) and attached to the product after the
images it has, as the catalogue attaches them (``ProductImage``, at most ``MAX_IMAGES``).

An image is known by the SHA-256 of the bytes downloaded, which the media library keeps
(``Media.sha256``): a product that already shows those bytes is left alone, and a file already
in the vendor's library is reused rather than stored twice, and images the product got
elsewhere stay where they are. A row whose images all arrived is marked
(``StagedProduct.images_fetched``): running the task again (a redelivery, a retry from the
monitoring page) downloads nothing for it, and an image the vendor removed since is not put
back. A failing image is written to the row's ``errors["images"]`` ("<address>: <reason>",
shown on the job page) and the others go on; the next run takes the row up again (what arrived
is present by then, not attached twice) and, once everything arrives, clears what an earlier
run wrote there.

Each row is worked under a lock of its staged row taken with ``skip_locked``: two runs of one
job at once (a redelivery while the first still runs) share the rows instead of racing on them.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pathlib
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_scopes import scope

from modules.catalog.models import Product, ProductImage
from modules.catalog.services.categories import changed_on_commit
from modules.catalog.services.products import MAX_IMAGES
from modules.cms.models import Media
from modules.cms.services.media import (
    UploadRefused,
    max_upload_bytes,
    process_image,
    store_image,
)
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services.fetching import DownloadFailed, stream

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10


@dataclass
class Fetched:
    """What a run did: images attached, already there, failed."""

    attached: int = 0
    present: int = 0
    failed: int = 0


def pending(job: ImportJob) -> Any:
    """The job's published rows that name images not all fetched yet (what ``fetch_images``
    works through)."""
    return (
        StagedProduct.objects.filter(
            job=job, published=True, product_id__isnull=False, images_fetched=False
        )
        .exclude(image_urls=[])
        .order_by("row_number")
    )


def fetch_images(job: ImportJob) -> Fetched:
    """Download and attach the images of ``job``'s published rows (see the module docstring)."""
    done = Fetched()
    timeout = float(getattr(settings, "MARKETPLACE_IMAGE_TIMEOUT", DEFAULT_TIMEOUT))
    with scope(vendor=job.vendor_id):
        max_bytes = max_upload_bytes(job.platform)
        for pk in list(pending(job).values_list("pk", flat=True)):
            with transaction.atomic():
                row = (
                    StagedProduct.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                )
                if row is not None:
                    _fetch_row(job, row, done, max_bytes=max_bytes, timeout=timeout)
    logger.info(
        "Images of import job %s: %s attached, %s already there, %s failed",
        job.pk,
        done.attached,
        done.present,
        done.failed,
    )
    return done


def _fetch_row(
    job: ImportJob, row: StagedProduct, done: Fetched, *, max_bytes: int, timeout: float
) -> None:
    """Download the row's images, then attach the new ones under a short lock of the product
    (the downloads do not hold up the vendor editing it)."""
    product = Product.objects.filter(pk=row.product_id).first()
    problems: list[str] = []
    if product is not None:
        shown = set(
            ProductImage.objects.filter(product=product).values_list("media__sha256", flat=True)
        )
        adding: list[Media] = []
        for url in row.image_urls:
            try:
                data = _download(url, max_bytes=max_bytes, timeout=timeout)
                digest = hashlib.sha256(data).hexdigest()
                if digest in shown:
                    done.present += 1
                    continue
                if len(shown) >= MAX_IMAGES:
                    raise UploadRefused(_("Use at most %(max)d images.") % {"max": MAX_IMAGES})
                adding.append(_media(job, product, url, data, digest, max_bytes))
                shown.add(digest)
            except (DownloadFailed, UploadRefused) as problem:
                done.failed += 1
                problems.append(f"{url[:200]}: {_reason(problem)}")
        if adding:
            done.attached += _attach(job, product, adding)
    errors = {k: v for k, v in row.errors.items() if k != "images"}
    if problems:
        errors["images"] = problems
    if errors != row.errors or not problems:
        row.errors, row.images_fetched = errors, not problems
        row.save(update_fields=["errors", "images_fetched"])


def _attach(job: ImportJob, product: Product, media: list[Media]) -> int:
    """Show ``media`` after the product's images (those it shows already are left out)."""
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").get()
        images = ProductImage.objects.filter(product=product)
        present = set(images.values_list("media_id", flat=True))
        last = images.aggregate(last=Max("position"))["last"]
        start = 0 if last is None else last + 1
        new = [m for m in media if m.pk not in present]
        ProductImage.objects.bulk_create(
            ProductImage(vendor_id=job.vendor_id, product=product, media=m, position=start + n)
            for n, m in enumerate(new)
        )
        changed_on_commit(job.vendor_id)
    return len(new)


def _download(url: str, *, max_bytes: int, timeout: float) -> bytes:
    buffer = io.BytesIO()
    stream(url, buffer, max_bytes=max_bytes, timeout=timeout)
    return buffer.getvalue()


def _media(
    job: ImportJob, product: Product, url: str, data: bytes, digest: str, max_bytes: int
) -> Media:
    """The vendor's library's file with these bytes, else the image checked and stored."""
    found = Media.objects.filter(vendor_id=job.vendor_id, sha256=digest).order_by("pk").first()
    if found is not None:
        return found
    name = pathlib.PurePosixPath(urllib.parse.urlsplit(url).path).name or "image"
    processed = process_image(SimpleUploadedFile(name, data), max_bytes=max_bytes)
    return store_image(
        processed,
        vendor=job.vendor,
        original_name=name,
        alt_text=product.title[:250],
        uploaded_by=job.created_by,
    )


def _reason(problem: Exception) -> str:
    """Why an image was not attached, for the vendor."""
    if not isinstance(problem, DownloadFailed):
        return str(problem)
    if problem.reason == "scheme":
        return _("Only http and https addresses are fetched.")
    if problem.reason == "private":
        return _("The address is on a private or local network, which is not fetched from.")
    if problem.reason == "status":
        return _("The server answered %(status)s.") % {"status": problem.status}
    if problem.reason == "too_large":
        return _("The image is larger than the upload limit.")
    if problem.reason == "timeout":
        return _("The server did not answer in time.")
    return _("The image could not be fetched.")
