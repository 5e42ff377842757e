"""The vendor team API at /api/v1/vendor/<vendor_code>/team/ (DRF).

Mounted as tenancy's ``vendor_api_urlpatterns``: the tenant guard admits each request (a member
of the vendor's team) and runs it in the vendor's scope, so another vendor's member or invitation
id is a 404. Reading needs ``team.view``, changing needs ``team.manage``; the rules themselves
are in ``modules.tenancy.services``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from modules.tenancy import services
from modules.tenancy.models import Invitation, Membership
from orion_core.guards import read_write

VENDOR_CODE = OpenApiParameter(
    "vendor_code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The vendor's code, as in /vendor/<vendor_code>/.",
)


def _as_validation_error(error: services.TeamError) -> ValidationError:
    return ValidationError({error.field or "non_field_errors": [str(m) for m in error.messages]})


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class InvitationSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    role = serializers.CharField(max_length=20)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "state", "created_at", "expires_at"]
        read_only_fields = ["id", "state", "created_at", "expires_at"]

    @extend_schema_field(serializers.ChoiceField(["pending", "accepted", "revoked", "expired"]))
    def get_state(self, invitation: Invitation) -> str:
        return services.invitation_state(invitation)

    def validate_role(self, value: str) -> str:
        if value not in services.ROLE_RANK:
            raise serializers.ValidationError(_("Unknown role “%(role)s”.") % {"role": value})
        return value


class TeamPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class TeamAPIMixin:
    permission = read_write("team.view", "team.manage")
    pagination_class = TeamPagination

    def vendor_queryset(self, model: type) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor, no scope
            return model.objects.none()
        return model.objects.all()


@extend_schema(parameters=[VENDOR_CODE])
class MemberListView(TeamAPIMixin, generics.ListAPIView):
    """The vendor's team members (paginated)."""

    serializer_class = MemberSerializer

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            self.vendor_queryset(Membership)
            .filter(status=Membership.Status.ACTIVE)
            .select_related("user")
            .order_by("user__username", "pk")
        )


@extend_schema(parameters=[VENDOR_CODE])
class MemberDetailView(TeamAPIMixin, generics.RetrieveUpdateDestroyAPIView):
    """One member: PATCH changes the role, DELETE takes them off the team."""

    serializer_class = MemberSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            self.vendor_queryset(Membership)
            .filter(status=Membership.Status.ACTIVE)
            .select_related("user", "vendor")
        )

    def perform_update(self, serializer: MemberSerializer) -> None:
        role = serializer.validated_data.get("role")
        if role is None:
            return
        try:
            serializer.instance = services.change_role(
                serializer.instance, role, actor=self.request.user
            )
        except services.TeamError as error:
            raise _as_validation_error(error) from None

    def perform_destroy(self, instance: Membership) -> None:
        try:
            services.remove_member(instance, actor=self.request.user)
        except services.TeamError as error:
            raise _as_validation_error(error) from None


@extend_schema(parameters=[VENDOR_CODE])
class InvitationListView(TeamAPIMixin, generics.ListCreateAPIView):
    """Pending and past invitations; POST invites someone (the e-mail goes out on commit)."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        return self.vendor_queryset(Invitation).order_by("-created_at", "-pk")

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            invitation = services.invite(
                request._request.vendor,
                email=serializer.validated_data["email"],
                role=serializer.validated_data["role"],
                invited_by=request.user,
                link_base=request.build_absolute_uri("/"),
            )
        except services.TeamError as error:
            raise _as_validation_error(error) from None
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[VENDOR_CODE])
class InvitationDetailView(TeamAPIMixin, generics.RetrieveDestroyAPIView):
    """One invitation; DELETE withdraws it."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        return self.vendor_queryset(Invitation).select_related("vendor")

    def perform_destroy(self, instance: Invitation) -> None:
        try:
            services.revoke(instance, actor=self.request.user)
        except services.TeamError as error:
            raise _as_validation_error(error) from None
