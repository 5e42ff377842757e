"""Vendor roles and the permissions they hold, built from what the modules declare.

The owner holds every permission; each ``PermissionDefinition`` names the other roles that hold
it. Only permissions of modules enabled on the platform are grantable and checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from orion_core.modules.registry import get_registry

OWNER = "owner"


def permissions_for(role: str, enabled_modules: Iterable[str]) -> frozenset[str]:
    """Permission codes ``role`` holds on a platform with ``enabled_modules``."""
    enabled = set(enabled_modules)
    return frozenset(
        perm.code
        for definition in get_registry()
        if definition.code in enabled
        for perm in definition.permissions
        if role == OWNER or role in perm.roles
    )


def grantable(enabled_modules: Iterable[str]) -> list[tuple[str, str, str]]:
    """(module, code, label) of every permission a role may hold on such a platform."""
    enabled = set(enabled_modules)
    registry = get_registry()
    return [
        (code, perm.code, str(perm.label))
        for code in registry.dependency_order()
        if code in enabled
        for perm in registry.get(code).permissions
    ]


def role_matrix(enabled_modules: Iterable[str], roles: Iterable[str]) -> list[dict[str, object]]:
    """One row per grantable permission: its module, code, label and which of ``roles`` hold it
    (in the order given). What the team page shows a vendor about its roles on this platform."""
    enabled = list(enabled_modules)
    held = {role: permissions_for(role, enabled) for role in roles}
    return [
        {
            "module": module,
            "code": code,
            "label": label,
            "held": [code in permissions for permissions in held.values()],
        }
        for module, code, label in grantable(enabled)
    ]
