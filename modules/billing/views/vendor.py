"""The vendor's Billing page, mounted at /vendor/<vendor_code>/billing/: its plan on this
platform, usage against the plan's limits, invoices (the module's second half), the plan
choice, cancelling at period end and withdrawing that, and the history.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope with
``request.vendor`` set. Reading needs ``billing.view``; subscribing, changing plan and
cancelling need ``billing.manage``. A refused change comes back as a message (or at its field)
with a 400, and changes nothing. The page is never gated by a feature: a vendor must always be
able to reach it to upgrade.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from modules.billing.forms import PlanForm
from modules.billing.models import Invoice, Subscription, Tier
from modules.billing.services import invoices, queries, subscriptions, tiers
from modules.billing.services.documents import invoice_pdf
from modules.billing.services.errors import BillingError
from orion_core.contracts.payments import PaymentError
from orion_core.guards import read_write
from orion_core.permissions import has_permission

HISTORY_SIZE = 20
RECENT_INVOICES = 5
INVOICE_PAGE_SIZE = 25


def actor_of(request: HttpRequest) -> str:
    """Who acts: staff working on a vendor they are not a member of, or the vendor's team."""
    staff = getattr(request.user, "is_staff", False) and not getattr(request, "membership", None)
    return "staff" if staff else "vendor"


class BillingView(TemplateView):
    """The vendor's plan, usage, invoices, plan choice and history."""

    permission = read_write("billing.view", "billing.manage")
    template_name = "billing/vendor/billing.html"

    def page_url(self) -> str:
        return reverse(
            "billing:vendor-billing",
            kwargs={"vendor_code": self.request.vendor.code},  # type: ignore[attr-defined]
        )

    def offered(self) -> list[Tier]:
        return list(tiers.offered_tiers(self.request.platform))  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        vendor, platform = request.vendor, request.platform  # type: ignore[attr-defined]
        found = subscriptions.current_subscription(vendor, platform)
        live = found if found is not None and found.is_live else None
        offered = kwargs.pop("offered", None) or self.offered()
        initial = {"tier": live.tier.code, "interval": live.interval} if live else {}
        current = live.tier if live else None
        kwargs.setdefault("plan_form", PlanForm(tiers=offered, current=current, initial=initial))
        default = tiers.platform_tiers(platform).filter(is_default=True).first()
        first_time = found is None
        return super().get_context_data(
            vendor=vendor,
            subscription=found,
            live=live,
            default_tier=default,
            offered=offered,
            usage=tiers.usage(platform, vendor.pk),
            events=list(queries.vendor_events(vendor.pk, platform.pk)[:HISTORY_SIZE]),
            invoices=list(queries.vendor_invoices(platform.pk)[: RECENT_INVOICES + 1]),
            recent_invoices=RECENT_INVOICES,
            trial_days=subscriptions.trial_days(platform) if first_time else 0,
            can_manage=has_permission(request, "billing.manage"),
            **kwargs,
        )

    def refuse(self, error: BillingError, form: PlanForm | None = None) -> HttpResponse:
        """The page again with what went wrong, 400, nothing changed."""
        offered = self.offered()
        if form is None or error.field is None:
            messages.error(self.request, error.message)
        else:
            form.apply_error(error)
        context = {"offered": offered}
        if form is not None:
            context["plan_form"] = form
        return self.render_to_response(self.get_context_data(**context), status=400)


