"""Config validation helpers (orion_core.services.config) on a schema built for the test."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from orion_core.exceptions import ModuleConfigError
from orion_core.modules.definition import ModuleDefinition
from orion_core.modules.registry import get_registry
from orion_core.services import config as module_config
from orion_core.services.config import SECRET_MASK


class ShopSchema(serializers.Serializer):
    title = serializers.CharField(max_length=20)  # required, no default
    per_page = serializers.IntegerField(min_value=1, max_value=100, default=20)
    price = serializers.DecimalField(max_digits=6, decimal_places=2, default="9.90")
    token = serializers.CharField(write_only=True, required=False, allow_blank=True)
    theme = serializers.CharField(required=False)


def shop(**kw) -> ModuleDefinition:
    return ModuleDefinition(code="shop", name="Shop", config_schema=ShopSchema, **kw)


def test_field_sets():
    definition = shop()
    assert set(module_config.schema_fields(definition)) == {
        "title",
        "per_page",
        "price",
        "token",
        "theme",
    }
    assert module_config.secret_fields(definition) == {"token"}
    assert module_config.required_fields(definition) == {"title"}
    # A default in the definition makes a field no longer required.
    assert module_config.required_fields(shop(default_config={"title": "Shop"})) == set()
    no_schema = ModuleDefinition(code="bare", name="Bare")
    assert module_config.schema_fields(no_schema) == {}
    assert module_config.required_fields(no_schema) == set()


def test_default_config_is_json_ready_and_overlaid():
    assert module_config.default_config(shop()) == {"per_page": 20, "price": "9.90"}
    assert module_config.default_config(shop(default_config={"per_page": 50})) == {
        "per_page": 50,
        "price": "9.90",
    }


def test_missing_required():
    definition = shop()
    assert module_config.missing_required(definition, {}) == ["title"]
    assert module_config.missing_required(definition, {"title": ""}) == ["title"]
    assert module_config.missing_required(definition, {"title": "x"}) == []


def test_validate_merges_values_over_current_over_defaults():
    definition = shop()
    result = module_config.validate_config(
        definition, {"per_page": "30"}, current={"title": "Mine"}
    )
    assert result == {"title": "Mine", "per_page": 30, "price": "9.90"}


def test_validate_reports_per_field_errors():
    with pytest.raises(ModuleConfigError) as excinfo:
        module_config.validate_config(shop(), {"per_page": 0, "price": "abc"})
    assert set(excinfo.value.errors) == {"title", "per_page", "price"}
    message = str(excinfo.value)
    assert message.startswith("Invalid config for module 'shop': ")
    assert "per_page:" in message and "title:" in message


def test_validate_refuses_unknown_settings():
    with pytest.raises(ModuleConfigError) as excinfo:
        module_config.validate_config(shop(), {"title": "x", "colour": "red"})
    assert excinfo.value.errors == {"colour": ["Unknown setting."]}
    with pytest.raises(ModuleConfigError):
        module_config.validate_config(ModuleDefinition(code="bare", name="Bare"), {"a": 1})
    assert module_config.validate_config(ModuleDefinition(code="bare", name="Bare"), {}) == {}


def test_mask_keeps_the_stored_secret():
    current = {"title": "x", "token": "s3cret"}
    result = module_config.validate_config(shop(), {"token": SECRET_MASK}, current=current)
    assert result["token"] == "s3cret"
    result = module_config.validate_config(shop(), {"token": "new"}, current=current)
    assert result["token"] == "new"


def test_public_config_masks_set_secrets_only():
    definition = shop()
    assert module_config.public_config(definition, {"token": "s3cret", "title": "x"}) == {
        "token": SECRET_MASK,
        "title": "x",
    }
    assert module_config.public_config(definition, {"token": ""}) == {"token": ""}
    assert module_config.public_config(definition, {"token": None}) == {"token": None}


def test_installed_schemas_validate_their_defaults():
    for definition in get_registry():
        defaults = module_config.validate_config(definition, {})
        assert set(defaults) >= set(module_config.default_config(definition)), definition.code
