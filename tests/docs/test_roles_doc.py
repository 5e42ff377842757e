"""docs/roles.md tells operators which role holds which permission: keep it equal to what the
modules declare, so a module that adds or changes a permission also updates the guide."""

from __future__ import annotations

import re
from pathlib import Path

from orion_core.modules.registry import get_registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
ROW = re.compile(r"^\| (\w+) \| `([\w.]+)` \| [^|]+ \|(.*)\|\s*$")
ROLES = ("manager", "staff", "viewer")


def documented() -> dict[tuple[str, str], tuple[str, ...]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        match = ROW.match(line)
        if match:
            module, code, marks = match.groups()
            cells = [cell.strip() for cell in marks.split("|")]
            rows[(module, code)] = tuple(
                role for role, cell in zip(ROLES, cells, strict=True) if cell == "✓"
            )
    return rows


def declared() -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (definition.code, perm.code): tuple(role for role in ROLES if role in perm.roles)
        for definition in get_registry()
        for perm in definition.permissions
    }


def test_roles_guide_lists_every_declared_permission_with_its_roles():
    assert documented() == declared()
