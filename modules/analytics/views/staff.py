"""Staff reports of the chosen platform (/dashboard/analytics/): GMV and the vendors selling
over a period (the sales contract, across vendors), the vendors on the platform, module
adoption across every platform (orion_core's PlatformModule rows), and subscriptions by tier
(the subscriptions contract: billing when it is on, else the page says there are no plans).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django_scopes import scopes_disabled

from modules.analytics import charts, reports
from modules.analytics.views.common import (
    DATE_LABELS,
    csv_response,
    read_filter,
    report_context,
)
from modules.core.views.dashboard import DashboardMixin
from modules.tenancy.models import PORTAL_OPEN, VendorPlatform
from orion_core import state
from orion_core.contracts import provider_for
from orion_core.contracts.sales import SALES
from orion_core.contracts.subscriptions import SUBSCRIPTIONS
from orion_core.models import PlatformModule
from orion_core.modules.registry import get_registry


def module_adoption(platform_count: int) -> list[dict[str, Any]]:
    """Every installed module with the number of platforms it is on (one query)."""
    counts = dict(
        PlatformModule.objects.filter(is_enabled=True)
        .values_list("module_code")
        .annotate(n=Count("platform", distinct=True))
        .order_by()
    )
    return [
        {
            "definition": definition,
            "platforms": counts.get(definition.code, 0),
            "share": round(100 * counts.get(definition.code, 0) / platform_count)
            if platform_count
            else 0,
        }
        for definition in get_registry()
        if not definition.is_core
    ]


def subscriptions_context(platform_id: int, enabled: frozenset[str]) -> dict[str, Any]:
    plans = provider_for(SUBSCRIPTIONS, enabled)
    tiers = plans.tier_counts(platform_id)
    return {
        "plans_available": plans.available,
        "tiers": tiers,
        "tiers_chart": charts.bar_chart(
            _("Subscriptions by tier"), [(tier.name, tier.subscribers) for tier in tiers]
        )
        if tiers
        else "",
    }


class StaffReportView(DashboardMixin, View):
    template_name = "analytics/staff/report.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        platform = self.platform
        form, period = read_filter(request, reports.platform_time_zone(platform))
        context: dict[str, Any] = {
            "form": form,
            "dashboard_platforms": self.platforms,
            "dashboard_platform": platform,
        }
        if period is None:
            return render(request, self.template_name, context, status=400)
        enabled = state.state_for_platform(platform).enabled
        sales = provider_for(SALES, enabled)
        if request.GET.get("format") == "csv":
            return csv_response(request, sales, platform.pk, None, period, platform.code)
        context.update(report_context(request, sales, platform.pk, None, period))
        report = context["report"]
        adoption = module_adoption(len(self.platforms))
        with scopes_disabled():  # staff: every vendor of the platform
            vendors = VendorPlatform.objects.filter(platform=platform).aggregate(
                total=Count("pk"), open=Count("pk", filter=Q(status__in=PORTAL_OPEN))
            )
        context.update(
            adoption=adoption,
            adoption_chart=charts.bar_chart(
                _("Module adoption"),
                [(row["definition"].code, row["platforms"]) for row in adoption],
            ),
            vendors_chart=charts.bar_chart(
                _("Vendors selling"),
                [
                    (row.period.strftime(DATE_LABELS[period.granularity]), row.vendors)
                    for row in report.rows
                ],
            )
            if report.available
            else "",
            vendor_counts=vendors,
            **subscriptions_context(platform.pk, enabled),
        )
        return render(request, self.template_name, context)
