"""Vendor-portal pages, mounted at /vendor/<vendor_code>/inventory/: the stock overview, the
movement history, the receive and adjust forms, locations and a product's low-stock threshold.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope, with
``request.vendor`` set; reading needs ``inventory.view``, changing stock ``inventory.adjust``.
Views are thin: what stock may do is decided by ``modules.inventory.services``, whose refusals
come back as field errors with a 400 (nothing is written then).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import ListView, TemplateView

from modules.catalog.models import Product
from modules.inventory import forms, services
from modules.inventory.models import LowStockThreshold, StockLocation, StockMovement
from orion_core.guards import read_write
from orion_core.permissions import has_permission

PAGE_SIZE = 50


class PortalMixin:
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(  # type: ignore[misc]
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            can_adjust=has_permission(self.request, "inventory.adjust"),
            **kwargs,
        )

    def portal_url(self, name: str, **query: Any) -> str:
        url = reverse(
            f"inventory:{name}",
            kwargs={"vendor_code": self.request.vendor.code},  # type: ignore[attr-defined]
        )
        return f"{url}?{urlencode(query)}" if query else url


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class StockOverviewView(PortalMixin, ListView):
    """Every variant of the vendor with its stock (untracked ones too), filtered and paged."""

    permission = "inventory.view"
    template_name = "inventory/vendor/stock_list.html"
    context_object_name = "rows"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        self.filter_form = forms.StockFilterForm(self.request.GET or None)
        self.default_threshold = services.default_threshold(self.request.platform.pk)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return services.stock_overview(
            default=self.default_threshold,
            search=data.get("q") or "",
            location=data.get("location"),
            status=data.get("status") or "",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=_filter_query(self.request),
            default_threshold=self.default_threshold,
            **kwargs,
        )


class MovementListView(PortalMixin, ListView):
    """The ledger, newest first, filtered and paged."""

    permission = "inventory.view"
    template_name = "inventory/vendor/movement_list.html"
    context_object_name = "movements"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        self.filter_form = forms.MovementFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return services.movement_history(
            search=data.get("q") or "",
            kind=data.get("kind") or "",
            location=data.get("location"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filter_form=self.filter_form, filter_query=_filter_query(self.request), **kwargs
        )


class StockFormView(PortalMixin, TemplateView):
    """A form that changes stock through a service: 302 and a message when it did, the form
    again with its errors and a 400 when it did not (and nothing was written)."""

    permission = "inventory.adjust"
    template_name = "inventory/vendor/stock_form.html"
    form_class: type[forms.StockFormMixin]
    title = ""
    submit = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.form_class(initial={"sku": self.request.GET.get("sku", "")}))
        return super().get_context_data(title=self.title, submit=self.submit, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = self.apply(form.cleaned_data)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, self.done_message(done))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def apply(self, data: dict[str, Any]) -> Any:
        """Change the stock; what it returns is what ``done_message`` tells about."""
        raise NotImplementedError

    def done_message(self, done: Any) -> str:
        raise NotImplementedError


class ReceiveView(StockFormView):
    form_class = forms.ReceiveForm

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Receive stock")

    @property
    def submit(self) -> str:  # type: ignore[override]
        return pgettext("inventory", "Receive")

    def apply(self, data: dict[str, Any]) -> StockMovement:
        return services.receive(
            self.request.vendor,
            data["sku"],
            data["quantity"],
            location=data["location"],
            reference=data["reference"],
            note=data["note"],
            user=self.request.user,
        )

    def done_message(self, movement: StockMovement) -> str:
        return _("Received %(quantity)s × %(sku)s at %(location)s.") % {
            "quantity": movement.on_hand_delta,
            "sku": movement.sku,
            "location": movement.location.name,
        }


class AdjustView(StockFormView):
    form_class = forms.AdjustForm

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Adjust stock")

    @property
    def submit(self) -> str:  # type: ignore[override]
        return pgettext("inventory", "Adjust")

    def apply(self, data: dict[str, Any]) -> StockMovement:
        return services.adjust(
            self.request.vendor,
            data["sku"],
            data["change"],
            reason=data["reason"],
            location=data["location"],
            note=data["note"],
            user=self.request.user,
        )

    def done_message(self, movement: StockMovement) -> str:
        return _("%(sku)s at %(location)s: %(change)+d, now %(on_hand)s on hand.") % {
            "sku": movement.sku,
            "location": movement.location.name,
            "change": movement.on_hand_delta,
            "on_hand": movement.on_hand_after,
        }


class CountView(StockFormView):
    form_class = forms.CountForm

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Count stock")

    @property
    def submit(self) -> str:  # type: ignore[override]
        return pgettext("inventory", "Set the level")

    def apply(self, data: dict[str, Any]) -> tuple[StockMovement | None, Any, int]:
        movement = services.set_level(
            self.request.vendor,
            data["sku"],
            data["quantity"],
            location=data["location"],
            reason=StockMovement.Reason.COUNT,
            note=data["note"],
            user=self.request.user,
        )
        return movement, data["sku"], data["quantity"]

    def done_message(self, done: tuple[StockMovement | None, Any, int]) -> str:
        movement, variant, quantity = done
        if movement is None:
            return _("%(sku)s: %(quantity)s on hand, as counted; nothing changed.") % {
                "sku": variant.sku,
                "quantity": quantity,
            }
        return _("%(sku)s at %(location)s: counted %(on_hand)s (%(change)+d).") % {
            "sku": movement.sku,
            "location": movement.location.name,
            "on_hand": movement.on_hand_after,
            "change": movement.on_hand_delta,
        }


class LocationListView(PortalMixin, TemplateView):
    """The vendor's locations, and the form adding one (adding needs inventory.adjust)."""

    permission = read_write("inventory.view", "inventory.adjust")
    template_name = "inventory/vendor/location_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", forms.LocationForm())
        return super().get_context_data(locations=list(StockLocation.objects.all()), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.LocationForm(request.POST)
        if form.is_valid():
            try:
                location = services.create_location(
                    request.vendor, name=form.cleaned_data["name"], code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                for key, errors in error.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                messages.success(request, _("Location “%(name)s” added.") % {"name": location.name})
                return HttpResponseRedirect(self.portal_url("vendor-locations"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ThresholdView(PortalMixin, TemplateView):
    """A product's own low-stock threshold (empty: the platform's default)."""

    permission = read_write("inventory.view", "inventory.adjust")
    template_name = "inventory/vendor/threshold.html"

    def product(self) -> Product:
        return get_object_or_404(Product, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        product = kwargs.pop("product", None) or self.product()
        own = LowStockThreshold.objects.filter(product=product).first()
        kwargs.setdefault(
            "form", forms.ThresholdForm(initial={"threshold": own.threshold if own else None})
        )
        return super().get_context_data(
            product=product,
            own=own,
            default_threshold=services.default_threshold(self.request.platform.pk),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        product = self.product()
        form = forms.ThresholdForm(request.POST)
        if form.is_valid():
            threshold = form.cleaned_data["threshold"]
            services.set_threshold(request.vendor, product, threshold)
            if threshold is None:
                message = _("%(product)s now uses the default threshold.")
            else:
                message = _("Low-stock threshold of %(product)s set to %(threshold)s.")
            messages.success(request, message % {"product": product.title, "threshold": threshold})
            return HttpResponseRedirect(self.portal_url("vendor-stock", q=product.sku))
        context = self.get_context_data(form=form, product=product)
        return self.render_to_response(context, status=400)
