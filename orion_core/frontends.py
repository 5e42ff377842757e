"""Which frontend (ARCHITECTURE.md §7) a request path belongs to.

The answer depends on the path only, so it costs nothing and is set on every request by
``PlatformMiddleware`` as ``request.frontend``. The API and the Django admin are no frontend
of their own (None): they have no sidebar built from module menus.
"""

from __future__ import annotations

from orion_core.modules.definition import FrontendType

# Paths that belong to no frontend, with and without their trailing slash.
NO_FRONTEND = ("/api", "/admin")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _with_code(path: str, prefix: str) -> bool:
    """``/vendor/<code>/…``: the prefix followed by a non-empty path segment."""
    return path.startswith(prefix + "/") and bool(path[len(prefix) + 1 :].split("/", 1)[0])


def frontend_for_path(path: str) -> FrontendType | None:
    """``/dashboard/`` → ADMIN, ``/vendor/<code>/`` → VENDOR, ``/shop/<code>/`` → STOREFRONT,
    ``/api/`` and ``/admin/`` → None, everything else → PLATFORM.

    ``path`` is ``request.path_info`` (without the script prefix).
    """
    if any(_under(path, prefix) for prefix in NO_FRONTEND):
        return None
    if _under(path, "/dashboard"):
        return FrontendType.ADMIN
    if _with_code(path, "/vendor"):
        return FrontendType.VENDOR
    if _with_code(path, "/shop"):
        return FrontendType.STOREFRONT
    return FrontendType.PLATFORM
