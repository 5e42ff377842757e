"""Mounting every module's URLs under its namespace, one prefix per frontend (ARCHITECTURE.md §7).

A module's ``urls.py`` may define any of the lists ``<frontend>_urlpatterns``; each is mounted
under the module's code by default, and every list of a module shares one URL namespace, the
module code, so the gate middleware can tell which module a view belongs to. A module names a
prefix only to deviate (``url_prefixes = {"admin": "dashboard/"}`` for the dashboard's home).
"""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, include, path

from orion_core.modules.registry import ModuleRegistry, get_registry

FRONTEND_MOUNTS = (
    ("platform", "{code}/"),
    ("admin", "dashboard/{code}/"),
    ("vendor", "vendor/<slug:vendor_code>/{code}/"),
    ("storefront", "shop/<slug:vendor_code>/{code}/"),
    ("api", "api/v1/{code}/"),
)


def module_urlpatterns(registry: ModuleRegistry | None = None) -> list[URLResolver]:
    registry = registry if registry is not None else get_registry()
    patterns: list[URLResolver] = []
    for definition in registry:
        if not definition.urls:
            continue
        urls = importlib.import_module(definition.urls)
        mounted: list[URLPattern | URLResolver] = [
            path(
                definition.url_prefixes.get(name, prefix).format(code=definition.code),
                include(getattr(urls, f"{name}_urlpatterns")),
            )
            for name, prefix in FRONTEND_MOUNTS
            if getattr(urls, f"{name}_urlpatterns", None)
        ]
        if mounted:
            patterns.append(
                path("", include((mounted, definition.code), namespace=definition.code))
            )
    return patterns
