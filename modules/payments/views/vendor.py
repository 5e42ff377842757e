"""Vendor-portal pages, mounted at /vendor/<vendor_code>/payments/: the payments list, a
payment's page with its history and refunds, confirming a manual payment, refunding.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope, with
``request.vendor`` set: another vendor's payment is simply not found (404). Reading needs
``payments.view``, confirming ``payments.confirm``, refunding ``payments.refund``. Views are
thin: what a payment may do is decided by ``modules.payments.services``, whose refusals come
back as field errors with a 400 (nothing is written then).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from modules.payments import forms, services
from modules.payments.models import Payment, PaymentTransition, Refund
from orion_core.contracts.payments import PaymentError
from orion_core.permissions import has_permission

PAGE_SIZE = 50


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def detail_url(request: HttpRequest, payment: Payment) -> str:
    return reverse(
        "payments:vendor-payment",
        kwargs={"vendor_code": request.vendor.code, "pk": payment.pk},  # type: ignore[attr-defined]
    )


class PaymentListView(ListView):
    """The vendor's payments, newest first, filtered by state, provider and a search."""

    permission = "payments.view"
    template_name = "payments/vendor/payment_list.html"
    context_object_name = "payments"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        self.filter_form = forms.PaymentFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return services.payment_list(
            search=data.get("q") or "",
            state=data.get("state") or "",
            gateway=data.get("gateway") or "",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            filter_form=self.filter_form,
            filter_query=_filter_query(self.request),
            **kwargs,
        )


class PaymentDetailView(DetailView):
    """One payment: its money, its history (who moved it, when), its refunds, and the
    actions the member may take (confirm a manual payment, refund)."""

    permission = "payments.view"
    template_name = "payments/vendor/payment_detail.html"
    context_object_name = "payment"

    def get_queryset(self) -> Any:
        return services.sales()  # this vendor's only: the guard set the scope

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        payment = self.object
        can_refund = has_permission(self.request, "payments.refund")
        refundable = payment.state in services.REFUNDABLE and payment.refundable > 0
        if can_refund and refundable:
            kwargs.setdefault(
                "refund_form", forms.RefundForm(initial={"amount": payment.refundable})
            )
        return super().get_context_data(
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            history=PaymentTransition.objects.filter(payment=payment).select_related("user"),
            refunds=Refund.objects.filter(payment=payment).select_related("user"),
            can_confirm=has_permission(self.request, "payments.confirm")
            and payment.state in services.NOT_CAPTURED,
            **kwargs,
        )


class PaymentActionView(DetailView):
    """A POST that acts on one payment through a service; GET is not allowed."""

    http_method_names = ["post"]
    template_name = "payments/vendor/payment_detail.html"

    def get_queryset(self) -> Any:
        return services.sales()

    def refused(self, payment: Payment, **context: Any) -> HttpResponse:
        """The payment's page again with the refusal, as a 400."""
        page = PaymentDetailView(request=self.request, kwargs=self.kwargs, object=payment)
        page.object = payment
        return page.render_to_response(page.get_context_data(**context), status=400)


class ConfirmView(PaymentActionView):
    """The vendor confirms that a manual payment arrived: it is captured."""

    permission = "payments.confirm"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payment = self.get_object()
        try:
            services.capture(request.vendor, payment, user=request.user)  # type: ignore[attr-defined]
        except PaymentError as error:
            return self.refused(payment, action_error=str(error))
        messages.success(
            request,
            _("Payment %(reference)s confirmed as received.") % {"reference": payment.reference},
        )
        return HttpResponseRedirect(detail_url(request, payment))


class RefundView(PaymentActionView):
    """Refund part or all of what a payment captured; never more."""

    permission = "payments.refund"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payment = self.get_object()
        form = forms.RefundForm(request.POST)
        if form.is_valid():
            try:
                services.refund(
                    request.vendor,  # type: ignore[attr-defined]
                    payment,
                    form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except PaymentError as error:
                form.apply_error(error)
            else:
                messages.success(
                    request,
                    _("Refunded %(amount)s %(currency)s.")
                    % {"amount": form.cleaned_data["amount"], "currency": payment.currency},
                )
                return HttpResponseRedirect(detail_url(request, payment))
        payment.refresh_from_db()
        return self.refused(payment, refund_form=form)
