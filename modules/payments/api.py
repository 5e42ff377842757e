"""Payments' vendor API, at /api/v1/vendor/<vendor_code>/payments/:

- ``payments/`` (and ``payments/<id>/``): the vendor's payments, newest first; ``?state=``,
  ``?gateway=``, ``?search=`` (reference or e-mail). A payment's page adds its history and
  refunds.
- ``payments/<id>/confirm/`` (POST): a manual payment arrived; it is captured.
- ``payments/<id>/refund/`` (POST ``{"amount": "12.50", "reason": "…"}``): refund part or all
  of what was captured; 201 with the payment, or 400 with errors per field and nothing
  written (never more than what is left to refund).

The tenant guard admits the vendor's team and runs each request in the vendor's scope: another
vendor's payment is unknown (404). Reading needs ``payments.view``, confirming
``payments.confirm``, refunding ``payments.refund``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.payments import gateways, services
from modules.payments.models import MAX_DIGITS, PLACES, Payment, PaymentTransition, Refund
from orion_core.contracts.payments import GatewayError, PaymentError

VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class TransitionSerializer(serializers.ModelSerializer):
    # Plain strings: the payment states are one enum in the schema (``state``), not three.
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    user = serializers.SerializerMethodField()

    class Meta:
        model = PaymentTransition
        fields = ["from_state", "to_state", "amount", "source", "user", "note", "created_at"]
        read_only_fields = fields

    def get_user(self, entry: PaymentTransition) -> str | None:
        return _username(entry.user)


class RefundSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()

    class Meta:
        model = Refund
        fields = ["id", "amount", "reason", "source", "user", "external_id", "created_at"]
        read_only_fields = fields

    def get_user(self, refund: Refund) -> str | None:
        return _username(refund.user)


class PaymentSerializer(serializers.ModelSerializer):
    """A payment with its history and refunds (prefetched: two queries for a whole page)."""

    refundable = serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=PLACES, read_only=True
    )
    history = TransitionSerializer(source="transitions", many=True, read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "reference",
            "gateway",
            "state",
            "amount",
            "currency",
            "captured",
            "refunded",
            "refundable",
            "customer_email",
            "external_id",
            "failure_reason",
            "created_at",
            "updated_at",
            "history",
            "refunds",
        ]
        read_only_fields = fields


def with_history(queryset: Any) -> Any:
    return queryset.prefetch_related("transitions__user", "refunds__user")


class PaymentFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Payment.State.choices, required=False)
    gateway = serializers.ChoiceField(choices=gateways.choices(), required=False)
    search = serializers.CharField(required=False, max_length=100)


class RefundRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=PLACES, min_value=Decimal("0.01")
    )
    reason = serializers.CharField(
        max_length=services.REASON_MAX, required=False, allow_blank=True, default=""
    )


@extend_schema(parameters=[VENDOR_CODE])
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The vendor's payments. Read-only here: they change through checkout, the provider's
    webhooks, and the confirm and refund actions."""

    permission = "payments.view"

    serializer_class = PaymentSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return Payment.objects.none()
        if self.action != "list":
            return (
                services.sales()
                .prefetch_related("transitions__user", "refunds__user")
                .order_by("pk")
            )
        params = PaymentFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return with_history(
            services.payment_list(
                search=data.get("search", ""),
                state=data.get("state", ""),
                gateway=data.get("gateway", ""),
            )
        )

    @extend_schema(parameters=[PaymentFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class _PaymentAction(generics.GenericAPIView):
    """A POST acting on one of the vendor's payments through a service."""

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return services.sales()

    def respond(self, payment: Payment) -> Response:
        payment = with_history(Payment.objects.all()).get(pk=payment.pk)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def refused(error: PaymentError) -> APIException:
        """A service's refusal as DRF's error body: 400 with the field at fault (or
        ``non_field_errors``), or 502 when the payment provider refused or is out of reach."""
        if isinstance(error, GatewayError):
            return ProviderError(str(error))
        return serializers.ValidationError({error.field or "non_field_errors": [str(error)]})


class ProviderError(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("The payment provider refused or could not be reached.")
    default_code = "payment_provider"


@extend_schema(parameters=[VENDOR_CODE], request=None, responses={201: PaymentSerializer})
class ConfirmView(_PaymentAction):
    """Confirm that a manual payment (bank transfer, cash) arrived: it is captured."""

    permission = "payments.confirm"
    serializer_class = PaymentSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        try:
            services.capture(request.vendor, payment, user=request.user)  # type: ignore[attr-defined]
        except PaymentError as error:
            raise self.refused(error) from None
        return self.respond(payment)


@extend_schema(
    parameters=[VENDOR_CODE],
    request=RefundRequestSerializer,
    responses={201: PaymentSerializer},
)
class RefundView(_PaymentAction):
    """Refund ``amount`` of what the payment captured (never more than is left)."""

    permission = "payments.refund"
    serializer_class = RefundRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payment = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.refund(
                request.vendor,  # type: ignore[attr-defined]
                payment,
                serializer.validated_data["amount"],
                reason=serializer.validated_data["reason"],
                user=request.user,
            )
        except PaymentError as error:
            raise self.refused(error) from None
        return self.respond(payment)


router = SimpleRouter()
router.register("payments", PaymentViewSet, basename="api-payment")
