"""The vendor's reports, mounted at /vendor/<vendor_code>/analytics/ (``analytics.view``):
sales by day, week or month, top products, new vs returning buyers, average order value and
cart conversion over a chosen period, each series also as CSV. The figures come from the sales
contract; with no module answering it (orders off) the page says there is no sales data.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from modules.analytics import reports
from modules.analytics.views.common import csv_response, read_filter, report_context
from orion_core.contracts import provider_for
from orion_core.contracts.sales import SALES


class ReportView(View):
    permission = "analytics.view"
    template_name = "analytics/vendor/report.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        vendor, platform = request.vendor, request.platform  # type: ignore[attr-defined]
        form, period = read_filter(request, reports.platform_time_zone(platform))
        context: dict[str, Any] = {"form": form, "vendor": vendor}
        if period is None:
            return render(request, self.template_name, context, status=400)
        sales = provider_for(SALES, request.modules)  # type: ignore[attr-defined]
        if request.GET.get("format") == "csv":
            return csv_response(request, sales, platform.pk, vendor.pk, period, vendor.code)
        context.update(report_context(request, sales, platform.pk, vendor.pk, period))
        return render(request, self.template_name, context)
