"""Validating a module's config against its ``config_schema`` (a DRF serializer).

One schema validates the API, the staff form and the CLI. Fields declared ``write_only`` are
secrets: stored, never echoed (they come back masked as :data:`SECRET_MASK`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from orion_core.exceptions import ModuleConfigError
from orion_core.modules.definition import ModuleDefinition

SECRET_MASK = "********"  # noqa: S105 - the placeholder shown instead of a secret


def schema_fields(definition: ModuleDefinition) -> dict[str, serializers.Field]:
    if definition.config_schema is None:
        return {}
    return dict(definition.config_schema().fields)


def secret_fields(definition: ModuleDefinition) -> set[str]:
    return {name for name, f in schema_fields(definition).items() if f.write_only}


def required_fields(definition: ModuleDefinition) -> set[str]:
    """Fields that must be set before the module can be enabled (required, no default)."""
    defaults = default_config(definition)
    return {
        name
        for name, f in schema_fields(definition).items()
        if f.required and f.default is empty and name not in defaults
    }


def default_config(definition: ModuleDefinition) -> dict[str, Any]:
    """Schema field defaults overlaid with the definition's ``default_config``."""
    defaults = {
        name: f.get_default()
        for name, f in schema_fields(definition).items()
        if f.default is not empty
    }
    return _to_json({**defaults, **definition.default_config})


def missing_required(definition: ModuleDefinition, stored: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in required_fields(definition) if stored.get(name) in (None, ""))


def validate_config(
    definition: ModuleDefinition,
    values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge ``values`` over ``current`` (over defaults) and validate the result.

    Returns the JSON-ready config to store. Raises ModuleConfigError with per-field errors.
    A secret sent back as the mask keeps its stored value.
    """
    schema = definition.config_schema
    current = dict(current or {})
    known = set(schema_fields(definition))
    errors: dict[str, Any] = {name: [_("Unknown setting.")] for name in sorted(set(values) - known)}
    if schema is None:
        if errors:
            raise ModuleConfigError(definition.code, errors)
        return {}
    secrets = secret_fields(definition)
    changes = {
        k: v for k, v in values.items() if k in known and not (k in secrets and v == SECRET_MASK)
    }
    serializer = schema(data={**default_config(definition), **current, **changes})
    if not serializer.is_valid():
        errors.update(serializer.errors)
    if errors:
        raise ModuleConfigError(definition.code, errors)
    return _to_json(serializer.validated_data)


def public_config(definition: ModuleDefinition, config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` safe to show: secrets that are set become the mask, unset ones stay empty."""
    secrets = secret_fields(definition)
    return {
        key: (SECRET_MASK if value not in (None, "") else value) if key in secrets else value
        for key, value in config.items()
    }


def _to_json(data: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))
