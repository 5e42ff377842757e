"""Billing's vendor API, at /api/v1/vendor/<vendor_code>/billing/ (the vendor's plan on the
platform of the request):

- ``tiers/`` GET: the plans offered here, cheapest first (paginated);
- ``subscription/`` GET: the live subscription, else the latest that ended (404: never
  subscribed); POST ``{tier, interval}``: subscribe (201; a free trial for a first paid plan),
  409 while a plan is live (change it instead);
- ``subscription/change/`` POST ``{tier, interval}``: change the plan by the proration rule
  (at once when it costs at least as much, at the period end when it costs less or switches
  between monthly and yearly; asking for the current plan withdraws a scheduled change): 200
  with the subscription and ``outcome`` (``changed``, ``scheduled``, ``unscheduled``);
- ``subscription/cancel/`` and ``subscription/resume/`` POST: cancel at the period end, or
  withdraw that (200 with the subscription);
- ``subscription/events/`` GET: the history, newest first (paginated);
- ``usage/`` GET: each limit of the platform's modules with what the vendor uses and its
  plan allows (``maximum`` null: unlimited);
- ``invoices/`` GET: the vendor's invoices, newest first, with their lines (paginated);
  ``invoices/<id>/`` GET: one (404 for another vendor's).

Bad input is a 400 per field, a change the subscription's status does not allow a 409; nothing
changes then. The tenant guard admits the vendor's team and runs each request in the vendor's
scope; reading needs ``billing.view``, changing ``billing.manage``.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.billing.models import (
    Interval,
    Invoice,
    InvoiceLine,
    Subscription,
    SubscriptionEvent,
    Tier,
)
from modules.billing.services import queries, subscriptions, tiers
from modules.billing.services.errors import BillingError, IllegalTransition
from orion_core.guards import read_write

VENDOR_CODE = OpenApiParameter(
    "vendor_code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The vendor's code.")
)


def code_field(values: list[str], description: str) -> serializers.CharField:
    """A read-only code of a fixed set, documented as a string naming its values rather than
    as an enum: the subscription's statuses and intervals appear in several fields, and the
    schema's named enum components would collide with each other and with other modules'
    ``status`` (drf-spectacular warns, and CI fails on warnings)."""
    text = f"{description} One of: {', '.join(repr(value) for value in values)}."

    @extend_schema_field({"type": "string", "description": text})
    class CodeField(serializers.CharField):
        pass

    return CodeField(read_only=True)


STATUSES = list(Subscription.Status.values)
INTERVALS = list(Interval.values)


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["code", "name", "description", "monthly_price", "yearly_price", "currency",
                  "features", "limits", "is_default"]  # fmt: skip
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    status = code_field(STATUSES, "The subscription's status.")
    interval = code_field(INTERVALS, "How often it is billed.")
    pending_tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    pending_interval = code_field(
        ["", *INTERVALS], "Billed so from the period end ('': no change)."
    )

    class Meta:
        model = Subscription
        fields = [
            "id", "tier", "tier_name", "interval", "status", "price", "currency", "trial_ends_at",
            "current_period_start", "current_period_end", "cancel_at_period_end",
            "cancel_requested_at", "pending_tier", "pending_interval", "started_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields


class ChangedSerializer(serializers.Serializer):
    subscription = SubscriptionSerializer()
    outcome = serializers.ChoiceField(choices=["changed", "scheduled", "unscheduled"])


class PlanChoiceSerializer(serializers.Serializer):
    tier = serializers.SlugField(max_length=50, help_text=_("The code of a plan offered here."))
    interval = serializers.ChoiceField(
        choices=Interval.choices,
        required=False,
        help_text=_("month or year; default: monthly (subscribing) or as now (changing)."),
    )


class EventSerializer(serializers.ModelSerializer):
    from_status = code_field(["", *STATUSES], "The status before ('': no change of status).")
    to_status = code_field(["", *STATUSES], "The status after ('': no change of status).")
    from_tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_tier = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SubscriptionEvent
        fields = ["id", "subscription", "kind", "from_status", "to_status", "from_tier", "to_tier",
                  "amount", "actor", "message", "created_at"]  # fmt: skip
        read_only_fields = fields


class UsageSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    used = serializers.IntegerField()
    maximum = serializers.IntegerField(allow_null=True, help_text=_("null: unlimited."))


class UsageListSerializer(serializers.Serializer):
    limits = UsageSerializer(many=True)


class InvoiceLineSerializer(serializers.ModelSerializer):
    kind = code_field(list(InvoiceLine.Kind.values), "What the line bills.")

    class Meta:
        model = InvoiceLine
        fields = ["position", "kind", "description", "period_start", "period_end", "amount"]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    status = code_field(list(Invoice.Status.values), "The invoice's status.")
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "number", "status", "overdue", "billed_to", "currency", "subtotal",
                  "tax_rate", "tax", "total", "issued_at", "due_at", "paid_at",
                  "lines"]  # fmt: skip
        read_only_fields = fields


class EmptySerializer(serializers.Serializer):
    pass


def refused(error: BillingError) -> Response:
    """A service's refusal: 409 for the status, 400 at its field (or as ``detail``)."""
    if isinstance(error, IllegalTransition):
        return Response(
            {"detail": error.message, "code": error.code}, status=status.HTTP_409_CONFLICT
        )
    if error.field:
        return Response({error.field: [error.message]}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)


def _actor(request: Request) -> str:
    staff = request.user.is_staff and not getattr(request._request, "membership", None)
    return "staff" if staff else "vendor"


