"""Mounting every module's URLs under its namespace, one prefix per frontend (ARCHITECTURE.md §7).

A module's ``urls.py`` may define any of the lists ``<name>_urlpatterns`` named in
``FRONTEND_MOUNTS``; each is mounted under the module's code by default, and every list of a
module shares one URL namespace, the module code, so the gate middleware can tell which module a
view belongs to. A module names a prefix only to deviate (``url_prefixes = {"admin":
"dashboard/"}`` for the dashboard's home).

The vendor and storefront lists (pages and APIs) are mounted through ``orion_core.guards``:
every view in them runs behind the tenant guard, so none can be reached by someone outside the
vendor's team (portal) or for a vendor not open on the platform (storefront).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, include, path

from orion_core.guards import GUARDED_LISTS, Guarded, guard_patterns
from orion_core.modules.registry import ModuleRegistry, get_registry

FRONTEND_MOUNTS = (
    ("platform", "{code}/"),
    ("admin", "dashboard/{code}/"),
    ("vendor", "vendor/<slug:vendor_code>/{code}/"),
    ("storefront", "shop/<slug:vendor_code>/{code}/"),
    ("api", "api/v1/{code}/"),
    ("vendor_api", "api/v1/vendor/<slug:vendor_code>/{code}/"),
    ("storefront_api", "api/v1/shop/<slug:vendor_code>/{code}/"),
)


def mounted_list(name: str, patterns: list) -> list:
    """The list as it is mounted: guarded when it serves a vendor or storefront frontend."""
    if name not in GUARDED_LISTS:
        return patterns
    frontend, api = GUARDED_LISTS[name]
    return guard_patterns(patterns, frontend, api=api)


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
                include(mounted_list(name, getattr(urls, f"{name}_urlpatterns"))),
            )
            for name, prefix in FRONTEND_MOUNTS
            if getattr(urls, f"{name}_urlpatterns", None)
        ]
        if mounted:
            patterns.append(
                path("", include((mounted, definition.code), namespace=definition.code))
            )
    return patterns


@dataclass(frozen=True)
class MountedView:
    """One view as mounted: its full route (``path()`` syntax, regexes as they are), its
    qualified URL name and its callback (guarded or not)."""

    route: str
    name: str
    callback: Any

    @property
    def guard(self) -> Guarded | None:
        return getattr(self.callback, "orion_guard", None)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(m.group(1) or m.group(2) for m in _PARAM.finditer(self.route))


_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>|\(\?P<(\w+)>")


def mounted_views(code: str | None = None) -> list[MountedView]:
    """Every view the modules mounted (of module ``code`` only, if given), in URLconf order."""
    namespaces = get_resolver().namespace_dict
    codes = [code] if code is not None else [d.code for d in get_registry()]
    found: list[MountedView] = []
    for module in codes:
        if module in namespaces:
            prefix, resolver = namespaces[module]
            found.extend(_walk(resolver.url_patterns, prefix, module))
    return found


def _walk(patterns: list, prefix: str, namespace: str) -> list[MountedView]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            found.extend(_walk(entry.url_patterns, route, inner))
        else:
            name = f"{namespace}:{entry.name}" if entry.name else ""
            found.append(MountedView(route, name, entry.callback))
    return found
