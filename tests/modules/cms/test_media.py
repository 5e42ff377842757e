"""The media libraries: uploads checked by Pillow, thumbnails, no metadata kept, the platform's
size limit, one vendor's library invisible to another, where-used before deletion."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django_scopes import scopes_disabled
from PIL import Image

from modules.cms.factories import MediaFactory, VendorPageFactory, image_bytes
from modules.cms.models import THUMBNAIL_SIZES, Media
from modules.cms.services import media as media_service
from modules.cms.services import theme as theme_service
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db

LIBRARY = "/vendor/shop-a/cms/media/"
UPLOAD = "/vendor/shop-a/cms/media/upload/"


def stored_files(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def all_media() -> list[Media]:
    with scopes_disabled():
        return list(Media.objects.order_by("pk"))


def jpeg_with_exif(width: int = 60, height: int = 40) -> bytes:
    """A JPEG whose EXIF says where it was taken, by which camera, and to turn it (6: 90°)."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x0131] = "secret-editor 1.0"  # Software
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces ``width`` × ``height`` pixels in a few bytes: a decompression bomb
    is refused from its header, before anything is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(client, name: str, content: bytes, content_type: str = "image/png", **extra):
    return client.post(
        UPLOAD,
        {"file": SimpleUploadedFile(name, content, content_type=content_type), **extra},
    )


# --- uploads that pass ----------------------------------------------------------------------------


def test_a_png_is_stored_with_its_thumbnails(manager_client, shop, media_root):
    response = upload(
        manager_client, "../../etc/Logo.PNG", image_bytes(1200, 600), alt_text="Our logo"
    )
    assert response.status_code == 302
    (media,) = all_media()
    assert response["Location"] == f"/vendor/shop-a/cms/media/{media.pk}/"
    assert (media.vendor_id, media.original_name, media.alt_text) == (
        shop.pk,
        "Logo.PNG",
        "Our logo",
    )
    assert (media.content_type, media.width, media.height) == ("image/png", 1200, 600)
    assert media.uploaded_by == manager_client.user
    # Stored under the vendor's folder with a random name, never the uploader's.
    assert media.file.name.startswith(f"cms/vendors/{shop.pk}/") and "Logo" not in media.file.name
    assert media.size_bytes == default_storage.size(media.file.name)
    assert len(media.sha256) == 64
    for size in THUMBNAIL_SIZES:
        with default_storage.open(media.thumbnail_name(size)) as thumb, Image.open(thumb) as img:
            assert img.format == "WEBP" and img.width == min(size, 1200)
    assert stored_files(media_root) == sorted(media.file_names())
    assert media.url.startswith("/media/cms/vendors/")
    assert "160w" in media.srcset and "1024w" in media.srcset


def test_a_jpeg_loses_its_exif_and_is_turned_the_right_way(manager_client, shop):
    assert upload(manager_client, "holiday.jpg", jpeg_with_exif(), "image/jpeg").status_code == 302
    (media,) = all_media()
    assert (media.content_type, media.width, media.height) == ("image/jpeg", 40, 60)  # turned
    data = default_storage.open(media.file.name).read()
    assert b"SpyCam" not in data and b"secret-editor" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
        assert "exif" not in stored.info


def test_the_declared_type_and_extension_do_not_matter(manager_client):
    """A real PNG named .gif and sent as text/plain is a PNG."""
    assert upload(manager_client, "x.gif", image_bytes(), "text/plain").status_code == 302
    assert [m.content_type for m in all_media()] == ["image/png"]


# --- uploads that are refused: a field error, nothing stored ----------------------------------


def assert_refused(response, media_root, words: str) -> None:
    assert response.status_code == 400
    errors = response.context["upload_form"].errors
    assert "file" in errors, errors
    assert words in " ".join(errors["file"])
    assert words in response.content.decode()
    assert all_media() == []
    assert stored_files(media_root) == []


def test_a_text_file_named_png_is_refused(manager_client, media_root):
    response = upload(manager_client, "photo.png", b"#!/bin/sh\nrm -rf /\n" * 10)
    assert_refused(response, media_root, "not an image we can read")


def test_an_html_file_named_jpg_is_refused(manager_client, media_root):
    content = b"<html><script>alert(1)</script></html>"
    response = upload(manager_client, "x.jpg", content, "image/jpeg")
    assert_refused(response, media_root, "not an image we can read")


