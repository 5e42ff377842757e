"""Staff page of orders on the dashboard (/dashboard/orders/): every vendor's orders placed on
the chosen platform, filtered and paged, with the platform's figures. Read-only: orders are
changed on the vendor's portal (staff may act there with the owner's permissions)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from modules.core.views.dashboard import DashboardMixin
from modules.orders import forms
from modules.orders.services import queries

PAGE_SIZE = 50


class OrderListView(DashboardMixin, TemplateView):
    template_name = "orders/staff/order_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filter_form = forms.OrderFilterForm(self.request.GET or None)
        data = filter_form.cleaned_data if filter_form.is_valid() else {}
        with scopes_disabled():  # staff: across vendors on purpose, by platform
            found = queries.platform_orders(self.platform, **data)
            page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
            rows = list(page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=filter_form,
            page_obj=page,
            orders=rows,
            filter_query=query.urlencode(),
            figures=queries.figures(platform=self.platform),
            **kwargs,
        )
