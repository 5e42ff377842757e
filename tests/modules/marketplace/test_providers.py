"""The dashboards' marketplace figures: the platform's imports this week, and a vendor's recent
imports, fresh once a job changes phase."""

from __future__ import annotations

import pytest

from modules.marketplace.providers import metrics_provider, widgets_provider
from modules.marketplace.services import staging
from modules.tenancy.context import tenant_context
from tests.modules.marketplace.conftest import make_job, sample

pytestmark = pytest.mark.django_db


def test_metrics_count_this_weeks_imports(
    shop, other_shop, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staging.stage(make_job(shop, sample("products.csv")))
        staging.stage(make_job(other_shop, sample("products.json"), "products.json"))

    metrics = {m.key: m.value for m in metrics_provider.get_metrics(platform)}

    assert metrics == {
        "marketplace.imports_week": 2,
        "marketplace.rows_week": 15,
        "marketplace.error_rate": 46.7,  # 7 of 15
    }


def test_the_widget_lists_the_vendors_recent_imports(
    shop, other_shop, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staging.stage(make_job(shop, sample("products.csv"), "mine.csv"))
        staging.stage(make_job(other_shop, sample("products.csv"), "theirs.csv"))

    with tenant_context(platform=platform, vendor=shop):
        (widget,) = widgets_provider.get_widgets(platform, None)

    assert [job["name"] for job in widget.context["jobs"]] == ["mine.csv"]
    assert widget.context["link"] == "/vendor/shop-a/marketplace/imports/"
    assert widgets_provider.get_widgets(platform, None) == []  # no vendor: no widget
