"""``/metrics``: django-prometheus's metrics and Orion's own, with bounded labels."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from orion_core.services import ModuleService
from orion_core.testing import override_module


@pytest.mark.django_db
def test_metrics_export_module_toggles_after_a_committed_change(
    client, platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().enable(platform, "billing")
    client.get("/admin/login/", HTTP_HOST="acme.test")

    with override_settings(ORION_DEFAULT_PLATFORM=""):
        response = client.get("/metrics", HTTP_HOST="scraper.internal")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert re.search(
        r'^orion_module_toggles_total\{action="enable",module="billing"\} [1-9]', text, re.M
    )
    # Its requirement came with it, and was counted too.
    assert 'orion_module_toggles_total{action="enable",module="payments"}' in text
    assert "django_http_requests_total_by_method_total" in text
    assert "django_http_responses_total_by_status_total" in text


@pytest.mark.django_db
def test_an_uncommitted_change_is_not_counted(client, platform):
    def toggles() -> str:
        text = client.get("/metrics").content.decode()
        found = re.search(
            r'^orion_module_toggles_total\{action="enable",module="analytics"\} (\S+)', text, re.M
        )
        return found.group(1) if found else "0"

    before = toggles()
    ModuleService().enable(platform, "analytics")  # on_commit never runs: nothing committed
    assert toggles() == before


@pytest.mark.django_db
def test_module_request_outcomes_are_exported(client, platform):
    with override_module(platform, "dev_tools"):
        client.get("/dashboard/dev_tools/", HTTP_HOST="acme.test")
    text = client.get("/metrics").content.decode()
    assert 'orion_module_requests_total{module="dev_tools",outcome="gated"}' in text


@pytest.mark.django_db
def test_no_tenant_ids_in_orion_metric_labels(client, platform, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ModuleService().enable(platform, "catalog")
    client.get("/admin/login/", HTTP_HOST="acme.test")
    text = client.get("/metrics").content.decode()
    orion = [line for line in text.splitlines() if line.startswith("orion_")]
    assert orion
    for line in orion:
        labels = set(re.findall(r'(\w+)="', line))
        assert labels <= {"module", "action", "outcome", "kind", "frontend"}, line
        assert "acme" not in line
