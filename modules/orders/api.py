"""Orders' APIs.

The vendor API, at /api/v1/vendor/<vendor_code>/orders/:

- ``orders/`` and ``orders/<id>/``: the vendor's orders with their lines, newest first;
  ``?status=``, ``?q=`` (number, e-mail, name), ``?placed_from=``/``?placed_to=`` (dates).
- ``orders/<id>/confirm-payment/``, ``fulfil/`` (``tracking_number``), ``complete/``,
  ``cancel/`` and ``refund/`` (``reason``), POST: the order after the change (200); bad input
  is a 400 per field, an action its status does not allow a 409; nothing changes then.

The tenant guard admits the vendor's team and runs each request in the vendor's scope: another
vendor's order is a 404. Reading needs ``orders.view``, acting ``orders.manage``.

The storefront API, at /api/v1/shop/<vendor_code>/orders/, for the shopper's own browser (or a
headless shop front keeping its cookies): the same cart and checkout as the storefront's pages,
on the same session (a guest's cart, a customer logged in at the shop; writes carry the CSRF
token of the ``csrftoken`` cookie, which every cart answer sets, see
``ShopSessionAuthentication``):

- ``cart/`` GET: the cart priced now (lines, availability, problems, totals);
- ``cart/lines/`` POST ``{variant, quantity}`` (GET: the cart); ``cart/lines/<id>/`` PATCH
  ``{quantity}`` (0 removes) and DELETE: the cart after the change; a refusal is a 400 per
  field, nothing saved;
- ``checkout/`` GET: the cart, how the shop takes payment and the customer's saved addresses;
  POST, with an ``Idempotency-Key`` header (required): 201 with the order and the
  payment's next step; the same key again returns the first answer (200, ``Idempotent-Replayed:
  true``) and never a second order or charge; the key with other details is a 422, a shortage
  a 409, bad input a 400 per field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.middleware.csrf import get_token
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from modules.customers import auth
from modules.customers.auth import ShopSessionAuthentication
from modules.customers.models import CustomerAddress
from modules.orders import forms
from modules.orders.models import MAX_LINE_QUANTITY, Order, OrderLine
from modules.orders.services import carts, checkout, orders, payment, queries
from modules.orders.services.errors import IllegalTransition, OrderError, SoldOut
from modules.orders.views.storefront import remember_placed
from orion_core.contracts import provider_for
from orion_core.contracts.stock import STOCK, StockProvider
from orion_core.guards import read_write

VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["id", "variant", "sku", "title", "option_label", "unit_price", "quantity", "tax",
                  "total"]  # fmt: skip
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id", "number", "status", "placed_at", "email", "customer", "ship_name", "ship_line1",
            "ship_line2", "ship_city", "ship_postal_code", "ship_country", "shipping_method",
            "currency", "prices_include_tax", "tax_rate", "subtotal", "shipping", "tax", "total",
            "payment_method", "payment_reference", "tracking_number", "expires_at", "paid_at",
            "fulfilled_at", "completed_at", "cancelled_at", "refunded_at", "lines",
        ]  # fmt: skip
        read_only_fields = fields


class OrderFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    placed_from = serializers.DateField(required=False)
    placed_to = serializers.DateField(required=False)


class FulfilSerializer(serializers.Serializer):
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default=""
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class EmptySerializer(serializers.Serializer):
    pass


@extend_schema(parameters=[VENDOR_CODE])
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The vendor's orders, and the actions their status allows."""

    serializer_class = OrderSerializer
    permission = read_write("orders.view", "orders.manage")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return Order.objects.none()
        if self.action == "list":
            params = OrderFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            qs = queries.vendor_orders(**params.validated_data)
        else:
            qs = Order.objects.order_by("pk")
        return qs.prefetch_related("lines")

    @extend_schema(parameters=[OrderFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _act(self, request: Request, name: str, body: type[serializers.Serializer]) -> Response:
        order = self.get_object()
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            getattr(orders, name)(order, user=request.user, actor="vendor", **data.validated_data)
        except IllegalTransition as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        except OrderError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        order.refresh_from_db()
        return Response(OrderSerializer(order).data)

    @extend_schema(request=EmptySerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], url_path="confirm-payment")
    def confirm_payment(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The money arrived (a manual payment): captured, and the order paid."""
        return self._act(request, "confirm_payment", EmptySerializer)

    @extend_schema(request=FulfilSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Shipped, with its tracking number."""
        return self._act(request, "fulfil", FulfilSerializer)

    @extend_schema(request=EmptySerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._act(request, "complete", EmptySerializer)

    @extend_schema(request=ReasonSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """An unpaid order: cancelled, its stock released, its payment given up."""
        return self._act(request, "cancel", ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A paid order: its money given back in full."""
        return self._act(request, "refund", ReasonSerializer)


router = SimpleRouter()
router.register("orders", OrderViewSet, basename="api-order")
urlpatterns = router.urls


# --- the storefront API: the shopper's cart and checkout ----------------------------------------

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "A unique key per checkout (a UUID): a retry with the same key returns the first "
        "answer instead of placing a second order."
    ),
)


class CartLineOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    option_label = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    available = serializers.IntegerField(
        allow_null=True, help_text=_("How many can be ordered; null: no limit.")
    )
    problem = serializers.CharField(help_text=_("Why the line cannot be bought as it is."))


class ShippingMethodSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class CartOutSerializer(serializers.Serializer):
    lines = CartLineOutSerializer(many=True)
    count = serializers.IntegerField(help_text=_("Items in the cart."))
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    shipping = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())
    shipping_methods = ShippingMethodSerializer(many=True)


def cart_body(view: carts.CartView) -> dict[str, Any]:
    totals = view.totals
    return {
        "lines": [
            {
                "id": row.line.pk,
                "variant": row.variant.pk,
                "sku": row.variant.sku,
                "title": row.title,
                "option_label": row.option_label,
                "quantity": row.quantity,
                "unit_price": row.unit_price,
                "amount": row.amount,
                "available": row.availability.available if row.availability.tracked else None,
                "problem": row.problem,
            }
            for row in view.rows
        ],
        "count": view.count,
        "currency": view.currency,
        "subtotal": totals.subtotal if totals else None,
        "shipping": totals.shipping if totals else None,
        "tax": totals.tax if totals else None,
        "total": totals.total if totals else None,
        "problems": view.problems,
        "shipping_methods": [
            {"code": code, "label": label} for code, label in orders.shipping_methods().items()
        ],
    }


class AddLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=forms.MAX_PK)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)


class LineQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)


class CheckoutSerializer(serializers.Serializer):
    """The checkout form's fields; its rules are the form's (``forms.CheckoutForm``), run by
    ``validate``, so the page and the API refuse the same things with the same messages."""

    email = serializers.EmailField(max_length=254)
    saved_address = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("One of the customer's saved addresses.")
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    shipping_method = serializers.ChoiceField(
        choices=[orders.SHIPPING_STANDARD, orders.SHIPPING_PICKUP]
    )
    expected_total = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("The total the customer was shown: a different total refuses the order."),
    )
    save_address = serializers.BooleanField(
        default=False, help_text=_("Keep the new address in the customer's address book.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        customer = self.context["customer"]
        addresses = CustomerAddress.objects.filter(customer=customer) if customer else []
        form = forms.CheckoutForm(
            {**attrs, "token": "api"},
            addresses=list(addresses),
            methods=orders.shipping_methods().items(),
            customer=customer is not None,
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    field: [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        return form.cleaned_data


class NextActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["redirect", "instructions", "none"])
    redirect_url = serializers.CharField()
    instructions = serializers.CharField()


class PlacedSerializer(serializers.Serializer):
    order = OrderSerializer()
    next_action = NextActionSerializer(allow_null=True)
    confirmation_url = serializers.CharField()


class ShopAPIMixin:
    """The shopper's session, whoever they are (no login needed), CSRF-checked writes."""

    permission_classes = [AllowAny]  # noqa: RUF012
    authentication_classes = [ShopSessionAuthentication]  # noqa: RUF012

    def stock(self) -> StockProvider:
        return provider_for(STOCK, self.request.modules)  # type: ignore[attr-defined]

    def cart_response(self, status_code: int = status.HTTP_200_OK) -> Response:
        """The cart now; the answer sets the ``csrftoken`` cookie the writes need."""
        get_token(self.request)  # type: ignore[attr-defined]
        cart = carts.current_cart(self.request)  # type: ignore[attr-defined]
        return Response(
            CartOutSerializer(cart_body(carts.view(cart, stock=self.stock()))).data,
            status=status_code,
        )


def field_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ``ValidationError`` as DRF's 400 body (per field)."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


@extend_schema(parameters=[VENDOR_CODE])
class ShopCartView(ShopAPIMixin, APIView):
    """The shopper's cart at this shop, every line priced now."""

    @extend_schema(responses=CartOutSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.cart_response()


@extend_schema(parameters=[VENDOR_CODE])
class ShopCartLinesView(ShopAPIMixin, APIView):
    @extend_schema(responses=CartOutSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The cart, as at ``cart/`` (the lines are the cart's)."""
        return self.cart_response()

    @extend_schema(request=AddLineSerializer, responses={201: CartOutSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Put a variant in the cart (more of it, when it is there already)."""
        body = AddLineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        had_cart = carts.session_key(request.vendor) in request.session  # type: ignore[attr-defined]
        # Found (and a guest cart merged after login) outside the transaction below: a refusal
        # rolls back only a cart made for this line, never the merge the session now relies on.
        cart = carts.current_cart(request)  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                if cart is None:
                    cart = carts.current_cart(request, create=True)  # type: ignore[arg-type]
                carts.add(
                    cart,  # type: ignore[arg-type]
                    body.validated_data["variant"],
                    body.validated_data["quantity"],
                    stock=self.stock(),
                )
        except DjangoValidationError as error:
            if not had_cart:  # no empty cart left behind
                request.session.pop(carts.session_key(request.vendor), None)  # type: ignore[attr-defined]
            raise field_errors(error) from None
        return self.cart_response(status.HTTP_201_CREATED)


@extend_schema(parameters=[VENDOR_CODE])
class ShopCartLineView(ShopAPIMixin, APIView):
    def _cart(self) -> Any:
        cart = carts.current_cart(self.request)  # type: ignore[arg-type]
        if cart is None:
            raise serializers.ValidationError({"line": [_("This line is not in your cart.")]})
        return cart

    @extend_schema(request=LineQuantitySerializer, responses=CartOutSerializer)
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a line's quantity (0 takes it out)."""
        body = LineQuantitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            carts.set_quantity(
                self._cart(), kwargs["pk"], body.validated_data["quantity"], stock=self.stock()
            )
        except DjangoValidationError as error:
            raise field_errors(error) from None
        return self.cart_response()

    @extend_schema(request=None, responses=CartOutSerializer)
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take a line out of the cart."""
        try:
            carts.remove(self._cart(), kwargs["pk"])
        except DjangoValidationError as error:
            raise field_errors(error) from None
        return self.cart_response()


class PaymentMethodSerializer(serializers.Serializer):
    gateway = serializers.CharField()
    label = serializers.CharField()
    instructions = serializers.CharField()


class SavedAddressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    is_default = serializers.BooleanField()


class CheckoutOptionsSerializer(serializers.Serializer):
    cart = CartOutSerializer()
    payment_method = PaymentMethodSerializer(
        allow_null=True, help_text=_("null: the shop cannot take payments at the moment.")
    )
    saved_addresses = SavedAddressSerializer(
        many=True, help_text=_("The logged-in customer's addresses (none for a guest).")
    )


@extend_schema(parameters=[VENDOR_CODE])
class ShopCheckoutView(ShopAPIMixin, APIView):
    @extend_schema(responses=CheckoutOptionsSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """What a checkout needs: the cart priced now, how the shop takes payment, and the
        customer's saved addresses (to send one's id as ``saved_address``)."""
        get_token(request)  # type: ignore[arg-type]
        customer = auth.current_customer(request)  # type: ignore[arg-type]
        cart = carts.view(carts.current_cart(request), stock=self.stock())  # type: ignore[arg-type]
        method = payment.method(request.platform)  # type: ignore[attr-defined]
        addresses = CustomerAddress.objects.filter(customer=customer) if customer else []
        body = {
            "cart": cart_body(cart),
            "payment_method": method
            and {
                "gateway": method.gateway,
                "label": method.label,
                "instructions": method.instructions,
            },
            "saved_addresses": [
                {
                    "id": a.pk,
                    "label": a.label,
                    "line1": a.line1,
                    "line2": a.line2,
                    "postal_code": a.postal_code,
                    "city": a.city,
                    "country": a.country,
                    "is_default": a.is_default,
                }
                for a in addresses
            ],
        }
        return Response(CheckoutOptionsSerializer(body).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=CheckoutSerializer,
        responses={201: PlacedSerializer, 200: PlacedSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Order what is in the cart, once per ``Idempotency-Key`` (see the module docstring)."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise serializers.ValidationError(
                {"idempotency_key": [_("Send an Idempotency-Key header with a unique key.")]}
            )
        customer = auth.current_customer(request)  # type: ignore[arg-type]
        body = CheckoutSerializer(data=request.data, context={"customer": customer})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        cart = carts.current_cart(request)  # type: ignore[arg-type]
        order_data = checkout.CheckoutData.from_cleaned(data, customer)
        if cart is None:
            try:  # a retry from a browser without a cart: the same details only
                first = checkout.replay(
                    request.vendor.pk,  # type: ignore[attr-defined]
                    "header",
                    key,
                    fingerprint=order_data.fingerprint(),
                )
            except checkout.IdempotencyConflict as error:
                return Response(
                    {"detail": error.message, "code": error.code},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            except DjangoValidationError as error:  # a key too long
                raise field_errors(error) from None
            if first is not None:
                return self._placed(checkout.Placed(first, None, replayed=True))
            raise serializers.ValidationError({"cart": [_("Your cart is empty.")]})
        try:
            placed = checkout.place(
                cart,
                order_data,
                platform=request.platform,  # type: ignore[attr-defined]
                stock=self.stock(),
                customer=customer,
                idempotency=("header", key),
                return_url=request.build_absolute_uri(self._shop_url("orders")),
            )
        except DjangoValidationError as error:
            raise field_errors(error) from None
        except SoldOut as error:
            return Response(
                {"detail": error.message, "code": error.code, "skus": list(error.skus)},
                status=status.HTTP_409_CONFLICT,
            )
        except checkout.IdempotencyConflict as error:
            return Response(
                {"detail": error.message, "code": error.code},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except OrderError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        remember_placed(request, placed.order)  # type: ignore[arg-type]
        return self._placed(placed)

    def _shop_url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"orders:{name}", kwargs={"vendor_code": self.request.vendor.code, **kwargs})  # type: ignore[attr-defined]

    def _placed(self, placed: checkout.Placed) -> Response:
        action = placed.next_action
        body = {
            "order": OrderSerializer(placed.order).data,
            "next_action": action
            and {
                "kind": action.kind,
                "redirect_url": action.redirect_url,
                "instructions": action.instructions,
            },
            "confirmation_url": self.request.build_absolute_uri(
                self._shop_url("confirmation", number=placed.order.number)
            ),
        }
        if placed.replayed:
            return Response(body, headers={"Idempotent-Replayed": "true"})
        return Response(body, status=status.HTTP_201_CREATED)


shop_urlpatterns = [
    path("cart/", ShopCartView.as_view(), name="shop-api-cart"),
    path("cart/lines/", ShopCartLinesView.as_view(), name="shop-api-cart-lines"),
    path("cart/lines/<int:pk>/", ShopCartLineView.as_view(), name="shop-api-cart-line"),
    path("checkout/", ShopCheckoutView.as_view(), name="shop-api-checkout"),
]
