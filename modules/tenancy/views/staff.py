"""Staff pages of the dashboard: vendors of the managed platform, approve and suspend them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from django_scopes import scopes_disabled

from modules.core.views.dashboard import DashboardMixin
from modules.tenancy import signup
from modules.tenancy.models import Vendor, VendorPlatform


class VendorListView(DashboardMixin, ListView):
    """Vendors on the dashboard's platform, newest first, filtered by status."""

    template_name = "tenancy/staff/vendor_list.html"
    context_object_name = "vendor_platforms"
    paginate_by = 25

    def status_filter(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in Vendor.Status.values else ""

    def get_queryset(self) -> QuerySet[VendorPlatform]:
        with scopes_disabled():  # staff see every vendor of the platform
            queryset = (
                VendorPlatform.objects.filter(platform=self.platform)
                .select_related("vendor", "vendor__company")
                .order_by("-created_at", "-pk")
            )
            if self.status_filter():
                queryset = queryset.filter(status=self.status_filter())
            return queryset

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        with scopes_disabled():  # the page is evaluated here
            paginator, page, objects, is_paginated = super().paginate_queryset(queryset, page_size)
            return paginator, page, list(objects), is_paginated

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=Vendor.Status.choices,
            status=self.status_filter(),
            Status=Vendor.Status,
        )
        return context


class VendorActionView(DashboardMixin, View):
    """POST only: change one vendor's state on the dashboard's platform."""

    http_method_names = ["post"]

    def act(self, vendor: Vendor) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        with scopes_disabled():
            vendor_platform = get_object_or_404(
                VendorPlatform.objects.select_related("vendor"),
                vendor_id=pk,
                platform=self.platform,
            )
        self.act(vendor_platform.vendor)
        return self.redirect_back(request)

    def redirect_back(self, request: HttpRequest) -> HttpResponseRedirect:
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(target)
        return redirect("tenancy:staff-vendors")


class ApproveVendorView(VendorActionView):
    def link_base(self) -> str:
        """The invitation link leads to the vendor's platform, not to the dashboard's host."""
        scheme = "https" if self.request.is_secure() else "http"
        domain = self.platform.primary_domain
        return f"{scheme}://{domain}" if domain else self.request.build_absolute_uri("/")

    def act(self, vendor: Vendor) -> None:
        invitation = signup.approve(
            vendor, self.platform, by=self.request.user, link_base=self.link_base()
        )
        if invitation is not None:
            messages.success(
                self.request,
                _("%(vendor)s is approved; %(email)s was invited as owner.")
                % {"vendor": vendor.name, "email": invitation.email},
            )
        else:
            messages.success(self.request, _("%(vendor)s is approved.") % {"vendor": vendor.name})


class SuspendVendorView(VendorActionView):
    def act(self, vendor: Vendor) -> None:
        signup.suspend(vendor, self.platform)
        messages.success(self.request, _("%(vendor)s is suspended.") % {"vendor": vendor.name})
