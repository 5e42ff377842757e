"""factory-boy factories for the content module's models."""

from __future__ import annotations

import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from modules.cms.models import Media, Page, VendorPage
from modules.tenancy.factories import VendorFactory
from orion_core.testing import PlatformFactory


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    platform = factory.SubFactory(PlatformFactory)
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    body = "<p>Hello.</p>"
    is_published = True


class VendorPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorPage

    vendor = factory.SubFactory(VendorFactory)
    slug = factory.Sequence(lambda n: f"vendor-page-{n}")
    title = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    body = "Some **Markdown**."
    status = VendorPage.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def image_bytes(
    width: int = 64, height: int = 48, fmt: str = "PNG", colour: tuple = (11, 95, 255), **save: Any
) -> bytes:
    """A small image file, as an upload would bring it."""
    buffer = io.BytesIO()
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    Image.new(mode, (width, height), colour if mode == "RGB" else (*colour, 255)).save(
        buffer, fmt, **save
    )
    return buffer.getvalue()


def image_upload(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    fmt = kwargs.pop("fmt", "JPEG" if name.lower().endswith((".jpg", ".jpeg")) else "PNG")
    content_type = "image/jpeg" if fmt == "JPEG" else "image/png"
    return SimpleUploadedFile(name, image_bytes(fmt=fmt, **kwargs), content_type=content_type)


class MediaFactory(factory.django.DjangoModelFactory):
    """A real image in the default storage, with its thumbnails, made the way an upload is
    (``modules.cms.services.media``). ``vendor=None`` puts it in the staff library."""

    class Meta:
        model = Media

    vendor = factory.SubFactory(VendorFactory)
    original_name = factory.Sequence(lambda n: f"image-{n}.png")
    alt_text = factory.Sequence(lambda n: f"Image {n}")
    width = 64
    height = 48

    @classmethod
    def _create(cls, model_class: type[Media], *args: Any, **kwargs: Any) -> Media:
        from modules.cms.services.media import MIB, process_image, store_image

        width, height = kwargs.pop("width"), kwargs.pop("height")
        upload = image_upload(kwargs["original_name"], width=width, height=height)
        processed = process_image(upload, max_bytes=10 * MIB)
        return store_image(
            processed,
            vendor=kwargs.pop("vendor"),
            original_name=kwargs.pop("original_name"),
            alt_text=kwargs.pop("alt_text"),
            uploaded_by=kwargs.pop("uploaded_by", None),
            **kwargs,
        )
