"""Template context: the request's platform, its enabled modules, module contributions, menus."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from orion_core.menus import build_menu
from orion_core.providers import collect_context


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform": getattr(request, "platform", None),
        "enabled_modules": getattr(request, "modules", frozenset()),
    }


def module_context(request: HttpRequest) -> dict[str, Any]:
    """``module_context.<code>``: what each enabled module's context provider returns."""
    enabled = getattr(request, "modules", frozenset())
    if getattr(request, "platform", None) is None or not enabled:
        return {"module_context": {}}
    return {"module_context": collect_context(request, enabled)}


def menus(request: HttpRequest) -> dict[str, Any]:
    """``menu``: the sidebar of the request's frontend, built only if a template reads it."""
    return {"menu": SimpleLazyObject(lambda: build_menu(request))}
