"""Staff pages of billing on the dashboard (/dashboard/billing/).

- The overview: the chosen platform's tiers with their subscribers, its figures, and every
  vendor's subscriptions there, filtered and paged. Tiers are edited in the admin (validated
  there), subscriptions change through the services (the vendor's portal, where staff act
  with the owner's permissions, and the admin's actions).
- Invoices: the platform's invoices, filtered and paged; one invoice with its PDF, and the
  two things staff do to one: record a payment received another way, or make it void.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from modules.billing import forms
from modules.billing.models import Invoice
from modules.billing.services import invoices, queries, tiers
from modules.billing.services.errors import BillingError
from modules.billing.views.vendor import pdf_response
from modules.core.views.dashboard import DashboardMixin, StaffListMixin

PAGE_SIZE = 50


class BillingStaffView(StaffListMixin, TemplateView):
    template_name = "billing/staff/overview.html"
    filter_form_class = forms.SubscriptionFilterForm
    rows_name = "subscriptions"
    page_size = PAGE_SIZE

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {"tiers": tiers.platform_tiers(self.platform)}

    def filtered(self, **filters: Any) -> Any:
        return queries.platform_subscriptions(self.platform, **filters)

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
        return super().get_context_data(
            tiers=tier_rows, figures=queries.cached_figures(platform), **kwargs
        )


class InvoiceStaffListView(StaffListMixin, TemplateView):
    template_name = "billing/staff/invoice_list.html"
    filter_form_class = forms.InvoiceFilterForm
    rows_name = "invoices"
    page_size = PAGE_SIZE

    def filtered(self, **filters: Any) -> Any:
        return queries.platform_invoices(self.platform, **filters)


class InvoiceStaffView(DashboardMixin, TemplateView):
    """One invoice (any platform's), with the payment and void forms while it is open."""

    template_name = "billing/staff/invoice_detail.html"
    requires_platform = False

    def prepare(self, **kwargs: Any) -> None:
        with scopes_disabled():
            self.invoice = (
                Invoice.objects.select_related("vendor", "platform")
                .prefetch_related("lines")
                .filter(pk=kwargs["pk"])
                .first()
            )
        if self.invoice is None:
            raise Http404(_("No such invoice."))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("void_form", forms.VoidInvoiceForm())
        kwargs.setdefault("payment_form", forms.RecordPaymentForm())
        return super().get_context_data(invoice=self.invoice, **kwargs)

    def page(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("billing:staff-invoice", args=[self.invoice.pk]))

    def refuse(self, message: str = "", **forms_with_errors: Any) -> HttpResponse:
        if message:
            messages.error(self.request, message)
        context = self.get_context_data(**forms_with_errors)
        return self.render_to_response(context, status=400)


class InvoicePdfStaffView(InvoiceStaffView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return pdf_response(self.invoice, seller=self.invoice.platform.name)


class RecordPaymentView(InvoiceStaffView):
    """POST: the money arrived another way (a bank transfer): the invoice is paid."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.RecordPaymentForm(request.POST)
        if not form.is_valid():
            return self.refuse(payment_form=form)
        try:
            invoices.record_payment(self.invoice, user=request.user, note=form.cleaned_data["note"])
        except BillingError as error:
            return self.refuse(str(error))
        messages.success(request, _("Invoice %(number)s is paid.") % {"number": self.invoice})
        return self.page()


class VoidInvoiceView(InvoiceStaffView):
    """POST ``reason``: the invoice was issued by mistake; it stays, void, with its number."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.VoidInvoiceForm(request.POST)
        if not form.is_valid():
            return self.refuse(void_form=form)
        try:
            invoices.void(self.invoice, reason=form.cleaned_data["reason"], user=request.user)
        except BillingError as error:
            return self.refuse(str(error))
        messages.success(request, _("Invoice %(number)s is void.") % {"number": self.invoice})
        return self.page()
