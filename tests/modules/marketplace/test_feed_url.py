"""A job reading a feed URL (served from loopback here): fetched once into private storage,
then staged like an upload; a feed that times out or answers an error fails the job."""

from __future__ import annotations

import time

import pytest
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob, StagedProduct
from modules.marketplace.services import jobs
from tests.modules.marketplace.conftest import LoopbackHandler, sample, serving

pytestmark = pytest.mark.django_db


class FeedHandler(LoopbackHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/slow.csv":
            time.sleep(1.5)
        if self.path == "/missing.csv":
            self.send_error(404)
            return
        self.answer(sample("products.csv"), "text/csv; charset=utf-8")


@pytest.fixture
def feed_server():
    with serving(FeedHandler) as url:
        yield url


def test_a_feed_url_is_fetched_and_staged(shop, feed_server):
    job = jobs.create_url_job(shop, f"{feed_server}/feeds/products.csv", "csv")

    job = jobs.run(job)

    assert job.status == ImportJob.Status.STAGED
    assert (job.file_name, job.total_rows, job.error_rows) == ("products.csv", 10, 5)
    with scopes_disabled():
        assert StagedProduct.objects.filter(job=job).count() == 10


@pytest.mark.parametrize(
    ("path", "message"),
    [("/slow.csv", "did not answer in time"), ("/missing.csv", "The feed answered 404.")],
)
def test_a_feed_that_times_out_or_errs_fails_the_job(shop, feed_server, settings, path, message):
    settings.MARKETPLACE_FEED_TIMEOUT = 0.3
    job = jobs.create_url_job(shop, f"{feed_server}{path}", "csv")

    job = jobs.run(job)

    assert job.status == ImportJob.Status.FAILED
    assert message in job.error_message
    with scopes_disabled():
        assert not StagedProduct.objects.filter(job=job).exists()
