"""Staff page of billing on the dashboard (/dashboard/billing/): the chosen platform's tiers
with their subscribers, its figures, and every vendor's subscriptions there, filtered and
paged. Read-only: tiers are edited in the admin (validated there), subscriptions change
through the services (the vendor's portal, where staff act with the owner's permissions, and
the admin's actions)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from modules.billing import forms
from modules.billing.services import queries, tiers
from modules.core.views.dashboard import DashboardMixin

PAGE_SIZE = 50


class BillingStaffView(DashboardMixin, TemplateView):
    template_name = "billing/staff/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        platform = self.platform
        names = [limit.name for limit in tiers.enabled_limits(platform)]
        tier_rows = [
            {
                "tier": tier,
                "features": tiers.describe_features(tier),
                "limits": tiers.describe_limits(tier, names),
            }
            for tier in queries.tiers_with_counts(platform)
        ]
        filter_form = forms.SubscriptionFilterForm(
            self.request.GET or None, tiers=tiers.platform_tiers(platform)
        )
        data = filter_form.cleaned_data if filter_form.is_valid() else {}
        with scopes_disabled():  # staff: across vendors on purpose, by platform
            found = queries.platform_subscriptions(platform, **data)
            page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
            rows = list(page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            tiers=tier_rows,
            filter_form=filter_form,
            page_obj=page,
            subscriptions=rows,
            filter_query=query.urlencode(),
            figures=queries.cached_figures(platform),
            **kwargs,
        )
