"""Inventory's vendor API, at /api/v1/vendor/<vendor_code>/inventory/:

- ``levels/`` (and ``levels/<id>/``): stock per variant and location; ``?variant=``,
  ``?location=``, ``?search=`` (SKU), ``?low=true``.
- ``movements/`` (and ``movements/<id>/``): the ledger, newest first; ``?variant=``,
  ``?location=``, ``?kind=``.
- ``receive/`` and ``adjust/`` (POST): change stock; 201 with the movement written, or 400 with
  errors per field and nothing written.

The tenant guard admits the vendor's team and runs each request in the vendor's scope: another
vendor's level, movement, variant or location is unknown (404, or a field error in a body).
Reading needs ``inventory.view``, changing ``inventory.adjust``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.catalog.models import Variant
from modules.inventory import services
from modules.inventory.models import MAX_QUANTITY, StockLevel, StockLocation, StockMovement
from orion_core.guards import read_write

MAX_PK = 2**63 - 1

VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="variant.sku", read_only=True)
    product = serializers.IntegerField(source="variant.product_id", read_only=True)
    product_title = serializers.CharField(source="variant.product.title", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "variant",
            "sku",
            "product",
            "product_title",
            "location",
            "location_code",
            "on_hand",
            "reserved",
            "available",
            "updated_at",
        ]
        read_only_fields = fields


class StockMovementSerializer(serializers.ModelSerializer):
    location_code = serializers.CharField(source="location.code", read_only=True)
    user = serializers.SerializerMethodField()

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "kind",
            "variant",
            "sku",
            "location",
            "location_code",
            "on_hand_delta",
            "reserved_delta",
            "on_hand_after",
            "reserved_after",
            "reason",
            "note",
            "reference",
            "user",
            "created_at",
        ]
        read_only_fields = fields

    def get_user(self, movement: StockMovement) -> str | None:
        return movement.user.get_username() if movement.user else None


class _StockChangeSerializer(serializers.Serializer):
    """A variant (by ``variant`` id or ``sku``) and a location (id, default when left out)."""

    variant = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PK, help_text=_("The variant's id.")
    )
    sku = serializers.CharField(
        required=False, max_length=64, help_text=_("The variant's SKU, instead of its id.")
    )
    location = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_PK,
        help_text=_("The location's id; the default location when left out."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        by_id, sku = attrs.get("variant"), attrs.pop("sku", None)
        if (by_id is None) == (sku is None):
            raise serializers.ValidationError(
                {
                    "variant": [
                        pgettext_lazy(
                            "inventory", "Give the variant's id or its SKU (one of them)."
                        )
                    ]
                }
            )
        variant = (
            Variant.objects.filter(pk=by_id).first()
            if by_id is not None
            else Variant.objects.filter(sku=sku).first()
        )
        if variant is None:
            key = "variant" if by_id is not None else "sku"
            raise serializers.ValidationError(
                {key: [pgettext_lazy("inventory", "No such variant.")]}
            )
        attrs["variant"] = variant
        location = attrs.get("location")
        if location is not None:
            found = StockLocation.objects.filter(pk=location).first()
            if found is None:
                raise serializers.ValidationError(
                    {"location": [pgettext_lazy("inventory", "No such location.")]}
                )
            attrs["location"] = found
        return attrs


class ReceiveSerializer(_StockChangeSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=services.REFERENCE_MAX, default=""
    )


class AdjustSerializer(_StockChangeSerializer):
    change = serializers.IntegerField(
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=_("Units to add (positive) or remove (negative); not zero."),
    )
    reason = serializers.ChoiceField(choices=[(r.value, r.label) for r in services.MANUAL_REASONS])

    def validate_change(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError(_("Enter a change other than zero."))
        return value


class LevelFilterSerializer(serializers.Serializer):
    variant = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PK)
    location = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PK)
    search = serializers.CharField(required=False, max_length=64, help_text=_("Part of a SKU."))
    low = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Only levels of variants at or below their low-stock threshold."),
    )


class MovementFilterSerializer(serializers.Serializer):
    variant = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PK)
    location = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PK)
    kind = serializers.ChoiceField(required=False, choices=StockMovement.Kind.choices)


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


@extend_schema(parameters=[VENDOR_CODE])
class StockLevelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The vendor's stock levels: one per variant and location."""

    serializer_class = StockLevelSerializer
    permission = "inventory.view"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return StockLevel.objects.none()
        qs = StockLevel.objects.select_related("variant__product", "location")
        if self.action != "list":
            return qs.order_by("pk")
        params = _filters(LevelFilterSerializer, self.request)
        if "variant" in params:
            qs = qs.filter(variant_id=params["variant"])
        if "location" in params:
            qs = qs.filter(location_id=params["location"])
        if params.get("search"):
            qs = qs.filter(variant__sku__icontains=params["search"])
        if params.get("low"):
            low = services.stock_overview(
                default=services.default_threshold(self.request.platform.pk),
                status=services.StockFilter.LOW,
            )
            qs = qs.filter(Q(variant__in=low.values("pk")))
        return qs.order_by("variant__sku", "location_id", "pk")

    @extend_schema(parameters=[LevelFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


@extend_schema(parameters=[VENDOR_CODE])
class StockMovementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The vendor's stock movements (the ledger), newest first. Read-only: movements are
    never changed or deleted."""

    serializer_class = StockMovementSerializer
    permission = "inventory.view"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return StockMovement.objects.none()
        qs = StockMovement.objects.select_related("location", "user")
        if self.action == "list":
            params = _filters(MovementFilterSerializer, self.request)
            if "variant" in params:
                qs = qs.filter(variant_id=params["variant"])
            if "location" in params:
                qs = qs.filter(location_id=params["location"])
            if params.get("kind"):
                qs = qs.filter(kind=params["kind"])
        return qs.order_by("-created_at", "-pk")

    @extend_schema(parameters=[MovementFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class _StockChangeView(generics.GenericAPIView):
    permission = read_write("inventory.view", "inventory.adjust")

    def get_queryset(self) -> Any:  # not a list: the serializer finds its rows
        return StockMovement.objects.none()

    def change(self, data: dict[str, Any]) -> StockMovement:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                movement = self.change(serializer.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[VENDOR_CODE], responses={201: StockMovementSerializer})
class ReceiveView(_StockChangeView):
    """Receive stock: ``quantity`` new units at a location (the default one when left out)."""

    serializer_class = ReceiveSerializer

    def change(self, data: dict[str, Any]) -> StockMovement:
        return services.receive(
            self.request.vendor,
            data["variant"],
            data["quantity"],
            location=data.get("location"),
            reference=data["reference"],
            note=data["note"],
            user=self.request.user,
        )


@extend_schema(parameters=[VENDOR_CODE], responses={201: StockMovementSerializer})
class AdjustView(_StockChangeView):
    """Adjust stock by ``change`` units for a ``reason`` (``other`` needs a note). Reserved
    units cannot be adjusted away."""

    serializer_class = AdjustSerializer

    def change(self, data: dict[str, Any]) -> StockMovement:
        return services.adjust(
            self.request.vendor,
            data["variant"],
            data["change"],
            reason=data["reason"],
            location=data.get("location"),
            note=data["note"],
            user=self.request.user,
        )


router = SimpleRouter()
router.register("levels", StockLevelViewSet, basename="api-level")
router.register("movements", StockMovementViewSet, basename="api-movement")
