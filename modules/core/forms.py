"""The staff config form, generated from a module's ``config_schema`` (a DRF serializer).

The schema stays the only validator: the form only decides how each field is shown and turns
what the browser posts into the values ``ModuleService.set_config`` validates and stores.
Secrets (``write_only`` fields) are never put back into the page: the input stays empty, and an
empty input keeps the stored value (``SECRET_MASK`` semantics).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.fields import empty

from orion_core.modules.definition import ModuleDefinition
from orion_core.services.config import SECRET_MASK, default_config, schema_fields

NON_FIELD_KEYS = ("__all__", "non_field_errors")


@dataclass
class ConfigField:
    """One input of the config form, ready for the template."""

    name: str
    label: str
    widget: str  # select, checkbox, number, email, url, password, text
    value: Any = ""
    help_text: str = ""
    default: Any = None
    has_default: bool = False
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    secret_set: bool = False
    can_clear: bool = False

    @property
    def input_id(self) -> str:
        return f"id_{self.name}"

    @property
    def checked(self) -> bool:
        return self.value in (True, "true", "True", "on", "1", 1)


def _widget(f: serializers.Field) -> str:
    if f.write_only:
        return "password"
    if isinstance(f, serializers.ChoiceField):
        return "select"
    if isinstance(f, serializers.BooleanField):
        return "checkbox"
    if isinstance(f, (serializers.IntegerField, serializers.DecimalField, serializers.FloatField)):
        return "number"
    if isinstance(f, serializers.EmailField):
        return "email"
    if isinstance(f, serializers.URLField):
        return "url"
    return "text"


def _number_attrs(f: serializers.Field) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for name in ("min_value", "max_value"):
        value = getattr(f, name, None)
        if value is not None:
            attrs[name[:3]] = value
    if isinstance(f, serializers.IntegerField):
        attrs["step"] = 1
    elif isinstance(f, serializers.DecimalField) and f.decimal_places is not None:
        attrs["step"] = Decimal(1).scaleb(-f.decimal_places)
    else:
        attrs["step"] = "any"
    return attrs


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, (list, tuple)):
        return [m for item in messages for m in _flatten(item)]
    if isinstance(messages, dict):
        return [f"{k}: {m}" for k, v in messages.items() for m in _flatten(v)]
    return [str(messages)]


class ModuleConfigForm:
    """Builds the fields of one module's config form and reads a submitted one."""

    def __init__(
        self,
        definition: ModuleDefinition,
        config: Mapping[str, Any],
        *,
        data: QueryDict | None = None,
        errors: Mapping[str, Any] | None = None,
    ) -> None:
        self.definition = definition
        self.config = config  # public: secrets masked
        self.data = data
        self.schema_fields = schema_fields(definition)
        self.defaults = default_config(definition)
        errors = dict(errors or {})
        self.non_field_errors: list[str] = []
        for key in list(errors):
            if key in NON_FIELD_KEYS:
                self.non_field_errors += _flatten(errors.pop(key))
            elif key not in self.schema_fields:  # e.g. "Unknown setting."
                self.non_field_errors += [f"{key}: {m}" for m in _flatten(errors.pop(key))]
        self.fields = [
            self._field(name, f, errors.get(name)) for name, f in self.schema_fields.items()
        ]

    @property
    def has_fields(self) -> bool:
        return bool(self.fields)

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors or any(f.errors for f in self.fields))

    def _field(self, name: str, f: serializers.Field, errors: Any) -> ConfigField:
        widget = _widget(f)
        has_default = name in self.defaults
        stored = self.config.get(name, "")
        if widget == "password":
            value = ""  # never rendered, not even what was typed
        elif self.data is not None:
            value = name in self.data if widget == "checkbox" else self.data.get(name, "")
        else:
            value = "" if stored is None else stored
        field_ = ConfigField(
            name=name,
            label=str(f.label or name.replace("_", " ").capitalize()),
            widget=widget,
            value=value,
            help_text=str(f.help_text or ""),
            default=self.defaults.get(name) if widget != "password" else None,
            has_default=has_default and widget != "password",
            required=f.required and f.default is empty and not has_default,
            errors=_flatten(errors) if errors else [],
            secret_set=widget == "password" and stored == SECRET_MASK,
            can_clear=widget == "password"
            and stored == SECRET_MASK
            and (getattr(f, "allow_blank", False) or f.allow_null or not f.required),
        )
        if widget == "select":
            field_.choices = [(str(k), str(v)) for k, v in f.choices.items()]
        elif widget == "number":
            field_.attrs = _number_attrs(f)
        elif widget == "text":
            max_length = getattr(f, "max_length", None)
            if max_length:
                field_.attrs = {"maxlength": max_length}
        return field_

    def values(self) -> dict[str, Any]:
        """What was posted, as values for ``ModuleService.set_config``.

        A checkbox that is not posted is False; an empty secret is left out (the stored one is
        kept) unless its "clear" box is ticked.
        """
        assert self.data is not None, "values() needs submitted data"
        values: dict[str, Any] = {}
        for config_field in self.fields:
            name = config_field.name
            if config_field.widget == "checkbox":
                values[name] = name in self.data
            elif config_field.widget == "password":
                posted = self.data.get(name, "")
                if self.data.get(f"{name}__clear") and config_field.can_clear:
                    values[name] = ""
                elif posted and posted != SECRET_MASK:
                    values[name] = posted
            elif name in self.data:
                values[name] = self.data.get(name, "")
        return values
