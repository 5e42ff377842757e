"""docs/roles.md tells operators which role holds which permission. Its table is generated from
the modules' declarations (``manage.py rolesdoc --write docs/roles.md``, run by ``make``): this
test fails while the committed guide and what the modules declare disagree."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError

from orion_core.management.commands.rolesdoc import END, START, roles_table, with_table
from orion_core.modules.registry import get_registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def documented_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_the_guide_holds_the_table_the_modules_declare():
    assert documented_table() == roles_table(), "run `make docs` and commit docs/roles.md"


def test_the_table_has_a_row_per_declared_permission_with_its_roles():
    rows = {
        line.split("|")[2].strip(" `"): [cell.strip() for cell in line.split("|")[4:7]]
        for line in roles_table().splitlines()[2:]
    }
    for definition in get_registry():
        for perm in definition.permissions:
            marks = ["✓" if role in perm.roles else "" for role in ("manager", "staff", "viewer")]
            assert rows.pop(perm.code) == marks, perm.code
    assert rows == {}


def test_writing_replaces_only_the_block_between_the_markers():
    text = f"intro\n{START}\nold table\n{END}\noutro\n"
    assert with_table(text, "new") == f"intro\n{START}\nnew\n{END}\noutro\n"
    with pytest.raises(CommandError, match="no"):
        with_table("no markers here", "new")
