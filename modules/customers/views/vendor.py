"""Vendor-portal pages: the customer list (search, filters, CSV export), detail, segments."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from modules.customers import forms, services
from modules.customers.models import Customer, CustomerAddress, CustomerSegment
from modules.tenancy.scoping import vendor_scope
from orion_core.guards import read_write


class PortalMixin:
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(vendor=self.request.vendor, **kwargs)  # type: ignore[misc]


class FilteredCustomersMixin:
    """The list's filters, read from the query string (shared by the list and the export)."""

    def filtered_customers(self) -> Any:
        self.filter_form = forms.CustomerFilterForm(self.request.GET or None)  # type: ignore[attr-defined]
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            return services.customer_list(
                search=data["q"], tag=data["tag"], segment=data["segment"]
            )
        return services.customer_list()


class CustomerListView(PortalMixin, FilteredCustomersMixin, ListView):
    permission = "customers.view"
    template_name = "customers/vendor/customer_list.html"
    context_object_name = "customers"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return self.filtered_customers()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class CustomerDetailView(PortalMixin, TemplateView):
    permission = "customers.view"
    template_name = "customers/vendor/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        customer = get_object_or_404(Customer.objects.prefetch_related("tags"), pk=kwargs["pk"])
        addresses = list(CustomerAddress.objects.filter(customer=customer))
        return super().get_context_data(customer=customer, addresses=addresses, **kwargs)


EXPORT_HEADER = (
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "is_active",
    "marketing_consent",
    "marketing_consent_at",
    "date_joined",
    "last_login",
    "orders_count",
    "total_spent",
    "last_order_at",
    "tags",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """No spreadsheet formulas from customer-entered text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


class CustomerExportView(PortalMixin, FilteredCustomersMixin, View):
    permission = "customers.export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        queryset = self.filtered_customers()
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            # Never export more than was asked for: an invalid filter is refused, not ignored.
            return HttpResponseBadRequest(
                _("Invalid filter: %(errors)s") % {"errors": self.filter_form.errors.as_text()},
                content_type="text/plain; charset=utf-8",
            )
        vendor = request.vendor
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            # Streaming runs after the view returned, outside its scope: take the scope along.
            with vendor_scope(vendor):
                yield writer.writerow(EXPORT_HEADER)
                for c in queryset.iterator(chunk_size=500):
                    yield writer.writerow(
                        [
                            _cell(c.pk),
                            _cell(c.email),
                            _cell(c.first_name),
                            _cell(c.last_name),
                            _cell(c.phone),
                            c.is_active,
                            c.marketing_consent,
                            _cell(c.marketing_consent_at and c.marketing_consent_at.isoformat()),
                            c.date_joined.isoformat(),
                            _cell(c.last_login and c.last_login.isoformat()),
                            c.orders_count,
                            c.total_spent,
                            _cell(c.last_order_at and c.last_order_at.isoformat()),
                            _cell(";".join(t.name for t in c.tags.all())),
                        ]
                    )

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="customers-{vendor.code}-{stamp}.csv"'
        )
        return response


class SegmentListView(PortalMixin, TemplateView):
    """Segments, and the form creating one (POST needs customers.edit)."""

    permission = read_write("customers.view", "customers.edit")
    template_name = "customers/vendor/segment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", forms.SegmentForm(vendor=self.request.vendor))
        kwargs.setdefault("rule_formset", forms.RuleFormSet(prefix="rules"))
        return super().get_context_data(segments=list(CustomerSegment.objects.all()), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.SegmentForm(request.POST, vendor=request.vendor)
        rule_formset = forms.RuleFormSet(request.POST, prefix="rules")
        if form.is_valid() and rule_formset.is_valid():
            segment = form.save(commit=False)
            segment.vendor = request.vendor
            segment.rules = rule_formset.rules()
            segment.save()
            messages.success(request, _("Segment “%(name)s” created.") % {"name": segment.name})
            return redirect(
                reverse("customers:vendor-segments", kwargs={"vendor_code": request.vendor.code})
            )
        context = self.get_context_data(form=form, rule_formset=rule_formset, **kwargs)
        return self.render_to_response(context, status=400)


class SegmentDeleteView(PortalMixin, View):
    permission = "customers.edit"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        segment = get_object_or_404(CustomerSegment, pk=kwargs["pk"])
        segment.delete()
        messages.success(request, _("Segment deleted."))
        return redirect(
            reverse("customers:vendor-segments", kwargs={"vendor_code": request.vendor.code})
        )
