"""Orders' vendor API, at /api/v1/vendor/<vendor_code>/orders/:

- ``orders/`` and ``orders/<id>/``: the vendor's orders with their lines, newest first;
  ``?status=``, ``?q=`` (number, e-mail, name), ``?placed_from=``/``?placed_to=`` (dates).
- ``orders/<id>/confirm-payment/``, ``fulfil/`` (``tracking_number``), ``complete/``,
  ``cancel/`` and ``refund/`` (``reason``), POST: the order after the change (200); bad input
  is a 400 per field, an action its status does not allow a 409; nothing changes then.

The tenant guard admits the vendor's team and runs each request in the vendor's scope: another
vendor's order is a 404. Reading needs ``orders.view``, acting ``orders.manage``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.orders.models import Order, OrderLine
from modules.orders.services import orders, queries
from modules.orders.services.errors import IllegalTransition, OrderError
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
