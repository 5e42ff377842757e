"""The media libraries: checking an upload, storing it with its thumbnails, where a file is used,
and deleting it.

An upload is trusted for nothing it says about itself: neither its name nor its content type nor
its extension. Pillow decodes it (after refusing files larger than the platform's limit and
images with more pixels than ``MAX_PIXELS``, before decoding them); only JPEG, PNG, WebP and GIF
pass. What is stored is Pillow's own re-encoding of the decoded pixels (EXIF, comments and any
trailing data are gone; the EXIF orientation is applied first), under a random name in the
library's folder, with WebP thumbnails beside it. Files go through Django's default storage
(``STORAGES["default"]``): the local file system or S3-compatible object storage.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from PIL import Image, ImageOps, UnidentifiedImageError

from modules.cms.models import THUMBNAIL_SIZES, Media, Page, VendorPage
from orion_core.services import ModuleService

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from modules.tenancy.models import Vendor
    from orion_core.models import Platform

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 10
# Decoding is what costs memory: 40 megapixels is a large camera photo (≈160 MB as RGBA).
# Pillow's own bomb check (Image.MAX_IMAGE_PIXELS) is turned into an error too.
MAX_PIXELS = 40_000_000
MAX_NAME_LENGTH = 255

# Pillow format → (stored format, content type, extension). GIFs are stored as PNG (first frame).
FORMATS = {
    "JPEG": ("JPEG", "image/jpeg", ".jpg"),
    "PNG": ("PNG", "image/png", ".png"),
    "WEBP": ("WEBP", "image/webp", ".webp"),
    "GIF": ("PNG", "image/png", ".png"),
}


class UploadRefused(Exception):  # noqa: N818 - a refusal with a message for the person
    """The upload is not an image we keep; ``str()`` says why, in the active language."""


class MediaInUse(Exception):  # noqa: N818 - a refusal with a message for the person
    """The media is still used; ``usages`` says where."""

    def __init__(self, usages: list[Usage]) -> None:
        super().__init__(_("This file is still in use."))
        self.usages = usages


# --- checking an upload ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessedImage:
    """An upload decoded and re-encoded: what is stored, and what is known about it."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str
    thumbnails: dict[int, bytes]


def max_upload_bytes(platform: Platform | None) -> int:
    """The platform's upload limit (the cms module's ``max_upload_mb``), in bytes."""
    if platform is None:
        return DEFAULT_MAX_UPLOAD_MB * MIB
    return int(ModuleService().get_config(platform, "cms")["max_upload_mb"]) * MIB


def process_image(upload: UploadedFile, *, max_bytes: int) -> ProcessedImage:
    """Check ``upload`` and re-encode it; ``UploadRefused`` says why not."""
    if upload.size is not None and upload.size > max_bytes:
        raise UploadRefused(_too_large(max_bytes))
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(_too_large(max_bytes))
    if not data:
        raise UploadRefused(_("The file is empty."))
    image, source_format = _decode(data)
    stored_format, content_type, extension = FORMATS[source_format]
    image = _normalised(image, stored_format)
    return ProcessedImage(
        content=_encode(image, stored_format),
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnails={size: _thumbnail(image, size) for size in THUMBNAIL_SIZES},
    )


def _too_large(max_bytes: int) -> str:
    return _("The file is too large: at most %(size)s.") % {"size": filesizeformat(max_bytes)}


