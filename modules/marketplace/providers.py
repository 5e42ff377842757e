"""Marketplace's dashboard figures: imports this week, rows staged and their error rate on the
staff dashboard, and a vendor's recent imports on the vendor dashboard. Both are read from the
shared cache (``services.stats``), stale once a job changes phase."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modules.marketplace.services import stats
from modules.tenancy.context import current
from orion_core.providers import Metric, Widget


class MarketplaceMetrics:
    def get_metrics(self, platform: Any) -> list[Metric]:
        figures = stats.platform_figures(platform)
        return [
            Metric(
                "marketplace.imports_week",
                _("Imports this week"),
                figures.imports,
                module="marketplace",
            ),
            Metric(
                "marketplace.rows_week",
                _("Rows staged this week"),
                figures.rows,
                module="marketplace",
            ),
            Metric(
                "marketplace.error_rate",
                _("Import error rate"),
                figures.error_rate,
                unit="%",
                module="marketplace",
            ),
        ]


metrics_provider = MarketplaceMetrics()


class MarketplaceWidgets:
    """The recent imports on a vendor's dashboard (every role holds ``marketplace.view``)."""

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if not ctx.vendor_id:
            return []
        link = reverse("marketplace:vendor-jobs", kwargs={"vendor_code": ctx.vendor_code})
        return [
            Widget(
                "marketplace.recent_imports",
                _("Recent imports"),
                "marketplace/widgets/recent_imports.html",
                {"jobs": stats.recent_jobs(ctx.vendor_id), "link": link},
                order=450,
                module="marketplace",
                url=link,
            )
        ]


widgets_provider = MarketplaceWidgets()
