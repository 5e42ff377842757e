"""Messaging's vendor API, at /api/v1/vendor/<vendor_code>/messaging/:

- ``notifications/`` GET: the requesting user's in-app notifications at this vendor, newest
  first, paged (``?unread=true`` for the unread ones only); ``notifications/<id>/`` GET one;
- ``notifications/<id>/read/`` POST: marks it read (the notification after, 200);
- ``notifications/read-all/`` POST: marks them all read (``{"marked": n}``).

The tenant guard admits the vendor's team and runs each request in the vendor's scope: another
vendor's notification, or another user's, is a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.messaging.models import Notification
from modules.messaging.services import notifications

VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The vendor's code."
)
UNREAD = OpenApiParameter(
    "unread", OpenApiTypes.BOOL, OpenApiParameter.QUERY, description="Only the unread ones."
)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class EmptySerializer(serializers.Serializer):
    pass


@extend_schema(parameters=[VENDOR_CODE])
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The requesting user's notifications at this vendor."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return Notification.objects.none()
        found = notifications.inbox(self.request.user, self.request.vendor.pk)  # type: ignore[attr-defined]
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true"):
            found = found.filter(read_at__isnull=True)
        return found

    @extend_schema(parameters=[UNREAD])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EmptySerializer, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.get_object()
        notifications.mark_read(request.user, vendor_id=request.vendor.pk, pk=found.pk)  # type: ignore[attr-defined]
        found.refresh_from_db()
        return Response(NotificationSerializer(found).data)

    @extend_schema(request=EmptySerializer, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        marked = notifications.mark_read(request.user, vendor_id=request.vendor.pk)  # type: ignore[attr-defined]
        return Response({"marked": marked})


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")
urlpatterns = router.urls
