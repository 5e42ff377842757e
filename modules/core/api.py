"""The staff (admin) API for module management: /api/v1/admin/platforms/{code}/modules/…

Everything goes through ``ModuleService``. Errors keep DRF's shapes: ``{"detail": "…"}`` for
anything that is not about one field (unknown platform or module → 404, a refused change →
400), and ``{"field": ["…"]}`` for invalid config. Secrets are never returned: a set secret
reads as ``********``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.core.permissions import IsStaffAllowedToChangeModules
from orion_core.api_errors import bad_request_schema
from orion_core.exceptions import (
    ModuleConfigError,
    ModuleStateError,
    UnknownModuleError,
    UnknownPlatformError,
)
from orion_core.models import Platform, PlatformModule
from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService, get_platform

TRUE_VALUES = {"1", "true", "yes", "on"}


class ModuleRefused(APIException):
    """A change the module rules refuse (e.g. disabling a core module)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The change was refused.")
    default_code = "refused"


# --- serializers (responses) -------------------------------------------------------------------


class ModuleStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    tier = serializers.ChoiceField(choices=[t.value for t in Tier])
    version = serializers.CharField()
    enabled = serializers.BooleanField()
    cause = serializers.CharField(
        help_text=_('Why it is on: "explicit", "required by <module>", "core"; empty when off.')
    )
    requires = serializers.ListField(child=serializers.CharField())
    dependents = serializers.ListField(child=serializers.CharField())
    enabled_at = serializers.DateTimeField(allow_null=True)
    has_config = serializers.BooleanField()


class PlanStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    action = serializers.ChoiceField(choices=["enable", "disable"])
    cause = serializers.CharField()
    cause_module = serializers.CharField()
    was_enabled = serializers.BooleanField()
    tasks = serializers.ListField(child=serializers.CharField())
    missing_config = serializers.ListField(child=serializers.CharField())


class PlanSerializer(serializers.Serializer):
    platform = serializers.CharField()
    action = serializers.ChoiceField(choices=["enable", "disable"])
    module = serializers.CharField()
    steps = PlanStepSerializer(many=True)
    suggestions = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())
    has_changes = serializers.BooleanField()


class DisableRequestSerializer(serializers.Serializer):
    prune = serializers.BooleanField(
        default=False, help_text=_("Also disable requirements nothing needs any more.")
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description="Return the plan and change nothing.",
)
PRUNE = OpenApiParameter(
    "prune",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description="Also disable requirements nothing needs any more (or send it in the body).",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown platform or module.")
REFUSED = OpenApiResponse(ErrorSerializer, description="The change was refused.")
REFUSED_OR_INVALID = OpenApiResponse(
    bad_request_schema(),
    description='The change was refused ({"detail": …}) or the body is invalid (per field).',
)
CONFIG_INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Per-field errors: {"field": ["message"]}.'
)


def _flag(value: Any) -> bool:
    return str(value).lower() in TRUE_VALUES


# --- views ---------------------------------------------------------------------------------------


class AdminModuleAPIView(APIView):
    """Shared lookups and error translation for the admin module endpoints (staff only;
    writes need ``orion_core.change_platformmodule``)."""

    permission_classes = [IsStaffAllowedToChangeModules]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions first
        self.service = ModuleService()
        self.registry = get_registry()

    def get_platform(self) -> Platform:
        return get_platform(self.kwargs["platform_code"])

    def get_definition(self) -> ModuleDefinition:
        return self.registry.get(self.kwargs["module_code"])

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, (UnknownPlatformError, UnknownModuleError)):
            exc = NotFound(str(exc))
        elif isinstance(exc, (ModuleStateError, ModuleConfigError)):
            exc = ModuleRefused(str(exc))
        return super().handle_exception(exc)

    def module_state(
        self, definition: ModuleDefinition, record: PlatformModule | None
    ) -> dict[str, Any]:
        enabled = definition.is_core or bool(record and record.is_enabled)
        cause = record.cause if record and record.is_enabled else ""
        return {
            "code": definition.code,
            "name": str(definition.name),
            "description": str(definition.description),
            "tier": definition.tier.value,
            "version": definition.version,
            "enabled": enabled,
            "cause": cause or ("core" if definition.is_core else ""),
            "requires": sorted(self.registry.requirements(definition.code, transitive=False)),
            "dependents": sorted(self.registry.dependents(definition.code, transitive=False)),
            "enabled_at": record.enabled_at if record and record.is_enabled else None,
            "has_config": definition.config_schema is not None,
        }


