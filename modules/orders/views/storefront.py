"""Storefront pages of orders, at /shop/<vendor_code>/orders/: the cart, the checkout, the
confirmation, and a customer's order history.

The tenant guard admits the request for an active shop and runs the view in the vendor's
scope with ``request.vendor`` set, so another shop's variant, cart line or order is simply not
found. Views are thin: the rules are ``modules.orders.services``'; a refusal re-renders the
page with the errors at their fields and a 400, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from modules.customers.views.storefront import ShopMixin
from modules.orders import forms
from modules.orders.services import carts
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, StockProvider


def shop_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"orders:{name}", kwargs={"vendor_code": request.vendor.code, **kwargs})  # type: ignore[attr-defined]


class OrdersShopMixin(ShopMixin):
    request: HttpRequest

    def stock(self) -> StockProvider:
        """Whoever keeps stock on this platform (inventory, or "always available")."""
        return provider_for(STOCK, self.request.modules)  # type: ignore[attr-defined]


class CartView(OrdersShopMixin, TemplateView):
    """The cart: every line priced now, with its availability, quantity forms and totals."""

    template_name = "orders/storefront/cart.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        cart = carts.current_cart(self.request)
        kwargs.setdefault("cart", carts.view(cart, stock=self.stock()))
        return super().get_context_data(breadcrumbs=[{"name": _("Cart"), "url": ""}], **kwargs)

    def invalid(self, form: Any, status: int = 400) -> HttpResponse:
        return self.render_to_response(self.get_context_data(error_form=form), status=status)


class AddToCartView(CartView):
    """POST a variant and a quantity (the product page's form): into the cart, or the cart
    page with the reason and a 400 (nothing saved, not even an empty cart). GET shows the
    cart."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.AddToCartForm(request.POST)
        if form.is_valid():
            had_cart = carts.session_key(request.vendor) in request.session  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    cart = carts.current_cart(request, create=True)
                    line = carts.add(
                        cart,  # type: ignore[arg-type]
                        form.cleaned_data["variant"],
                        form.cleaned_data["quantity"],
                        stock=self.stock(),
                    )
            except ValidationError as error:
                if not had_cart:
                    request.session.pop(carts.session_key(request.vendor), None)  # type: ignore[attr-defined]
                form.apply_errors(error)
            else:
                messages.success(
                    request,
                    _("Added to your cart: %(title)s.") % {"title": line.variant.product.title},
                )
                return HttpResponseRedirect(shop_url(request, "cart"))
        return self.invalid(form)


class CartLineView(CartView):
    """POST a line's new quantity (0 removes it). GET shows the cart."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.LineQuantityForm(request.POST)
        cart = carts.current_cart(request)
        if cart is None:
            form.add_error(None, _("Your cart is empty."))
            return self.invalid(form)
        if form.is_valid():
            try:
                carts.set_quantity(
                    cart, kwargs["pk"], form.cleaned_data["quantity"], stock=self.stock()
                )
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, _("Your cart was updated."))
                return HttpResponseRedirect(shop_url(request, "cart"))
        return self.invalid(form)


class CartRemoveView(CartView):
    """POST: take a line out of the cart. GET shows the cart."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.LineQuantityForm({"quantity": 0})
        cart = carts.current_cart(request)
        try:
            if cart is None:
                raise ValidationError(_("Your cart is empty."))
            carts.remove(cart, kwargs["pk"])
        except ValidationError as error:
            form.is_valid()
            form.apply_errors(error)
            return self.invalid(form)
        messages.success(request, _("Removed from your cart."))
        return HttpResponseRedirect(shop_url(request, "cart"))
