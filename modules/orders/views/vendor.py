"""Vendor-portal pages, mounted at /vendor/<vendor_code>/orders/: the orders (filters, search,
pagination, CSV export), an order with its payment, history and actions, and the shop's
shipping and tax settings.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope with
``request.vendor`` set, so another vendor's order is a 404. Reading needs ``orders.view``;
acting on an order (confirm payment, fulfil, complete, cancel, refund) and the settings need
``orders.manage``. Which actions an order offers follows its status (``services.orders``);
a refused action comes back as a message and a 400, and changes nothing.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from modules.orders import forms
from modules.orders.models import Order, OrderSettings
from modules.orders.services import orders, payment, queries
from modules.orders.services.errors import OrderError
from orion_core.guards import read_write
from orion_core.permissions import has_permission

PAGE_SIZE = 50
EXPORT_FIELDS = (
    "number", "placed_at", "status", "email", "ship_name", "ship_city", "ship_country",
    "currency", "subtotal", "shipping", "tax", "total", "tracking_number",
)  # fmt: skip


class PortalMixin:
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(  # type: ignore[misc]
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            can_manage=has_permission(self.request, "orders.manage"),
            **kwargs,
        )


def _filters(request: HttpRequest) -> tuple[forms.OrderFilterForm, dict[str, Any]]:
    form = forms.OrderFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


class OrderListView(PortalMixin, ListView):
    """The vendor's orders, newest first, filtered by status, dates and a search."""

    permission = "orders.view"
    template_name = "orders/vendor/order_list.html"
    context_object_name = "orders"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        self.filter_form, data = _filters(self.request)
        return queries.vendor_orders(**data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, filter_query=query.urlencode(), **kwargs
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


class OrderExportView(PortalMixin, TemplateView):
    """The filtered orders as CSV (streamed, so a large shop's export stays cheap)."""

    permission = "orders.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, data = _filters(request)
        rows = queries.vendor_orders(**data).values_list(*EXPORT_FIELDS)
        writer = csv.writer(_Echo())

        def lines() -> Any:
            yield writer.writerow(EXPORT_FIELDS)
            for row in rows.iterator(chunk_size=500):
                yield writer.writerow([_cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        return response


def _cell(value: Any) -> Any:
    """No spreadsheet formulas from customers' text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


ACTIONS = {
    "confirm-payment": "confirm_payment",
    "fulfil": "fulfil",
    "complete": "complete",
    "cancel": "cancel",
    "refund": "refund",
}


class OrderDetailView(PortalMixin, TemplateView):
    """An order: lines, totals, address, payment, history; the actions its status allows
    (POST ``action`` with ``tracking_number`` or ``reason``), for ``orders.manage``."""

    permission = read_write("orders.view", "orders.manage")
    template_name = "orders/vendor/order_detail.html"

    def get_order(self) -> Order:
        return get_object_or_404(Order.objects.select_related("customer"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        order = kwargs.pop("order", None) or self.get_order()
        allowed = orders.allowed(order)
        return super().get_context_data(
            order=order,
            lines=list(order.lines.all()),
            events=list(order.events.select_related("user")),
            payment_status=payment.status(order),
            shipping_label=orders.shipping_methods().get(
                order.shipping_method, order.shipping_method
            ),
            can_confirm=Order.Status.PAID in allowed,
            can_fulfil=Order.Status.FULFILLED in allowed,
            can_complete=Order.Status.COMPLETED in allowed,
            can_cancel=Order.Status.CANCELLED in allowed,
            can_refund=Order.Status.REFUNDED in allowed,
            fulfil_form=kwargs.pop("fulfil_form", None) or forms.FulfilForm(),
            reason_form=forms.ReasonForm(),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        order = self.get_order()
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose an action."))
            return self.render_to_response(self.get_context_data(order=order), status=400)
        fulfil_form = forms.FulfilForm(request.POST)
        reason_form = forms.ReasonForm(request.POST)
        if not (fulfil_form.is_valid() and reason_form.is_valid()):
            return self.render_to_response(
                self.get_context_data(order=order, fulfil_form=fulfil_form), status=400
            )
        extra: dict[str, Any] = {}
        if action == "fulfil":
            extra["tracking_number"] = fulfil_form.cleaned_data["tracking_number"]
        elif action in ("cancel", "refund"):
            extra["reason"] = reason_form.cleaned_data["reason"]
        try:
            getattr(orders, action)(order, user=request.user, actor=_actor(request), **extra)
        except OrderError as error:
            messages.error(request, error.message)
            order.refresh_from_db()
            return self.render_to_response(self.get_context_data(order=order), status=400)
        messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
        return HttpResponseRedirect(request.path)


def _actor(request: HttpRequest) -> str:
    return (
        "staff"
        if getattr(request.user, "is_staff", False) and not getattr(request, "membership", None)
        else "vendor"
    )


class SettingsView(PortalMixin, TemplateView):
    """The shop's shipping and tax settings."""

    permission = read_write("orders.view", "orders.manage")
    template_name = "orders/vendor/settings.html"

    def get_instance(self) -> OrderSettings:
        found = orders.settings_for(self.request.vendor)  # type: ignore[attr-defined]
        return OrderSettings.objects.get(pk=found.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", forms.OrderSettingsForm(instance=self.get_instance()))
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.OrderSettingsForm(request.POST, instance=self.get_instance())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        form.save()
        messages.success(request, _("Settings saved."))
        return HttpResponseRedirect(
            reverse("orders:vendor-settings", kwargs={"vendor_code": request.vendor.code})  # type: ignore[attr-defined]
        )
