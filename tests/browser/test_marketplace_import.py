"""A vendor imports a product feed in a real browser and a shopper finds the products.

The owner logs in, opens "Catalogue imports" and uploads a CSV feed of 50 products (titles in
French, German and Luxembourgish; two rows broken). The job page polls its progress JSON and
the bar climbs batch by batch, rows and errors counted as they come, up to 100 % without the
page reloading; once the job is staged the page reloads itself and lists the rows. The "Error"
tab shows the two broken rows with what is wrong; the owner publishes the other 48, and a
shopper finds one by searching the shop, with its accents and its price.

Celery runs eagerly in tests: a task queued by the upload would stage the whole feed before the
upload's response, and the job page would open at 100 %. The ``paced_worker`` fixture stands
in for the worker instead: the import runs in a thread, as a worker would run it, and waits
before it starts and after each batch until the test lets it go on, so the test sees every
step of the bar (the batches are 20 rows: 40 %, 80 %, 100 %).

With ``ORION_SCREENSHOTS=<folder>`` it also saves screenshots of the imports page and of the
staged job, at 390 and 1280 pixels wide.
"""

from __future__ import annotations

import csv
import re
import threading
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from modules.catalog.models import Product
from modules.marketplace import tasks
from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import jobs
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory, override_module
from tests.browser.test_catalog_shop import search_for
from tests.browser.test_cms_shop import Screenshots
from tests.browser.test_csp import Watched

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hasher")]

PASSWORD = "correct horse battery staple"  # UserFactory's
CODE = "lux-epicerie"
ROWS = 50
BATCH = 20
BAD = {7: "The price is not a number.", 33: "The title is missing."}  # one in each of two batches
TITLE = "Crémant de Luxembourg — Cuvée Zoé"
SLUG = "cremant-de-luxembourg-cuvee-zoe-lz-001"


def write_feed(path: Path) -> Path:
    """The feed: ``ROWS`` products, row 1 the crémant, the rows in ``BAD`` broken."""
    titles = ("Käsekuchen nach Omas Art", "Gâteau à la broche", "Bouneschlupp (Glas 500 ml)")
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["sku", "title", "price", "currency", "quantity", "category"])
        for n in range(1, ROWS + 1):
            title = TITLE if n == 1 else f"{titles[n % 3]} n° {n}"
            price = "14.90" if n == 1 else f"{n + 0.5:.2f}"
            if n == 7:
                price = "quatorze"
            if n == 33:
                title = ""
            out.writerow([f"LZ-{n:03d}", title, price, "EUR", n % 12, "Épicerie fine"])
    return path


class PacedWorker:
    """Stands in for the Celery worker of ``marketplace.run_import``: ``delay`` starts the
    import in a thread (its own database connection), which waits for ``step`` before it starts
    and after each batch; ``finish`` lets it run to the end and waits for it."""

    def __init__(self) -> None:
        self.steps = threading.Semaphore(0)
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def delay(self, job_id: int) -> None:
        thread = threading.Thread(target=self._run, args=(job_id,), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _run(self, job_id: int) -> None:
        try:
            self._wait()
            with scopes_disabled():
                job = ImportJob.objects.get(pk=job_id)
            jobs.run(job, progress=lambda _job: self._wait())  # the task's staging
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.errors.append(exc)
        finally:
            connection.close()

    def _wait(self) -> None:
        if not self.steps.acquire(timeout=30):
            raise TimeoutError("the test never let the import go on")

    def step(self) -> None:
        self.steps.release()

    def finish(self) -> None:
        for _ in range(ROWS):
            self.steps.release()
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.fixture
def paced_worker(monkeypatch, settings, live_server) -> Any:
    settings.MARKETPLACE_IMPORT_BATCH_SIZE = BATCH
    worker = PacedWorker()
    monkeypatch.setattr(tasks, "run_import", worker)
    yield worker
    worker.finish()  # before the live server's database is flushed


@pytest.fixture
def shop(localhost_platform, settings, tmp_path):
    """A shop on the live server's platform with the catalog, inventory and marketplace on;
    imported files in the test's own folder."""
    settings.MARKETPLACE_IMPORT_ROOT = tmp_path / "imports"
    with ExitStack() as modules:
        for code in ("catalog", "inventory", "marketplace"):
            modules.enter_context(override_module(localhost_platform, code))
        yield VendorFactory(code=CODE, name="Lux Épicerie", platforms=[localhost_platform])


@pytest.fixture
def owner(shop):
    user = UserFactory(username="zoe")
    MembershipFactory(user=user, vendor=shop, role=Membership.Role.OWNER)
    return user


def path_of(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"vendor_code": CODE, **kwargs})


def the_job() -> ImportJob:
    with scopes_disabled():
        (job,) = ImportJob.objects.all()
        return job