class PlanView(BillingView):
    """POST ``tier`` and ``interval``: subscribe (no live subscription) or change the plan by
    the proration rule (``services.subscriptions``)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor, platform = request.vendor, request.platform  # type: ignore[attr-defined]
        offered = self.offered()
        live = subscriptions.live_subscription(vendor, platform)
        form = PlanForm(request.POST, tiers=offered, current=live.tier if live else None)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(plan_form=form, offered=offered), status=400
            )
        tier, interval = form.cleaned_data["tier"], form.cleaned_data["interval"]
        who = {"user": request.user, "actor": actor_of(request)}
        try:
            if live is None:
                made = subscriptions.subscribe(vendor, platform, tier, interval, **who)
                message = (
                    _("Your free trial of %(plan)s has started.")
                    if made.status == Subscription.Status.TRIALING
                    else _("You are now on %(plan)s.")
                ) % {"plan": made.tier.name}
            else:
                changed, outcome = subscriptions.change_plan(live, tier, interval, **who)
                message = {
                    "changed": _("You are now on %(plan)s."),
                    "scheduled": _("Your plan changes at the end of the current period."),
                    "unscheduled": _("The scheduled change of your plan was withdrawn."),
                }[outcome] % {"plan": changed.tier.name}
        except BillingError as error:
            return self.refuse(error, form)
        messages.success(request, message)
        return HttpResponseRedirect(self.page_url())


class CancelView(BillingView):
    """POST: cancel at the end of the period."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        live = subscriptions.live_subscription(request.vendor, request.platform)  # type: ignore[attr-defined]
        try:
            if live is None:
                raise BillingError(_("You have no plan to cancel."))
            subscriptions.cancel(live, user=request.user, actor=actor_of(request))
        except BillingError as error:
            return self.refuse(error)
        messages.success(request, _("Your plan ends at the end of the current period."))
        return HttpResponseRedirect(self.page_url())


class ResumeView(BillingView):
    """POST: withdraw a cancellation before it takes effect."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        live = subscriptions.live_subscription(request.vendor, request.platform)  # type: ignore[attr-defined]
        try:
            if live is None:
                raise BillingError(_("You have no plan to keep."))
            subscriptions.resume(live, user=request.user, actor=actor_of(request))
        except BillingError as error:
            return self.refuse(error)
        messages.success(request, _("Your plan continues."))
        return HttpResponseRedirect(self.page_url())


# --- invoices ----------------------------------------------------------------------------------


class InvoiceListView(ListView):
    """Every invoice of the vendor on this platform, newest first."""

    permission = "billing.view"
    template_name = "billing/vendor/invoice_list.html"
    context_object_name = "invoices"
    paginate_by = INVOICE_PAGE_SIZE

    def get_queryset(self) -> Any:
        return queries.vendor_invoices(self.request.platform.pk)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(vendor=self.request.vendor, **kwargs)  # type: ignore[attr-defined]


class InvoiceDetailView(DetailView):
    """One invoice as a printable page, with its PDF and (open ones) the way to pay it."""

    permission = "billing.view"
    template_name = "billing/vendor/invoice_detail.html"
    context_object_name = "invoice"

    def get_queryset(self) -> Any:
        return queries.vendor_invoices(self.request.platform.pk).prefetch_related("lines")  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            seller=self.request.platform.name,  # type: ignore[attr-defined]
            can_pay=has_permission(self.request, "billing.manage")
            and self.object.status == Invoice.Status.OPEN,
            **kwargs,
        )


class InvoicePdfView(InvoiceDetailView):
    """The invoice as a PDF download."""

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return pdf_response(self.object, seller=self.request.platform.name)  # type: ignore[attr-defined]


def pdf_response(invoice: Invoice, *, seller: str) -> HttpResponse:
    response = HttpResponse(invoice_pdf(invoice, seller=seller), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


class InvoicePayView(InvoiceDetailView):
    """POST: start paying the invoice through the platform's payments: to the provider's page,
    or back to the invoice with the platform's instructions."""

    permission = "billing.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = invoice = self.get_object()
        page = reverse(
            "billing:vendor-invoice",
            kwargs={"vendor_code": request.vendor.code, "pk": invoice.pk},  # type: ignore[attr-defined]
        )
        try:
            action = invoices.pay(invoice, return_url=request.build_absolute_uri(page))
        except (BillingError, PaymentError) as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(), status=400)
        if action.kind == "redirect" and action.redirect_url:
            return HttpResponseRedirect(action.redirect_url)
        if action.instructions:
            messages.info(request, action.instructions)
        return HttpResponseRedirect(page)