class ModuleListAPIView(AdminModuleAPIView):
    @extend_schema(
        operation_id="admin_platform_modules_list",
        summary="Every module and its state on the platform",
        responses={200: ModuleStateSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, platform_code: str) -> Response:
        platform = self.get_platform()
        records = self.service.records(platform)
        data = [self.module_state(d, records.get(d.code)) for d in self.registry]
        return Response(ModuleStateSerializer(data, many=True).data)


class ModuleDetailAPIView(AdminModuleAPIView):
    @extend_schema(
        operation_id="admin_platform_modules_retrieve",
        summary="One module's state on the platform",
        responses={200: ModuleStateSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, platform_code: str, module_code: str) -> Response:
        platform = self.get_platform()
        definition = self.get_definition()
        record = self.service.records(platform).get(definition.code)
        return Response(ModuleStateSerializer(self.module_state(definition, record)).data)


class ModuleEnableAPIView(AdminModuleAPIView):
    @extend_schema(
        operation_id="admin_platform_modules_enable",
        summary="Enable a module and what it requires",
        description="With `?dry_run=1` returns the plan and writes nothing.",
        request=None,
        parameters=[DRY_RUN],
        responses={200: PlanSerializer, 400: REFUSED, 404: NOT_FOUND},
    )
    def post(self, request: Request, platform_code: str, module_code: str) -> Response:
        platform = self.get_platform()
        definition = self.get_definition()
        plan = self.service.enable(
            platform,
            definition.code,
            user=request.user,
            dry_run=_flag(request.query_params.get("dry_run")),
            source="api",
        )
        return Response(PlanSerializer(plan.as_dict()).data)


class ModuleDisableAPIView(AdminModuleAPIView):
    @extend_schema(
        operation_id="admin_platform_modules_disable",
        summary="Disable a module and every module that requires it",
        description="With `?dry_run=1` returns the plan and writes nothing.",
        request=DisableRequestSerializer,
        parameters=[DRY_RUN, PRUNE],
        responses={200: PlanSerializer, 400: REFUSED_OR_INVALID, 404: NOT_FOUND},
    )
    def post(self, request: Request, platform_code: str, module_code: str) -> Response:
        platform = self.get_platform()
        definition = self.get_definition()
        body = DisableRequestSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        prune = body.validated_data["prune"] or _flag(request.query_params.get("prune"))
        plan = self.service.disable(
            platform,
            definition.code,
            user=request.user,
            dry_run=_flag(request.query_params.get("dry_run")),
            prune=prune,
            source="api",
        )
        return Response(PlanSerializer(plan.as_dict()).data)


class ModuleConfigAPIView(AdminModuleAPIView):
    @extend_schema(
        operation_id="admin_platform_modules_config_retrieve",
        summary="The module's effective config (secrets masked)",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, platform_code: str, module_code: str) -> Response:
        platform = self.get_platform()
        definition = self.get_definition()
        return Response(self.service.get_config(platform, definition.code))

    @extend_schema(
        operation_id="admin_platform_modules_config_update",
        summary="Change settings (validated against the module's config_schema)",
        description=(
            "Send the settings to change; the others keep their stored values. A secret sent "
            "as `********` (or left out) keeps its stored value. Returns the new config with "
            "secrets masked."
        ),
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: CONFIG_INVALID, 404: NOT_FOUND},
    )
    def put(self, request: Request, platform_code: str, module_code: str) -> Response:
        platform = self.get_platform()
        definition = self.get_definition()
        data = request.data
        if hasattr(data, "dict"):  # a form-encoded QueryDict
            data = data.dict()
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send an object of settings.")]})
        try:
            config = self.service.set_config(
                platform, definition.code, data, user=request.user, source="api"
            )
        except ModuleConfigError as exc:
            errors = dict(exc.errors)
            if "__all__" in errors:
                errors["non_field_errors"] = errors.pop("__all__")
            raise ValidationError(errors) from exc
        return Response(config)
