"""Customers API: /api/v1/vendor/<vendor_code>/customers/ (list, retrieve, create, PATCH)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.customers import services
from modules.customers.models import Customer, CustomerTag
from orion_core.api_errors import SearchFilter
from orion_core.guards import read_write

MAX_PK = 2**63 - 1  # BigAutoField, on every backend


@extend_schema_field(
    {
        "type": "array",
        "items": {"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 50}]},
        "description": "Tags as names (new names are created) or ids of this vendor's tags; "
        "read back as names.",
    }
)
class TagListField(serializers.Field):
    """Tags by id (must be this vendor's) or by name (created in this vendor when new)."""

    default_error_messages = {
        "not_a_list": _("Expected a list of tag ids or names."),
        "invalid_item": _("Each tag is an id (integer) or a name (1 to 50 characters)."),
        "unknown": _("Unknown tag id(s): %(ids)s."),
    }

    def to_representation(self, value: Any) -> list[str]:
        return [tag.name for tag in value.all()]

    def to_internal_value(self, data: Any) -> dict[str, list[Any]]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        ids, names = [], []
        for item in data:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.append(item)
            elif isinstance(item, str) and 0 < len(item.strip()) <= 50:
                names.append(item.strip())
            else:
                self.fail("invalid_item")
        # CustomerTag.objects is scoped to the request's vendor: another vendor's id is unknown.
        # An id no primary key can hold is unknown too: the database would refuse to compare it.
        storable = [pk for pk in ids if 0 < pk <= MAX_PK]
        tags = list(CustomerTag.objects.filter(pk__in=storable)) if storable else []
        missing = sorted(set(ids) - {tag.pk for tag in tags})
        if missing:
            raise serializers.ValidationError(
                self.error_messages["unknown"] % {"ids": ", ".join(map(str, missing))}
            )
        return {"tags": tags, "names": names}


class CustomerSerializer(serializers.ModelSerializer):
    tags = TagListField(required=False)
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text=_("Optional; without one the customer sets it through a password reset."),
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "is_active",
            "marketing_consent",
            "marketing_consent_at",
            "date_joined",
            "last_login",
            "orders_count",
            "total_spent",
            "last_order_at",
            "tags",
            "password",
        ]
        read_only_fields = [
            "marketing_consent_at",
            "date_joined",
            "last_login",
            "orders_count",
            "total_spent",
            "last_order_at",
        ]

    def validate_email(self, value: str) -> str:
        email = services.normalize_email(value)
        if services.email_taken(email, exclude_pk=getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(_("A customer with this e-mail already exists."))
        return email

    def validate_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, self.instance)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from None
        return value

    def _save_tags(self, customer: Customer, tags: dict[str, list[Any]] | None) -> None:
        if tags is not None:
            vendor = self.context["request"].vendor
            services.set_tags(customer, tags["tags"] + services.tags_by_name(vendor, tags["names"]))

    def create(self, validated_data: dict[str, Any]) -> Customer:
        tags = validated_data.pop("tags", None)
        try:
            with transaction.atomic():
                customer = services.register_customer(
                    self.context["request"].vendor,
                    email=validated_data["email"],
                    password=validated_data.pop("password", None),
                    first_name=validated_data.get("first_name", ""),
                    last_name=validated_data.get("last_name", ""),
                    phone=validated_data.get("phone", ""),
                    marketing_consent=validated_data.get("marketing_consent", False),
                )
        except IntegrityError:  # created concurrently since validate_email ran
            raise serializers.ValidationError(
                {"email": [_("A customer with this e-mail already exists.")]}
            ) from None
        if validated_data.get("is_active") is False:
            customer.is_active = False
            customer.save(update_fields=["is_active"])
        self._save_tags(customer, tags)
        return customer

    def update(self, instance: Customer, validated_data: dict[str, Any]) -> Customer:
        tags = validated_data.pop("tags", None)
        password = validated_data.pop("password", None)
        if "marketing_consent" in validated_data:
            services.set_marketing_consent(
                instance, validated_data.pop("marketing_consent"), save=False
            )
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        self._save_tags(instance, tags)
        return instance


VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


@extend_schema(parameters=[VENDOR_CODE])
class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A vendor's customers. Search with ``?search=`` (e-mail, first or last name)."""

    serializer_class = CustomerSerializer
    permission = read_write("customers.view", "customers.edit")
    filter_backends = [SearchFilter]
    search_fields = ["email", "first_name", "last_name"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Customer.objects.none()
        return Customer.objects.prefetch_related("tags").order_by("-date_joined", "-pk")

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        customer = self.get_queryset().get(pk=customer.pk)  # fresh tags
        return Response(self.get_serializer(customer).data)


router = SimpleRouter()
router.register("", CustomerViewSet, basename="api-customer")
urlpatterns = router.urls