NOT_AN_IMAGE = "not-an-image"


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """The decoded image and its format; refuses anything Pillow cannot fully decode."""
    with warnings.catch_warnings():
        # Pillow only warns below twice its MAX_IMAGE_PIXELS: make that an error too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                source_format = probe.format or ""
                width, height = probe.size
                if source_format not in FORMATS:
                    raise UploadRefused(_("Upload a JPEG, PNG, WebP or GIF image."))
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise UploadRefused(
                        _("The image is too large: at most %(pixels)s million pixels.")
                        % {"pixels": MAX_PIXELS // 1_000_000}
                    )
                probe.verify()  # structure and checksums, without decoding the pixels
            image = Image.open(io.BytesIO(data))
            image.load()  # the pixels: truncated or corrupt data fails here
        except UploadRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadRefused(
                _("The image is too large: at most %(pixels)s million pixels.")
                % {"pixels": MAX_PIXELS // 1_000_000}
            ) from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise UploadRefused(
                _("This file is not an image we can read (JPEG, PNG, WebP or GIF).")
            ) from error
    return image, source_format


def _normalised(image: Image.Image, stored_format: str) -> Image.Image:
    """Orientation applied, one frame, a mode the stored format can hold."""
    image = ImageOps.exif_transpose(image) or image
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
        image = image.copy()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if stored_format == "JPEG":
        return image.convert("RGB")
    return image.convert("RGBA" if has_alpha else "RGB")


def _encode(image: Image.Image, stored_format: str) -> bytes:
    """Pillow's encoding of the pixels, with no metadata: no ``exif``, ``icc_profile`` or
    ``pnginfo`` is passed, so none is written."""
    buffer = io.BytesIO()
    if stored_format == "JPEG":
        image.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    elif stored_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=85, method=4)
    return buffer.getvalue()


def _thumbnail(image: Image.Image, width: int) -> bytes:
    """A WebP at most ``width`` pixels wide (never enlarged)."""
    thumb = image
    if image.width > width:
        height = max(1, round(image.height * width / image.width))
        thumb = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()


# --- storing -----------------------------------------------------------------------------------


def library_folder(vendor: Vendor | None) -> str:
    return f"cms/vendors/{vendor.pk}" if vendor is not None else "cms/staff"


def store_image(
    processed: ProcessedImage,
    *,
    vendor: Vendor | None,
    original_name: str,
    alt_text: str = "",
    uploaded_by: Any = None,
    **fields: Any,
) -> Media:
    """Write the image and its thumbnails to the default storage and record them. If anything
    fails, the files written so far are removed again."""
    name = f"{library_folder(vendor)}/{uuid.uuid4().hex}{processed.extension}"
    written: list[str] = []
    try:
        name = default_storage.save(name, ContentFile(processed.content))
        written.append(name)
        media = Media(
            vendor=vendor,
            file=name,
            original_name=_clean_name(original_name),
            content_type=processed.content_type,
            size_bytes=len(processed.content),
            width=processed.width,
            height=processed.height,
            alt_text=alt_text,
            sha256=processed.sha256,
            uploaded_by=uploaded_by,
            **fields,
        )
        for size, content in processed.thumbnails.items():
            wanted = media.thumbnail_name(size)
            saved = default_storage.save(wanted, ContentFile(content))
            written.append(saved)
            if saved != wanted:  # the storage renamed it: the thumbnail would not be found
                raise OSError(f"storage stored {wanted} as {saved}")
        with transaction.atomic():
            media.save()
    except BaseException:
        _delete_files(written)
        raise
    return media


def upload_media(
    upload: UploadedFile,
    *,
    vendor: Vendor | None,
    platform: Platform | None,
    alt_text: str = "",
    uploaded_by: Any = None,
) -> Media:
    """Check, re-encode and store an uploaded file in ``vendor``'s library (the staff library
    for None). ``UploadRefused`` when it is not an acceptable image."""
    processed = process_image(upload, max_bytes=max_upload_bytes(platform))
    return store_image(
        processed,
        vendor=vendor,
        original_name=upload.name or "",
        alt_text=alt_text,
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
    )


def _clean_name(name: str) -> str:
    """The uploader's file name for display only: no folders, no control characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:MAX_NAME_LENGTH] or _("image")


def set_alt_text(media: Media, alt_text: str) -> Media:
    media.alt_text = alt_text
    media.save(update_fields=["alt_text"])
    return media


# --- where a file is used ----------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Rows of one kind that use a media file: what they are, how many, a few of them."""

    kind: str
    count: int
    examples: tuple[str, ...] = ()


EXAMPLES = 5


def where_used(media: Media) -> list[Usage]:
    """Everything that uses ``media``: every row of any installed model whose relation points at
    it (found through the model's relations, so a module added tomorrow is covered), the shop
    theme whose logo it is, and the pages whose text shows it."""
    usages = [usage for rel in _relations_to_media() if (usage := _usage_by(rel, media))]
    with scopes_disabled():  # the media's own library is named explicitly below
        usages.extend(_cms_usages(media))
    return usages


def _relations_to_media() -> list[models.ForeignObjectRel]:
    """Every relation of another model to Media (hidden ones too; auto-created M2M tables are
    left out: their ``ManyToManyRel`` covers them)."""
    return [
        field
        for field in Media._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignObjectRel) and not field.related_model._meta.auto_created
    ]


def _usage_by(rel: models.ForeignObjectRel, media: Media) -> Usage | None:
    model = rel.related_model
    rows = model._base_manager.filter(**{rel.field.name: media}).distinct()
    count = rows.count()
    if not count:
        return None
    # Examples only from the media's own library (a vendor's file: that vendor's rows).
    has_vendor = any(
        getattr(f, "related_model", None) is Media._meta.get_field("vendor").related_model
        and f.name == "vendor"
        for f in model._meta.concrete_fields
    )
    examples: tuple[str, ...] = ()
    if media.vendor_id is None or has_vendor:
        same = rows.filter(vendor_id=media.vendor_id) if has_vendor else rows
        examples = tuple(str(row) for row in same.order_by("pk")[:EXAMPLES])
    kind = str(model._meta.verbose_name_plural if count > 1 else model._meta.verbose_name)
    return Usage(kind=kind, count=count, examples=examples)


def _cms_usages(media: Media) -> list[Usage]:
    usages: list[Usage] = []
    stem = PurePosixPath(media.file.name).stem
    if media.vendor_id is not None:
        vendor = media.vendor
        theme = vendor.theme if isinstance(vendor.theme, dict) else {}
        if theme.get("logo") == media.pk:
            usages.append(Usage(kind=_("shop theme"), count=1, examples=(_("logo"),)))
        pages = VendorPage.objects.filter(vendor_id=media.vendor_id, body__contains=stem)
    else:
        pages = Page.objects.filter(body__contains=stem)
    titles = list(pages.order_by("pk").values_list("title", flat=True)[: EXAMPLES + 1])
    if stem and titles:
        count = pages.count()
        kind = _("pages") if count > 1 else _("page")
        usages.append(Usage(kind=str(kind), count=count, examples=tuple(titles[:EXAMPLES])))
    return usages


# --- deleting ----------------------------------------------------------------------------------


def delete_media(media: Media) -> None:
    """Delete ``media`` and (once that commits) its files; ``MediaInUse`` while it is used."""
    with transaction.atomic():
        usages = where_used(media)
        if usages:
            raise MediaInUse(usages)
        try:
            media.delete()
        except (models.ProtectedError, models.RestrictedError) as error:
            raise MediaInUse(where_used(media)) from error


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind must not fail the request
            logger.warning("Could not delete media file %s", name, exc_info=True)


@receiver(post_delete, sender=Media, dispatch_uid="cms_media_files_deleted")
def _media_deleted(instance: Media, **kwargs: Any) -> None:
    """A deleted media row (also through a vendor's deletion) takes its files along, once the
    deletion has committed."""
    names = instance.file_names()
    transaction.on_commit(lambda: _delete_files(names))
