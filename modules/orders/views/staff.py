"""Staff page of orders on the dashboard (/dashboard/orders/): every vendor's orders placed on
the chosen platform, filtered and paged, with the platform's figures. Read-only: orders are
changed on the vendor's portal (staff may act there with the owner's permissions)."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from modules.core.views.dashboard import StaffListMixin
from modules.orders import forms
from modules.orders.services import queries

PAGE_SIZE = 50


class OrderListView(StaffListMixin, TemplateView):
    template_name = "orders/staff/order_list.html"
    filter_form_class = forms.OrderFilterForm
    rows_name = "orders"
    page_size = PAGE_SIZE

    def filtered(self, **filters: Any) -> Any:
        return queries.platform_orders(self.platform, **filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(figures=queries.figures(platform=self.platform), **kwargs)