@extend_schema(parameters=[VENDOR_CODE])
class TierListView(generics.ListAPIView):
    """The plans offered on this platform, cheapest first."""

    serializer_class = TierSerializer
    permission = "billing.view"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no platform
            return Tier.objects.none()
        return tiers.offered_tiers(self.request.platform)  # type: ignore[attr-defined]


@extend_schema(parameters=[VENDOR_CODE])
class SubscriptionView(APIView):
    """The vendor's subscription on this platform."""

    permission = read_write("billing.view", "billing.manage")

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = subscriptions.current_subscription(request.vendor, request.platform)  # type: ignore[attr-defined]
        if found is None:
            return Response(
                {"detail": _("No subscription here yet.")}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(SubscriptionSerializer(found).data)

    @extend_schema(request=PlanChoiceSerializer, responses={201: SubscriptionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Subscribe to a plan (a free trial for a first paid plan)."""
        body = PlanChoiceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            made = subscriptions.subscribe(
                request.vendor,  # type: ignore[attr-defined]
                request.platform,  # type: ignore[attr-defined]
                body.validated_data["tier"],
                body.validated_data.get("interval") or Interval.MONTH,
                user=request.user,
                actor=_actor(request),
            )
        except BillingError as error:
            return refused(error)
        return Response(SubscriptionSerializer(made).data, status=status.HTTP_201_CREATED)


class _LiveMixin:
    """Actions on the vendor's live subscription (409 without one)."""

    permission = "billing.manage"

    def live(self, request: Request) -> Subscription:
        found = subscriptions.live_subscription(request.vendor, request.platform)  # type: ignore[attr-defined]
        if found is None:
            raise IllegalTransition(_("You have no live plan: subscribe first."))
        return found


@extend_schema(parameters=[VENDOR_CODE])
class ChangePlanView(_LiveMixin, APIView):
    @extend_schema(request=PlanChoiceSerializer, responses=ChangedSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the plan by the proration rule (see the module docstring)."""
        body = PlanChoiceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            changed, outcome = subscriptions.change_plan(
                self.live(request),
                body.validated_data["tier"],
                body.validated_data.get("interval"),
                user=request.user,
                actor=_actor(request),
            )
        except BillingError as error:
            return refused(error)
        return Response({"subscription": SubscriptionSerializer(changed).data, "outcome": outcome})


@extend_schema(parameters=[VENDOR_CODE])
class CancelView(_LiveMixin, APIView):
    @extend_schema(request=EmptySerializer, responses=SubscriptionSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel at the end of the period (the plan stays until then)."""
        try:
            done = subscriptions.cancel(
                self.live(request), user=request.user, actor=_actor(request)
            )
        except BillingError as error:
            return refused(error)
        return Response(SubscriptionSerializer(done).data)


@extend_schema(parameters=[VENDOR_CODE])
class ResumeView(_LiveMixin, APIView):
    @extend_schema(request=EmptySerializer, responses=SubscriptionSerializer)
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Withdraw a cancellation before it takes effect."""
        try:
            done = subscriptions.resume(
                self.live(request), user=request.user, actor=_actor(request)
            )
        except BillingError as error:
            return refused(error)
        return Response(SubscriptionSerializer(done).data)


@extend_schema(parameters=[VENDOR_CODE])
class EventListView(generics.ListAPIView):
    """The history of the vendor's subscriptions on this platform, newest first."""

    serializer_class = EventSerializer
    permission = "billing.view"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return SubscriptionEvent.objects.none()
        return queries.vendor_events(self.request.vendor.pk, self.request.platform.pk)  # type: ignore[attr-defined]


@extend_schema(parameters=[VENDOR_CODE])
class UsageView(APIView):
    """Each limit of the platform's modules: what the vendor uses, what its plan allows."""

    permission = "billing.view"

    @extend_schema(responses=UsageListSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = tiers.usage(request.platform, request.vendor.pk)  # type: ignore[attr-defined]
        body = {
            "limits": [
                {"name": u.name, "label": u.label, "used": u.used, "maximum": u.maximum}
                for u in found
            ]
        }
        return Response(UsageListSerializer(body).data)


class _VendorInvoices:
    serializer_class = InvoiceSerializer
    permission = "billing.view"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no vendor in scope
            return Invoice.objects.none()
        return queries.vendor_invoices(self.request.platform.pk).prefetch_related("lines")  # type: ignore[attr-defined]


@extend_schema(parameters=[VENDOR_CODE])
class InvoiceListView(_VendorInvoices, generics.ListAPIView):
    """The vendor's invoices on this platform, newest first."""


@extend_schema(parameters=[VENDOR_CODE])
class InvoiceDetailView(_VendorInvoices, generics.RetrieveAPIView):
    """One of the vendor's invoices, with its lines."""


urlpatterns = [
    path("tiers/", TierListView.as_view(), name="api-tiers"),
    path("subscription/", SubscriptionView.as_view(), name="api-subscription"),
    path("subscription/change/", ChangePlanView.as_view(), name="api-subscription-change"),
    path("subscription/cancel/", CancelView.as_view(), name="api-subscription-cancel"),
    path("subscription/resume/", ResumeView.as_view(), name="api-subscription-resume"),
    path("subscription/events/", EventListView.as_view(), name="api-subscription-events"),
    path("usage/", UsageView.as_view(), name="api-usage"),
    path("invoices/", InvoiceListView.as_view(), name="api-invoices"),
    path("invoices/<int:pk>/", InvoiceDetailView.as_view(), name="api-invoice"),
]
