"""Giftcards's vendor API: list, issue, read, change and delete the vendor's gift cards.

Mounted at /api/v1/vendor/<vendor_code>/giftcards/ (``vendor_api_urlpatterns``): the
tenant guard admits members of the vendor's team and runs each request in the vendor's scope,
so another vendor's card id is a 404. Reading needs ``giftcards.view``, changing
needs ``giftcards.issue``. Pagination is the project's default.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from modules.giftcards import services
from modules.giftcards.forms import CODE_TAKEN, MIN_BALANCE
from modules.giftcards.models import GiftCard
from orion_core.guards import read_write


class GiftCardSerializer(serializers.ModelSerializer):
    class Meta:
        model = GiftCard
        fields = ["id", "code", "balance", "expires_on", "created_at"]
        read_only_fields = ["expires_on"]
        extra_kwargs = {"balance": {"min_value": MIN_BALANCE}}

    def validate_code(self, value: str) -> str:
        if services.code_taken(value, exclude_pk=getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(CODE_TAKEN)
        return value

    def create(self, validated_data: dict[str, Any]) -> GiftCard:
        request = self.context["request"]
        return services.issue_card(request.vendor, request.platform, **validated_data)


class GiftCardViewSet(viewsets.ModelViewSet):
    """The vendor's gift cards."""

    serializer_class = GiftCardSerializer
    permission = read_write("giftcards.view", "giftcards.issue")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return GiftCard.objects.none()
        return GiftCard.objects.all()


router = SimpleRouter()
router.register("", GiftCardViewSet, basename="api-card")
urlpatterns = router.urls