def test_a_truncated_image_is_refused(manager_client, media_root):
    response = upload(manager_client, "cut.png", image_bytes(300, 300)[:-200])
    assert_refused(response, media_root, "not an image we can read")


def test_an_image_format_we_do_not_keep_is_refused(manager_client, media_root):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "BMP")
    response = upload(manager_client, "x.bmp", buffer.getvalue(), "image/bmp")
    assert_refused(response, media_root, "JPEG, PNG, WebP or GIF")


def test_a_file_over_the_platforms_limit_is_refused(manager_client, platform, media_root):
    noise = Image.frombytes("RGB", (700, 700), __import__("os").urandom(700 * 700 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    with override_module(platform, "cms", enabled=True, config={"max_upload_mb": 1}):
        response = upload(manager_client, "big.png", buffer.getvalue())
        assert_refused(response, media_root, "too large: at most 1.0")
        assert "At most 1.0" in manager_client.get(LIBRARY).content.decode()


def test_a_decompression_bomb_is_refused_before_decoding(manager_client, media_root):
    bomb = png_header_only(30_000, 30_000)  # 900 megapixels in a hundred bytes
    assert len(bomb) < 200
    assert_refused(upload(manager_client, "bomb.png", bomb), media_root, "too large")


def test_pillows_own_bomb_limit_is_an_error_too(monkeypatch):
    """Below our own pixel limit, Pillow's MAX_IMAGE_PIXELS still applies and only warns by
    itself: the service turns its warning into a refusal."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    file = SimpleUploadedFile("x.png", image_bytes(40, 40), content_type="image/png")
    with pytest.raises(media_service.UploadRefused, match="too large"):
        media_service.process_image(file, max_bytes=media_service.MIB)


def test_an_empty_upload_is_refused(manager_client, media_root):
    response = upload(manager_client, "empty.png", b"")
    assert response.status_code == 400 and "file" in response.context["upload_form"].errors
    assert all_media() == [] and stored_files(media_root) == []


def test_a_viewer_sees_the_library_but_cannot_upload(viewer_client, shop, media_root):
    MediaFactory(vendor=shop, original_name="kept.png")
    page = viewer_client.get(LIBRARY)
    assert page.status_code == 200 and "kept.png" in page.content.decode()
    assert "Upload an image" not in page.content.decode()
    assert upload(viewer_client, "a.png", image_bytes()).status_code == 403
    assert len(all_media()) == 1


# --- one vendor's library is not another's -------------------------------------------------------


def test_another_vendors_media_is_not_found_and_unchanged(manager_client, shop, other_shop):
    theirs = MediaFactory(vendor=other_shop, alt_text="theirs", original_name="secret.png")
    MediaFactory(vendor=shop, original_name="mine.png")
    listing = manager_client.get(LIBRARY).content.decode()
    assert "mine.png" in listing and "secret.png" not in listing
    base = f"/vendor/shop-a/cms/media/{theirs.pk}/"
    assert manager_client.get(base).status_code == 404
    assert manager_client.post(base, {"alt_text": "mine now"}).status_code == 404
    assert manager_client.get(f"{base}delete/").status_code == 404
    assert manager_client.post(f"{base}delete/").status_code == 404
    # The theme editor cannot take another vendor's image as the logo either.
    response = manager_client.post(
        "/vendor/shop-a/cms/theme/",
        {"preset": "classic", "colours_from": "classic", "font": "system", "logo": theirs.pk}
        | theme_service.PRESETS["classic"].colours(),
    )
    assert response.status_code == 400
    with scopes_disabled():
        theirs_now = Media.objects.get(pk=theirs.pk)
    assert theirs_now.alt_text == "theirs"
    assert all(default_storage.exists(name) for name in theirs.file_names())


def test_a_vendors_media_is_scoped(shop, other_shop):
    from modules.tenancy.scoping import vendor_scope

    MediaFactory(vendor=shop)
    MediaFactory(vendor=other_shop)
    MediaFactory(vendor=None)  # the staff library
    with vendor_scope(shop):
        assert [m.vendor_id for m in Media.objects.all()] == [shop.pk]


# --- details and alt text ------------------------------------------------------------------------


def test_alt_text_is_edited_on_the_files_page(manager_client, shop):
    media = MediaFactory(vendor=shop, alt_text="")
    url = f"/vendor/shop-a/cms/media/{media.pk}/"
    page = manager_client.get(url).content.decode()
    assert "Not used anywhere." in page
    assert manager_client.post(url, {"alt_text": "A red mug"}).status_code == 302
    media.refresh_from_db()
    assert media.alt_text == "A red mug"
    too_long = manager_client.post(url, {"alt_text": "x" * 300})
    assert too_long.status_code == 400 and "alt_text" in too_long.context["alt_form"].errors


# --- where a file is used, and deleting -----------------------------------------------------------


@pytest.fixture
def poster_model(transactional_db):
    """A vendor-owned model of some other module that points at media with PROTECT (like the
    catalog's product images), with a hidden reverse relation (``related_name="+"``): the
    where-used walk must find it without knowing it. Registered for this test only."""

    class WhereUsedPoster(models.Model):
        vendor = models.ForeignKey("tenancy.Vendor", on_delete=models.CASCADE, related_name="+")
        media = models.ForeignKey("cms.Media", on_delete=models.PROTECT, related_name="+")
        title = models.CharField(max_length=50)

        class Meta:
            app_label = "cms"
            verbose_name = "poster"
            verbose_name_plural = "posters"

        def __str__(self) -> str:
            return self.title

    with connection.schema_editor() as editor:
        editor.create_model(WhereUsedPoster)
    apps.clear_cache()
    yield WhereUsedPoster
    with connection.schema_editor() as editor:
        editor.delete_model(WhereUsedPoster)
    del apps.all_models["cms"]["whereusedposter"]
    apps.clear_cache()


def test_a_file_used_by_another_modules_row_is_not_deleted(
    poster_model, manager_client, shop, media_root
):
    media = MediaFactory(vendor=shop, original_name="poster.png")
    poster_model.objects.create(vendor=shop, media=media, title="Summer sale poster")
    url = f"/vendor/shop-a/cms/media/{media.pk}/delete/"
    page = manager_client.get(url).content.decode()
    assert "cannot be deleted while it is in use" in page
    assert "Poster (1): Summer sale poster" in page
    assert "Delete the file" not in page
    response = manager_client.post(url)
    assert response.status_code == 409
    assert "still in use" in response.content.decode()
    assert [m.pk for m in all_media()] == [media.pk]
    assert all(default_storage.exists(name) for name in media.file_names())
    # The service refuses too (and the database would: PROTECT).
    with pytest.raises(media_service.MediaInUse) as refused:
        media_service.delete_media(media)
    assert [(u.kind, u.count) for u in refused.value.usages] == [("poster", 1)]


def test_a_logo_or_an_image_in_a_page_is_not_deleted(manager_client, shop):
    logo = MediaFactory(vendor=shop, original_name="logo.png")
    shown = MediaFactory(vendor=shop, original_name="shown.png")
    theme_service.save_theme(shop, theme_service.theme_from({"logo": logo.pk}))
    VendorPageFactory(vendor=shop, title="Our story", body=f"![us]({shown.url})")
    for media, where in ((logo, "Shop theme (1): logo"), (shown, "Page (1): Our story")):
        url = f"/vendor/shop-a/cms/media/{media.pk}/delete/"
        assert where in manager_client.get(url).content.decode()
        assert manager_client.post(url).status_code == 409
    with scopes_disabled():
        assert Media.objects.count() == 2


def test_an_unused_file_is_deleted_with_its_thumbnails(
    manager_client, shop, media_root, django_capture_on_commit_callbacks
):
    media = MediaFactory(vendor=shop)
    keep = MediaFactory(vendor=shop)
    url = f"/vendor/shop-a/cms/media/{media.pk}/delete/"
    assert "Delete the file" in manager_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url)
    assert response.status_code == 302 and response["Location"] == LIBRARY
    assert [m.pk for m in all_media()] == [keep.pk]
    assert stored_files(media_root) == sorted(keep.file_names())


def test_a_viewer_cannot_delete(viewer_client, shop):
    media = MediaFactory(vendor=shop)
    assert viewer_client.post(f"/vendor/shop-a/cms/media/{media.pk}/delete/").status_code == 403
    assert len(all_media()) == 1


def test_files_go_when_their_vendor_goes(shop, media_root, django_capture_on_commit_callbacks):
    MediaFactory(vendor=shop)
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        shop.delete()
    assert stored_files(media_root) == []


def test_a_failed_save_leaves_no_file_behind(shop, media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Media, "save", broken_save)
    with pytest.raises(RuntimeError):
        MediaFactory(vendor=shop)
    assert stored_files(media_root) == []
