"""The vendor portal's import pages: upload, the job page with its staged rows and filters, the
progress JSON, decisions, publish and cancel; permissions and another vendor's jobs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from modules.catalog.models import Product
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import staging
from tests.modules.marketplace.conftest import make_job, sample

pytestmark = pytest.mark.django_db

BASE = "/vendor/shop-a/marketplace/imports/"


@pytest.fixture
def manager(client_of, modules_on):
    return client_of("manager")


@pytest.fixture
def viewer(client_of, modules_on):
    return client_of("viewer")


@pytest.fixture
def staged_job(shop):
    return staging.stage(make_job(shop, sample("products.csv")))


def test_upload_stages_the_feed_and_shows_the_job(
    manager, shop, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("feed.csv", sample("products.csv"), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(BASE, {"file": upload})

    with scopes_disabled():
        job = ImportJob.objects.get(vendor=shop)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{job.pk}/"
    assert job.status == ImportJob.Status.STAGED  # the task ran eagerly on commit
    page = manager.get(response["Location"])
    assert page.status_code == 200
    assert "Crémant de Luxembourg Brut" in page.content.decode()
    assert 'src="/static/marketplace/progress.js"' in page.content.decode()
    listing = manager.get(BASE)
    assert "feed.csv" in listing.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.xlsx", b"PK\x03\x04", "Choose a .csv or .json file."),
        ("feed.csv", b"\x89PNG\x00\x00", "This is not a text file."),
        ("feed.json", b'{"sku": "A"}', "must be an array"),
    ],
)
def test_upload_refuses_what_is_not_a_feed(manager, shop, name, content, message):
    response = manager.post(BASE, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_upload_refuses_a_file_too_large(manager, settings):
    settings.MARKETPLACE_MAX_UPLOAD_BYTES = 10

    response = manager.post(BASE, {"file": SimpleUploadedFile("feed.csv", sample("products.csv"))})

    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_rows_filter_by_state_and_page(manager, staged_job):
    url = f"{BASE}{staged_job.pk}/"

    errors = manager.get(url, {"state": "error"}).content.decode()
    new = manager.get(url, {"state": "new"}).content.decode()

    assert "The price is not a number." in errors
    assert "Crémant" not in errors
    assert "Crémant" in new
    assert "The price is not a number." not in new


def test_the_progress_endpoint(manager, staged_job):
    data = manager.get(f"{BASE}{staged_job.pk}/progress/").json()

    assert data["rows_done"] == data["total_rows"] == 10
    assert (data["percent"], data["errors"], data["finished"]) == (100, 5, True)
    assert data["status"] == "staged"
    assert set(data) >= {"rate", "seconds_left", "status_label"}


def test_progress_while_running(manager, shop):
    job = make_job(shop, b"", status=ImportJob.Status.RUNNING, total_rows=1000, rows_done=250)

    data = manager.get(f"{BASE}{job.pk}/progress/").json()

    assert (data["percent"], data["finished"]) == (25, False)


def test_decisions_then_publish(manager, shop, staged_job, django_capture_on_commit_callbacks):
    with scopes_disabled():
        skip = StagedProduct.objects.get(job=staged_job, sku="LZ-1001")
        broken = StagedProduct.objects.get(job=staged_job, row_number=6)
    url = f"{BASE}{staged_job.pk}/"

    manager.post(f"{url}decisions/", {"decision": "skip", "row": [skip.pk]})
    manager.post(f"{url}decisions/", {"decision": "publish", "row": [broken.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"{url}publish/")

    assert response.status_code == 302
    with scopes_disabled():
        skus = set(Product.objects.filter(vendor=shop).values_list("sku", flat=True))
        broken.refresh_from_db()
    assert skus == {"LZ-1002", "LZ-1003", "LZ-1004", "LZ-1010"}
    assert broken.decision == "skip"  # an error row cannot be published
    staged_job.refresh_from_db()
    assert staged_job.status == ImportJob.Status.PUBLISHED


def test_cancel(manager, shop):
    job = make_job(shop, sample("products.csv"))

    manager.post(f"{BASE}{job.pk}/cancel/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED


def test_a_viewer_reads_but_cannot_change(viewer, staged_job):
    assert viewer.get(BASE).status_code == 200
    assert viewer.get(f"{BASE}{staged_job.pk}/").status_code == 200
    assert viewer.post(f"{BASE}{staged_job.pk}/publish/").status_code == 403
    assert viewer.post(BASE, {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 403


def test_another_vendors_job_is_not_found(manager, other_shop):
    theirs = make_job(other_shop, sample("products.csv"))

    for suffix in ("", "progress/"):
        assert manager.get(f"{BASE}{theirs.pk}/{suffix}").status_code == 404
    for suffix in ("publish/", "cancel/", "decisions/"):
        assert manager.post(f"{BASE}{theirs.pk}/{suffix}").status_code == 404
