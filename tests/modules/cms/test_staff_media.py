"""The staff media library on the dashboard: staff see it; uploading, editing and deleting need
the Django permissions; vendors' files never appear in it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_scopes import scopes_disabled

from modules.cms.factories import MediaFactory, PageFactory, image_bytes
from modules.cms.models import Media
from orion_core.testing import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

LIBRARY = "/dashboard/cms/media/"


def staff_client(*permissions: str) -> Client:
    client = Client(HTTP_HOST="acme.test")
    client.force_login(StaffUserFactory(permissions=list(permissions)))
    return client


@pytest.fixture
def editor(platform):
    return staff_client("cms.add_media", "cms.change_media", "cms.delete_media")


def library() -> list[Media]:
    with scopes_disabled():
        return list(Media.objects.filter(vendor=None).order_by("pk"))


def test_staff_upload_to_the_staff_library(editor, platform, shop):
    MediaFactory(vendor=shop, original_name="vendors-own.png")
    page = editor.get(LIBRARY).content.decode()
    assert "Staff media library" in page and "At most 10.0" in page
    assert "vendors-own.png" not in page
    upload = SimpleUploadedFile("banner.png", image_bytes(900, 300), content_type="image/png")
    response = editor.post(LIBRARY, {"file": upload, "alt_text": "Banner"})
    assert response.status_code == 302
    (media,) = library()
    assert media.file.name.startswith("cms/staff/") and media.alt_text == "Banner"
    assert "banner.png" in editor.get(LIBRARY).content.decode()


def test_a_refused_upload_is_a_field_error(editor, platform, media_root):
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = editor.post(LIBRARY, {"file": bad})
    assert response.status_code == 400 and "file" in response.context["upload_form"].errors
    assert library() == [] and not any(p.is_file() for p in media_root.rglob("*"))


def test_staff_without_permissions_only_look(platform):
    media = MediaFactory(vendor=None)
    client = staff_client()
    assert client.get(LIBRARY).status_code == 200
    assert "Upload an image" not in client.get(LIBRARY).content.decode()
    upload = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    assert client.post(LIBRARY, {"file": upload}).status_code == 403
    assert client.post(f"{LIBRARY}{media.pk}/", {"alt_text": "x"}).status_code == 403
    assert client.post(f"{LIBRARY}{media.pk}/delete/").status_code == 403
    assert len(library()) == 1


def test_not_for_vendors_or_visitors(platform, shop):
    member = Client(HTTP_HOST="acme.test")
    member.force_login(UserFactory())
    assert member.get(LIBRARY).status_code == 302  # to the admin login
    assert Client(HTTP_HOST="acme.test").get(LIBRARY).status_code == 302


def test_a_vendors_file_is_not_in_the_staff_library(editor, shop):
    theirs = MediaFactory(vendor=shop)
    assert editor.get(f"{LIBRARY}{theirs.pk}/").status_code == 404
    assert editor.post(f"{LIBRARY}{theirs.pk}/delete/").status_code == 404


def test_a_file_shown_on_a_platform_page_is_kept(
    editor, platform, django_capture_on_commit_callbacks
):
    media = MediaFactory(vendor=None)
    PageFactory(platform=platform, title="Welcome", body=f'<img src="{media.url}" alt="">')
    url = f"{LIBRARY}{media.pk}/delete/"
    assert "Page (1): Welcome" in editor.get(url).content.decode()
    assert editor.post(url).status_code == 409
    assert len(library()) == 1
    unused = MediaFactory(vendor=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(f"{LIBRARY}{unused.pk}/delete/").status_code == 302
    assert [m.pk for m in library()] == [media.pk]


def test_alt_text(editor, platform):
    media = MediaFactory(vendor=None, alt_text="")
    assert editor.post(f"{LIBRARY}{media.pk}/", {"alt_text": "Team photo"}).status_code == 302
    media.refresh_from_db()
    assert media.alt_text == "Team photo"


# --- the Django admin ---------------------------------------------------------------------------


def test_the_admin_lists_every_vendors_pages_and_media(admin_client, shop, other_shop):
    from modules.cms.factories import VendorPageFactory

    VendorPageFactory(vendor=shop, title="Shop A page")
    VendorPageFactory(vendor=other_shop, title="Shop B page")
    MediaFactory(vendor=shop, original_name="a.png")
    MediaFactory(vendor=None, original_name="staff.png")
    pages = admin_client.get("/admin/cms/vendorpage/", HTTP_HOST="acme.test").content.decode()
    assert "Shop A page" in pages and "Shop B page" in pages
    media = admin_client.get("/admin/cms/media/", HTTP_HOST="acme.test").content.decode()
    assert "a.png" in media and "staff.png" in media


def test_the_admin_does_not_delete_a_file_in_use(admin_client, platform):
    media = MediaFactory(vendor=None)
    PageFactory(platform=platform, title="Welcome", body=f'<img src="{media.url}" alt="">')
    response = admin_client.post(
        f"/admin/cms/media/{media.pk}/delete/", {"post": "yes"}, HTTP_HOST="acme.test"
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{media.pk}/change/")
    assert len(library()) == 1
    unused = MediaFactory(vendor=None)
    response = admin_client.post(
        f"/admin/cms/media/{unused.pk}/delete/", {"post": "yes"}, HTTP_HOST="acme.test"
    )
    assert response.status_code == 302
    assert [m.pk for m in library()] == [media.pk]
