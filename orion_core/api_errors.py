"""One error body shape for the whole API, and a schema that says so.

DRF answers ``{"detail": "…"}`` for errors not about one field (403, 404, 405, a refused
change) and ``{"field": ["…"]}`` for invalid input. Three places would break that: a 404 that
Django raises before DRF runs (an /api/ URL that matches no route, a module gated off on the
platform) renders the HTML page; DRF's ``SearchFilter`` rejects a NUL in ``?search=`` with a
bare list; and the generated schema documents success bodies only. This module fixes all three:
``page_not_found`` (the project's ``handler404``), ``SearchFilter``, and the drf-spectacular
post-processing hook ``document_error_responses``.
"""

from __future__ import annotations

import copy
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import filters
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

API_PREFIX = "/api/"
BODY_METHODS = {"post", "put", "patch"}

ERROR = {
    "type": "object",
    "description": 'An error not about one field: {"detail": "…"}.',
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": 'Invalid input, per field: {"field": ["…"], "non_field_errors": ["…"]}.',
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "minProperties": 1,
}


def schema_ref(name: str) -> dict[str, str]:
    """A new reference each time: a dict shared by two places of the schema would be
    rendered as a YAML alias."""
    return {"$ref": f"#/components/schemas/{name}"}


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: DRF's body under /api/, Django's page everywhere else."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


class SearchFilter(filters.SearchFilter):
    """DRF's, but an invalid term is a field error of the ``search`` parameter."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from None


def bad_request_schema() -> dict[str, Any]:
    """A 400 body: per-field errors, or ``{"detail": …}`` (a body that does not parse, a
    refused change)."""
    return {"oneOf": [schema_ref("Error"), schema_ref("ValidationError")]}


def _response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the errors it can
    answer, unless its view already documents that status.

    403 for every operation behind authentication, 404 for every path with parameters (the
    tenant, the object) and for paginated lists (an invalid page), 400 for every operation
    that takes a body or query parameters (per-field errors, or a ``detail`` for a body that
    does not parse).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", copy.deepcopy(ERROR))
    schemas.setdefault("ValidationError", copy.deepcopy(VALIDATION_ERROR))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            locations = {p.get("in") for p in operation.get("parameters", [])}
            takes_body = method in BODY_METHODS and "requestBody" in operation
            if takes_body or "query" in locations:
                invalid = _response(gettext("Invalid input."), bad_request_schema())
                responses.setdefault("400", invalid)
            if operation.get("security", result.get("security")):
                refused = _response(gettext("Not logged in or not allowed."), schema_ref("Error"))
                responses.setdefault("403", refused)
            if "{" in path or "query" in locations:
                responses.setdefault("404", _response(gettext("Not found."), schema_ref("Error")))
    return result
