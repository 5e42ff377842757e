"""Storefront pages of orders, at /shop/<vendor_code>/orders/: the cart, the checkout, the
confirmation, and a customer's order history.

The tenant guard admits the request for an active shop and runs the view in the vendor's
scope with ``request.vendor`` set, so another shop's variant, cart line or order is simply not
found. Views are thin: the rules are ``modules.orders.services``'; a refusal re-renders the
page with the errors at their fields and a 400, and nothing is saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from modules.customers import auth
from modules.customers.models import CustomerAddress
from modules.customers.views.storefront import CustomerRequiredMixin, ShopMixin
from modules.orders import forms
from modules.orders.models import Order
from modules.orders.services import carts, checkout, orders, payment
from modules.orders.services.errors import OrderError, SoldOut
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, StockProvider

PLACED_KEY = "orion_orders_placed_{vendor}"  # the orders this browser placed, for their pages
PLACED_KEEP = 20
IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"


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
            # Found (and a guest cart merged after login) outside the transaction below: a
            # refusal rolls back only a cart made for this line, never the merge the session
            # now relies on.
            cart = carts.current_cart(request)
            try:
                with transaction.atomic():
                    if cart is None:
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


def remember_placed(request: HttpRequest, order: Order) -> None:
    key = PLACED_KEY.format(vendor=order.vendor_id)
    placed = [pk for pk in request.session.get(key, []) if pk != order.pk]
    request.session[key] = [order.pk, *placed][:PLACED_KEEP]


def may_see(request: HttpRequest, order: Order) -> bool:
    """The customer who placed it, or the browser that did (a guest's confirmation page)."""
    customer = auth.current_customer(request)
    if customer is not None and order.customer_id == customer.pk:
        return True
    return order.pk in request.session.get(PLACED_KEY.format(vendor=order.vendor_id), [])


def claim_placed(request: HttpRequest, customer: Any) -> None:
    """The orders this browser placed as a guest with the e-mail of ``customer`` (now logged
    in: just signed up, or logged in) become theirs, so "My orders" lists them. Done at the next
    look at the customer's orders, as a guest's cart joins the customer's at the next look at
    the cart (``carts.current_cart``): signing up needs to know nothing about orders. Only the
    orders of this session, which may already see them (``may_see``): an account's e-mail is
    not verified, so the e-mail alone must not hand anyone a stranger's orders."""
    placed = request.session.get(PLACED_KEY.format(vendor=customer.vendor_id), [])
    if placed:
        Order.objects.filter(
            pk__in=placed, customer__isnull=True, email__iexact=customer.email
        ).update(customer=customer)


class CheckoutView(OrdersShopMixin, TemplateView):
    """One page: contact, address (a saved one for customers), shipping, the order's summary,
    and the button that places it. POST places the order once (see ``services.checkout``):
    a second submit of the same form, or a request repeating an ``Idempotency-Key`` header,
    gets the first order's confirmation. Errors come back with a 400 and nothing ordered."""

    template_name = "orders/storefront/checkout.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.customer = auth.current_customer(request)

    def get_form(self, data: Any = None) -> forms.CheckoutForm:
        addresses = (
            list(CustomerAddress.objects.filter(customer=self.customer))
            if self.customer is not None
            else []
        )
        initial = {"shipping_method": orders.SHIPPING_STANDARD, "token": uuid.uuid4().hex}
        if self.customer is not None:
            initial.update(email=self.customer.email, name=self.customer.full_name)
            default = next((a for a in addresses if a.is_default), None)
            if default is not None:
                initial["saved_address"] = default.pk
        return forms.CheckoutForm(
            data,
            initial=initial,
            addresses=addresses,
            methods=orders.shipping_methods().items(),
            customer=self.customer is not None,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        cart = carts.current_cart(self.request)
        method = self.request.POST.get("shipping_method") or orders.SHIPPING_STANDARD
        if method not in orders.shipping_methods():
            method = orders.SHIPPING_STANDARD
        summary = carts.view(cart, stock=self.stock(), shipping_method=method)
        form = kwargs.pop("form", None) or self.get_form()
        if summary.totals is not None and not form.is_bound:
            form.initial["expected_total"] = summary.totals.total
        return super().get_context_data(
            cart=summary,
            form=form,
            payment_method=payment.method(self.request.platform),  # type: ignore[attr-defined]
            breadcrumbs=[{"name": _("Checkout"), "url": ""}],
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        order_data = checkout.CheckoutData.from_cleaned(form.cleaned_data, self.customer)
        header_key = request.META.get(IDEMPOTENCY_HEADER, "")
        token = header_key or request.POST.get("token", "")
        scope = "header" if header_key else "form"
        try:
            done = self._replayed(scope, token, order_data.fingerprint())
        except checkout.IdempotencyConflict as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=422)
        if done is not None:
            return done
        cart = carts.current_cart(request)
        if cart is None:
            form.add_error(None, _("Your cart is empty."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            placed = checkout.place(
                cart,
                order_data,
                platform=request.platform,  # type: ignore[attr-defined]
                stock=self.stock(),
                customer=self.customer,
                idempotency=(scope, token),
                return_url=request.build_absolute_uri(shop_url(request, "orders")),
            )
        except ValidationError as error:
            form.apply_errors(error)
        except SoldOut as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except checkout.IdempotencyConflict as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=422)
        except OrderError as error:
            form.add_error(None, error.message)
        else:
            remember_placed(request, placed.order)
            return HttpResponseRedirect(
                shop_url(request, "confirmation", number=placed.order.number)
            )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _replayed(self, scope: str, token: str, fingerprint: str) -> HttpResponse | None:
        """A request repeating a key that already placed an order, with the same details: that
        order's page (``IdempotencyConflict`` when the details differ: a key chosen by a
        client must not hand someone else's order over)."""
        if not token:
            return None
        try:
            order = checkout.replay(
                self.request.vendor.pk,  # type: ignore[attr-defined]
                scope,
                token,
                fingerprint,
            )
        except ValidationError:
            return None
        if order is None:
            return None
        remember_placed(self.request, order)
        return HttpResponseRedirect(shop_url(self.request, "confirmation", number=order.number))


class ConfirmationView(OrdersShopMixin, TemplateView):
    """The order just placed: its number, lines, totals and what to do to pay. Shown to the
    browser that placed it and to the customer it belongs to; anyone else gets a 404."""

    template_name = "orders/storefront/confirmation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        order = Order.objects.filter(number=self.kwargs["number"]).first()
        if order is None or not may_see(self.request, order):
            raise Http404(_("No such order."))
        return super().get_context_data(
            order=order,
            lines=list(order.lines.all()),
            payment_status=payment.status(order),
            payment_method=payment.method(order.platform_id),
            breadcrumbs=[{"name": _("Order confirmed"), "url": ""}],
            **kwargs,
        )


class OrderHistoryView(CustomerRequiredMixin, OrdersShopMixin, ListView):
    """A logged-in customer's orders at this shop, newest first (with those this browser
    placed as a guest with their e-mail: ``claim_placed``)."""

    template_name = "orders/storefront/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self) -> Any:
        claim_placed(self.request, self.customer)
        return Order.objects.filter(customer=self.customer).order_by("-placed_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(breadcrumbs=[{"name": _("My orders"), "url": ""}], **kwargs)


class OrderDetailView(CustomerRequiredMixin, OrdersShopMixin, TemplateView):
    """One of the customer's orders: lines, totals, status, history of its status."""

    template_name = "orders/storefront/order_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        claim_placed(self.request, self.customer)
        order = Order.objects.filter(customer=self.customer, number=self.kwargs["number"]).first()
        if order is None:
            raise Http404(_("No such order."))
        return super().get_context_data(
            order=order,
            lines=list(order.lines.all()),
            payment_method=payment.method(order.platform_id),
            breadcrumbs=[
                {"name": _("My orders"), "url": shop_url(self.request, "orders")},
                {"name": order.number, "url": ""},
            ],
            **kwargs,
        )
