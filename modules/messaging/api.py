"""Messaging's vendor API, at /api/v1/vendor/<vendor_code>/messaging/:

- ``notifications/`` GET: the requesting user's in-app notifications at this vendor, newest
  first, paged (``?unread=true`` for the unread ones only); ``notifications/<id>/`` GET one;
- ``notifications/<id>/read/`` POST: marks it read (the notification after, 200);
- ``notifications/read-all/`` POST: marks them all read (``{"marked": n}``);
- ``conversations/`` GET: the shop's conversations, the latest first, paged, each with the
  shop's ``unread`` count (``?kind=customer`` or ``staff``, ``?unread=true``); POST
  ``{customer, subject, body, attachments}`` starts one with a customer of the shop (201, the
  conversation with its first message);
- ``conversations/<id>/`` GET: the conversation with its messages, oldest first, read by the
  shop (its ``unread`` is 0, in this answer already);
- ``conversations/<id>/reply/`` POST ``{body, attachments}``: the shop's message (201).

``attachments`` are ids of pictures of the shop's media library. Bad input is a 400 per field
and nothing is written. The tenant guard admits the vendor's team and runs each request in the
vendor's scope: another vendor's notification, conversation or customer, or another user's
notification, is a 404 (a 400 at ``customer``). Conversations are read with ``messaging.view``
and written with ``messaging.send``, as on the portal.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from modules.customers.models import Customer
from modules.messaging.forms import MAX_MESSAGE
from modules.messaging.models import Conversation, Message, Notification
from modules.messaging.services import conversations, notifications
from orion_core.guards import read_write

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


# --- conversations ----------------------------------------------------------------------------


def code_field(values: list[str], description: str) -> serializers.CharField:
    """A read-only code documented as a string naming its values, not as a named enum:
    ``kind`` and ``side`` would collide with other modules' enums of the same name in the
    schema (drf-spectacular warns, and the schema check fails on warnings)."""
    text = f"{description} One of: {', '.join(repr(value) for value in values)}."

    @extend_schema_field({"type": "string", "description": text})
    class CodeField(serializers.CharField):
        pass

    return CodeField(read_only=True)


class ConversationSerializer(serializers.ModelSerializer):
    kind = code_field(Conversation.Kind.values, "With whom.")
    customer_name = serializers.SerializerMethodField()
    customer_email = serializers.SerializerMethodField()
    unread = serializers.IntegerField(
        source="vendor_unread",
        read_only=True,
        help_text=gettext_lazy("Messages the shop has not read."),
    )

    class Meta:
        model = Conversation
        fields = ["id", "kind", "subject", "customer", "customer_name", "customer_email",
                  "unread", "created_at", "last_message_at"]  # fmt: skip
        read_only_fields = fields

    def get_customer_name(self, conversation: Conversation) -> str:
        customer = conversation.customer
        return (customer.full_name or customer.email) if customer else ""

    def get_customer_email(self, conversation: Conversation) -> str:
        return conversation.customer.email if conversation.customer else ""


class MessageAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("Null: removed from the media library.")
    )
    thumb_url = serializers.CharField(allow_null=True)


class ConversationMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    side = code_field(Message.Side.values, "Who wrote it.")
    author_name = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = MessageAttachmentSerializer(many=True)


class ConversationDetailSerializer(ConversationSerializer):
    messages = ConversationMessageSerializer(many=True, read_only=True)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class ConversationFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Conversation.Kind.values, required=False)
    unread = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Only those with messages the shop has not read.")
    )


class ConversationReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_MESSAGE)
    attachments = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text=gettext_lazy("Ids of pictures of the shop's media library."),
    )


class ConversationStartSerializer(ConversationReplySerializer):
    customer = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("The id of a customer of the shop.")
    )
    subject = serializers.CharField(max_length=200)


def message_body(shown: conversations.Shown) -> dict[str, Any]:
    message = shown.message
    return ConversationMessageSerializer({
        "id": message.pk,
        "side": message.side,
        "author_name": message.author_name,
        "body": message.body,
        "created_at": message.created_at,
        "attachments": [
            {"name": name, "url": picture.url if picture else None,
             "thumb_url": picture.thumb_url if picture else None}
            for name, picture in shown.pictures
        ],
    }).data  # fmt: skip


def refused(error: DjangoValidationError, renamed: dict[str, str]) -> ValidationError:
    """A service's refusal as DRF's 400, per field (``renamed``: service name → API name)."""
    return ValidationError({renamed.get(k, k): v for k, v in error.message_dict.items()})


@extend_schema(parameters=[VENDOR_CODE])
class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The shop's conversations with its customers and with the platform's staff."""

    serializer_class = ConversationSerializer
    permission = read_write("messaging.view", "messaging.send")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return Conversation.objects.none()
        found = conversations.of_vendor(self.request.vendor.pk)  # type: ignore[attr-defined]
        if self.action == "list":
            params = ConversationFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data.get("kind"):
                found = found.filter(kind=params.validated_data["kind"])
            if params.validated_data.get("unread"):
                found = found.filter(vendor_unread__gt=0)
        return found

    def detail_body(self, conversation: Conversation) -> dict[str, Any]:
        return {
            **ConversationSerializer(conversation).data,
            "messages": [message_body(m) for m in conversations.thread(conversation)],
        }

    @extend_schema(parameters=[ConversationFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ConversationDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The conversation with its messages; the shop has read it once answered."""
        conversation = self.get_object()
        conversations.mark_read(conversation, Message.Side.VENDOR)
        return Response(self.detail_body(conversation))

    @extend_schema(
        request=ConversationStartSerializer, responses={201: ConversationDetailSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new conversation with a customer of the shop, and its first message."""
        data = ConversationStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vendor = request.vendor  # type: ignore[attr-defined]
        customer = Customer.objects.filter(
            pk=data.validated_data["customer"], vendor_id=vendor.pk
        ).first()
        if customer is None:
            raise ValidationError({"customer": [_("No customer of your shop has this id.")]})
        try:
            started = conversations.start(
                vendor_id=vendor.pk,
                platform_id=request.platform.pk,  # type: ignore[attr-defined]
                author=conversations.Author(Message.Side.VENDOR, user=request.user),
                subject=data.validated_data["subject"],
                body=data.validated_data["body"],
                customer=customer,
                media_ids=data.validated_data["attachments"],
            )
        except DjangoValidationError as error:
            raise refused(error, {"recipient": "customer"}) from None
        conversation = self.get_queryset().get(pk=started.pk)
        return Response(self.detail_body(conversation), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ConversationReplySerializer, responses={201: ConversationMessageSerializer}
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The shop's answer in the conversation (told to the customer or staff)."""
        conversation = self.get_object()
        data = ConversationReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = conversations.write(
                conversation,
                conversations.Author(Message.Side.VENDOR, user=request.user),
                data.validated_data["body"],
                media_ids=data.validated_data["attachments"],
            )
        except DjangoValidationError as error:
            raise refused(error, {}) from None
        return Response(message_body(conversations.shown(message)), status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("conversations", ConversationViewSet, basename="api-conversation")
urlpatterns = router.urls
