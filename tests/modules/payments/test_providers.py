"""Dashboard figures: the staff metrics over a platform, the vendor widget over its vendor,
silent while payments is off."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.payments import services
from orion_core.providers import collect_metrics, collect_widgets
from orion_core.services import ModuleService
from orion_core.testing import override_module
from tests.modules.payments.conftest import start

pytestmark = pytest.mark.django_db


def test_metrics_over_the_platform(platform, shop, other_shop):
    with override_module(platform, "payments"):
        start(platform, shop, "ORD-1", "10.00")
        services.capture(shop, start(platform, shop, "ORD-2", "20.00"))
        services.refund(shop, "ORD-2", "5.00")
        services.capture(other_shop, start(platform, other_shop, "ORD-3", "30.00"))
        enabled = ModuleService().enabled_codes(platform)
        metrics = {m.key: m.value for m in collect_metrics(platform, enabled)}
    assert metrics["payments.pending"] == 1
    assert metrics["payments.captured_month"] == Decimal("50.00")
    assert metrics["payments.refunded_month"] == Decimal("5.00")
    enabled = ModuleService().enabled_codes(platform)
    assert not [m for m in collect_metrics(platform, enabled) if m.module == "payments"]
    assert not [w for w in collect_widgets(platform, None, enabled) if w.module == "payments"]


def test_the_vendor_widget_counts_only_the_vendors_payments(platform, shop, other_shop, manager):
    with override_module(platform, "payments"):
        services.capture(shop, start(platform, shop, "ORD-1", "12.00"))
        services.capture(other_shop, start(platform, other_shop, "ORD-2", "990.00"))
        response = manager.get("/vendor/shop-a/")
    (item,) = [w for w in response.context["widgets"] if w.widget.module == "payments"]
    assert '<span class="stat-value">12.00</span><span class="stat-label">Taken' in item.html
    assert "990" not in item.html


def test_figures_come_from_the_cache_until_a_payment_changes(
    platform, shop, django_capture_on_commit_callbacks
):
    """Both dashboards ask on every visit: no SQL when warm, and any change of a payment (a
    start, a capture, a refund) makes the platform's and the vendor's figures stale on commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.payments.providers import metrics_provider, widgets_provider
    from modules.tenancy.context import tenant_context

    def figures() -> tuple:
        metrics = {m.key: m.value for m in metrics_provider.get_metrics(platform)}
        with tenant_context(platform, shop):
            (widget,) = widgets_provider.get_widgets(platform, None)
        return metrics["payments.pending"], widget.context["figures"].captured

    with override_module(platform, "payments"):
        with django_capture_on_commit_callbacks(execute=True):
            start(platform, shop, "ORD-1", "10.00")
        assert figures() == (1, Decimal("0.00"))
        with CaptureQueriesContext(connection) as queries:
            assert figures() == (1, Decimal("0.00"))
        assert not queries
        with django_capture_on_commit_callbacks(execute=True):
            services.capture(shop, "ORD-1")
        assert figures() == (0, Decimal("10.00"))
        with django_capture_on_commit_callbacks(execute=True):
            start(platform, shop, "ORD-2", "5.00")
        assert figures() == (1, Decimal("10.00"))