def test_a_vendor_imports_a_feed_watches_it_stage_publishes_and_a_shopper_finds_it(
    shop, owner, paced_worker, new_page, live_server, tmp_path
):
    shots = Screenshots()
    feed = write_feed(tmp_path / "épicerie.csv")
    owner_view = Watched(new_page())
    page = owner_view.page

    # 1. The owner logs in and opens the imports from the sidebar.
    page.goto(reverse("tenancy:login"))
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + path_of("tenancy:dashboard"))
    page.locator(".sidebar").get_by_role("link", name="Catalogue imports").click()
    expect(page).to_have_url(live_server.url + path_of("marketplace:vendor-jobs"))
    expect(page.get_by_text("No imports yet.")).to_be_visible()

    # 2. The upload: the job page opens while the worker has not started.
    page.get_by_label("Feed file").set_input_files(feed)
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_url(re.compile(r"/marketplace/imports/\d+/$"))
    job = the_job()
    job_path = path_of("marketplace:vendor-job", pk=job.pk)
    assert (job.status, job.file_name, job.created_by_id) == ("pending", feed.name, owner.pk)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import of {feed.name}")
    box = page.locator("#import-progress")
    bar = box.get_by_role("progressbar", name=f"Import of {feed.name}")  # the heading
    expect(box).to_have_attribute("data-finished", "0")
    expect(box.locator('[data-field="status_label"]')).to_have_text("pending")
    expect(bar).to_have_attribute("max", "100")
    expect(bar).to_have_js_property("value", 0)
    expect(box.locator('[data-field="total_rows"]')).to_have_text("?")
    page.evaluate("window.__samePage = true")  # gone if the page reloads

    # 3. Batch by batch the bar climbs, polled, the page not reloaded: 20, 40, then 50 rows.
    for done, errors in ((20, 1), (40, 2), (50, 2)):
        paced_worker.step()
        expect(bar).to_have_js_property("value", 100 * done // ROWS)
        expect(bar).to_have_text(f"{100 * done // ROWS}%")
        expect(box.locator('[data-field="rows_done"]')).to_have_text(str(done))
        expect(box.locator('[data-field="total_rows"]')).to_have_text(str(ROWS))
        expect(box.locator('[data-field="errors"]')).to_have_text(str(errors))
        expect(box.locator('[data-field="status_label"]')).to_have_text("running")
        assert page.evaluate("window.__samePage") is True
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.error_rows) == ("running", ROWS, 2)

    # 4. Staged: the page reloads itself and shows the rows and the publish button.
    paced_worker.step()
    expect(box).to_have_attribute("data-finished", "1")
    assert page.evaluate("window.__samePage") is None
    expect(page).to_have_url(live_server.url + job_path)
    expect(box.locator('[data-field="status_label"]')).to_have_text("staged")
    expect(bar).to_have_js_property("value", 100)
    expect(box.locator('[data-field="rows_done"]')).to_have_text(str(ROWS))
    expect(box.locator('[data-field="errors"]')).to_have_text("2")
    publish = page.get_by_role("button", name="Publish 48 products")
    expect(publish).to_be_visible()
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(ROWS)
    expect(rows.first.get_by_role("cell").nth(3)).to_have_text(TITLE)
    paced_worker.finish()
    assert paced_worker.errors == []
    job.refresh_from_db()
    assert (job.status, job.new_count, job.error_rows) == ("staged", 48, 2)

    # 5. The "Error" tab: the two broken rows, each with what is wrong.
    page.locator("nav.chips").get_by_role("link", name="Error", exact=True).click()
    expect(page).to_have_url(live_server.url + job_path + "?state=error")
    expect(page.locator("nav.chips [aria-current=page]")).to_have_text("Error")
    expect(rows).to_have_count(len(BAD))
    for row, (number, problem) in zip(rows.all(), BAD.items(), strict=True):
        expect(row.get_by_role("cell").nth(1)).to_have_text(str(number))
        expect(row.locator(".error")).to_contain_text(problem)
    shots.take(page, job_path, "marketplace-import-staged")

    # 6. Publish: 48 products in the catalogue, active; the broken rows are not.
    publish.click()
    expect(page.locator(".messages")).to_contain_text("Publishing has started.")
    expect(box.locator('[data-field="status_label"]')).to_have_text("published")
    expect(page.get_by_role("button", name=re.compile(r"^Publish \d+ product"))).to_have_count(0)
    job.refresh_from_db()
    assert (job.status, job.created_products) == ("published", 48)
    with scopes_disabled():
        products = Product.objects.filter(vendor=shop)
        assert products.count() == 48
        assert not products.filter(sku__in=[f"LZ-{n:03d}" for n in BAD]).exists()
        crémant = products.get(sku="LZ-001")
        assert StagedProduct.objects.filter(job=job, published=True).count() == 48
    assert (crémant.title, crémant.slug, crémant.price, crémant.status) == (
        TITLE,
        SLUG,
        Decimal("14.90"),
        Product.Status.ACTIVE,
    )

    # 7. A shopper searches the shop for the crémant and opens it.
    shopper = Watched(new_page())
    shop_page = shopper.visit(path_of("customers:home"))
    search_for(shop_page, "crémant")
    expect(shop_page.get_by_role("heading", level=1)).to_have_text("Results for “crémant”")
    cards = shop_page.locator(".product-card")
    expect(cards).to_have_count(1)
    cards.get_by_role("link", name=TITLE).first.click()
    expect(shop_page).to_have_url(live_server.url + path_of("catalog:product", slug=SLUG))
    expect(shop_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(shop_page.locator(".price--large")).to_have_text("€14.90")

    shots.take(page, path_of("marketplace:vendor-jobs"), "marketplace-imports")
    shots.take(page, job_path, "marketplace-import-published")
    assert owner_view.problems() == [] and shopper.problems() == []
