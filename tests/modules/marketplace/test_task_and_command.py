"""The Celery task and ``manage.py marketplace import`` run the same staging service."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.dispatch import receiver
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import jobs
from modules.marketplace.tasks import run_import
from orion_core.domain_events import import_finished
from tests.modules.marketplace.conftest import DATA, make_job, sample, write_big_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished():
    heard = []

    @receiver(import_finished, dispatch_uid="test-marketplace-finished")
    def hear(sender, **kwargs):
        heard.append(kwargs)

    yield heard
    import_finished.disconnect(dispatch_uid="test-marketplace-finished")


def test_the_task_stages_the_job_and_is_acknowledged_late(shop):
    job = make_job(shop, sample("products.csv"))

    assert run_import(job.pk) == ImportJob.Status.STAGED
    assert run_import.acks_late is True
    assert run_import(job.pk) == ImportJob.Status.STAGED  # a redelivery changes nothing
    with scopes_disabled():
        assert StagedProduct.objects.filter(job=job).count() == 10


def test_the_task_resumes_a_job_at_its_checkpoint(shop, tmp_path):
    path = tmp_path / "big.csv"
    write_big_csv(path, 1_200)
    job = make_job(shop, path.read_bytes())
    with scopes_disabled():
        jobs.staging._start(job)
        jobs.staging._stage_batch(
            job, [(n, {"sku": f"X-{n}", "title": "x", "price": "1"}) for n in range(1, 501)]
        )

    assert run_import(job.pk) == ImportJob.Status.STAGED

    with scopes_disabled():
        rows = StagedProduct.objects.filter(job=job)
        assert rows.count() == 1_200
        assert rows.filter(sku__startswith="X-").count() == 500  # the first run's rows stayed


def test_a_failed_import_is_announced(shop, platform, finished, django_capture_on_commit_callbacks):
    job = make_job(shop, b"", platform=platform)

    with django_capture_on_commit_callbacks(execute=True):
        assert run_import(job.pk) == ImportJob.Status.FAILED

    assert finished == [
        {
            "signal": import_finished,
            "platform_id": platform.pk,
            "vendor_id": shop.pk,
            "job_id": job.pk,
            "source": "products.csv",
            "created": 0,
            "updated": 0,
            "errors": 0,
            "status": "failed",
        }
    ]


def test_a_cancelled_pending_job_is_not_staged(shop):
    job = make_job(shop, sample("products.csv"))
    assert jobs.request_cancel(job)

    assert run_import(job.pk) == ImportJob.Status.CANCELLED


def test_the_command_stages_a_file_with_a_line_per_batch(shop, platform, tmp_path, settings):
    settings.MARKETPLACE_IMPORT_BATCH_SIZE = 500
    path = tmp_path / "feed.csv"
    write_big_csv(path, 1_100)
    out = io.StringIO()

    call_command("marketplace", "import", str(path), "--vendor", "shop-a", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Import job ")
    assert lines[1:4] == [
        "500/1100 rows, 10 errors",
        "1000/1100 rows, 20 errors",
        "1100/1100 rows, 22 errors",
    ]
    assert lines[-1] == "Staged 1100 row(s): 1078 new, 0 changed, 0 unchanged, 22 with errors."
    with scopes_disabled():
        job = ImportJob.objects.get()
    assert (job.status, job.platform, job.file_name) == (
        ImportJob.Status.STAGED,
        platform,
        "feed.csv",
    )


def test_the_command_draws_a_bar_on_a_terminal(shop):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()

    call_command(
        "marketplace", "import", str(DATA / "products.json"), "--vendor", "shop-a", stdout=out
    )

    assert "\r[##############################] 100% 5/5 rows, 2 errors" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vendor", "nobody"], "No vendor with the code 'nobody'."),
        (["--vendor", "shop-a", "--platform", "globex"], "does not sell on the platform"),
    ],
)
def test_the_command_refuses_unknown_vendors_and_platforms(shop, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("marketplace", "import", str(DATA / "products.csv"), *args)


def test_the_command_fails_on_a_bad_file(shop, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sku,title,price\nA,Café,1\n".encode("latin-1"))
    other = tmp_path / "feed.xml"
    other.write_bytes(b"<feed/>")

    with pytest.raises(CommandError, match="failed: The file is empty."):
        call_command(
            "marketplace", "import", str(empty), "--vendor", "shop-a", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command(
            "marketplace", "import", str(latin), "--vendor", "shop-a", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="Only .csv and .json"):
        call_command("marketplace", "import", str(other), "--vendor", "shop-a")
    with pytest.raises(CommandError, match="No such file"):
        call_command("marketplace", "import", str(tmp_path / "nope.csv"), "--vendor", "shop-a")
