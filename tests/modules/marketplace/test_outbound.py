"""Vendors' feed and image addresses are fetched only from public networks: an address that is
or resolves to a private, loopback or link-local one (the cloud's metadata service) fails with
the reason and is never asked, unless ``MARKETPLACE_FETCH_PRIVATE_ADDRESSES`` is on."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import images, jobs, publishing, staging
from tests.modules.marketplace.conftest import LoopbackHandler, make_job, sample, serving

pytestmark = pytest.mark.django_db

REFUSED = "on a private or local network, which is not fetched from"


class CountingHandler(LoopbackHandler):
    asked: list[str] = []  # noqa: RUF012 - what was asked, shared with the test

    def do_GET(self):  # noqa: N802 - http.server's name
        self.asked.append(self.path)
        self.answer(sample("products.csv"), "text/csv; charset=utf-8")


@pytest.fixture
def loopback(settings):
    settings.MARKETPLACE_FETCH_PRIVATE_ADDRESSES = False  # the default
    CountingHandler.asked = []
    with serving(CountingHandler) as url:
        yield url


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_feed_on_a_private_address_fails_the_job_unasked(shop, loopback, host):
    url = loopback.replace("127.0.0.1", host)
    job = jobs.run(jobs.create_url_job(shop, f"{url}/feed.csv", "csv"))

    assert job.status == ImportJob.Status.FAILED
    assert job.error_message == f"The feed's address is {REFUSED}."
    assert CountingHandler.asked == []
    with scopes_disabled():
        assert not StagedProduct.objects.filter(job=job).exists()


def test_the_setting_lets_an_internal_feed_in(shop, loopback, settings):
    settings.MARKETPLACE_FETCH_PRIVATE_ADDRESSES = True
    job = jobs.run(jobs.create_url_job(shop, f"{loopback}/feed.csv", "csv"))

    assert job.status == ImportJob.Status.STAGED
    assert CountingHandler.asked == ["/feed.csv"]


def test_an_image_on_the_metadata_service_is_refused_on_its_row(shop, modules_on, loopback):
    metadata = "http://169.254.169.254/latest/meta-data/iam.png"
    feed = f"sku,title,price,image_urls\nA-1,Product,9.90,{metadata}|{loopback}/a.png\n"
    job = publishing.publish(staging.stage(make_job(shop, feed.encode())))

    done = images.fetch_images(job)

    assert (done.attached, done.failed) == (0, 2)
    with scopes_disabled():
        row = StagedProduct.objects.get(job=job, sku="A-1")
    assert row.errors["images"] == [
        f"{metadata}: The address is {REFUSED}.",
        f"{loopback}/a.png: The address is {REFUSED}.",
    ]
    assert CountingHandler.asked == []
