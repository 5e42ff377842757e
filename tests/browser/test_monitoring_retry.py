"""Staff find a failed background task on the monitoring pages and retry it, in a real browser.

A vendor's catalogue import ran before its file had reached the private storage (a volume
mounted late): ``marketplace.run_import`` failed with ``FileNotFoundError`` and the result
backend kept the failure with its traceback. The file is back; staff open the background tasks,
keep the failures only, open the failure, read the traceback and retry. The task runs again with
the same job id, succeeds (the job is staged), and the list shows the new result with the
success message. Celery runs eagerly in tests, so the retried task runs inside the retry's
request; its result is stored as a worker would store it (``store_eager_result``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_celery_results.models import TaskResult
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.marketplace import tasks
from modules.marketplace.models import ImportJob
from modules.tenancy.factories import VendorFactory
from orion_core.testing import override_module
from tests.browser.test_csp import Watched

pytestmark = pytest.mark.browser

TASK = "marketplace.run_import"
FEED = "sku,title,price,quantity\nLZ-1,Kachkéis,3.10,25\nLZ-2,Gromperekichelcher,4.50,12\n"


@pytest.fixture
def monitored(localhost_platform, monkeypatch) -> Any:
    """Monitoring on for the live server's platform; the import task's eager results stored."""
    monkeypatch.setattr(tasks.run_import, "store_eager_result", True)  # read when bound
    with override_module(localhost_platform, "monitoring", enabled=True):
        yield localhost_platform


@pytest.fixture
def failed_import(monitored, settings, tmp_path) -> tuple[ImportJob, TaskResult]:
    """A pending import job whose task failed because its file was missing; the file back."""
    settings.MARKETPLACE_IMPORT_ROOT = tmp_path / "imports"
    vendor = VendorFactory(code="lux-epicerie", platforms=[monitored])
    with scopes_disabled():
        job = ImportJob.objects.create(
            vendor=vendor,
            source=ImportJob.Source.UPLOAD,
            format=ImportJob.Format.CSV,
            file=ContentFile(FEED.encode(), name="epicerie.csv"),
            file_name="epicerie.csv",
        )
    stored = Path(job.file.path)
    hidden = stored.rename(stored.with_suffix(".away"))
    outcome = tasks.run_import.apply(args=[job.pk], throw=False)
    hidden.rename(stored)
    assert outcome.failed()
    return job, TaskResult.objects.get(task_id=outcome.id)


def test_staff_find_a_failed_task_read_its_traceback_and_retry_it(
    failed_import, staff_page, live_server
):
    job, failure = failed_import
    assert (failure.task_name, failure.status) == (TASK, "FAILURE")
    assert "FileNotFoundError" in failure.traceback
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("running", 0)  # left where the worker stopped
    watched = Watched(staff_page)
    page = watched.visit(reverse("monitoring:tasks"))

    # 1. The background tasks, failures only: this one, with its retry button.
    expect(page.get_by_role("heading", level=1)).to_have_text("Background tasks")
    page.get_by_role("link", name="Failures only").click()
    expect(page).to_have_url(live_server.url + reverse("monitoring:tasks") + "?failed=1")
    rows = page.locator("table.task-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("cell").nth(1)).to_have_text("FAILURE")
    expect(rows.get_by_role("button", name="Retry")).to_be_visible()

    # 2. Its page: the arguments and the traceback.
    rows.get_by_role("link", name=TASK).click()
    expect(page).to_have_url(live_server.url + reverse("monitoring:task-result", args=[failure.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TASK} {failure.task_id}")
    expect(page.get_by_role("row", name=re.compile("^State"))).to_contain_text("FAILURE")
    arguments = page.get_by_role("row", name=re.compile("^Arguments")).get_by_role("cell")
    expect(arguments).to_have_text(re.compile(rf"^[\[(]{job.pk},?[\])]$"))  # as JSON, or repr
    traceback = page.locator("pre.traceback")
    expect(traceback).to_contain_text("Traceback (most recent call last)")
    expect(traceback).to_contain_text("FileNotFoundError")

    # 3. Retry: back on the list, the message with the new task's id, its result a success.
    page.get_by_role("button", name="Retry").click()
    expect(page).to_have_url(live_server.url + reverse("monitoring:tasks"))
    success = page.locator(".message.success")
    expect(success).to_have_text(re.compile(rf"^{re.escape(TASK)} sent again \(task id \S+\)\.$"))
    new_id = re.search(r"task id (\S+)\)", success.inner_text()).group(1)
    assert new_id != failure.task_id
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("cell").nth(1)).to_have_text("SUCCESS")
    expect(rows.first.get_by_role("button", name="Retry")).to_have_count(0)
    expect(rows.last.get_by_role("cell").nth(1)).to_have_text("FAILURE")

    # In the database: the job staged by the retry, the new result beside the old failure.
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.new_count) == ("staged", 2, 2)
    retried = TaskResult.objects.get(task_id=new_id)
    assert (retried.task_name, retried.status, retried.result) == (TASK, "SUCCESS", '"staged"')
    assert TaskResult.objects.filter(status="FAILURE").get() == failure

    # The new result's page: no traceback, no retry, the task's return value.
    rows.first.get_by_role("link", name=TASK).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TASK} {new_id}")
    expect(page.get_by_role("row", name=re.compile("^Result"))).to_contain_text('"staged"')
    expect(page.locator("pre.traceback")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    assert watched.problems() == []
