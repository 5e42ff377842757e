"""Proof of independence (ARCHITECTURE.md §1): every optional and internal module can be left out
of INSTALLED_APPS and the project still passes ``check`` and ``migrate``.

Each case runs ``manage.py`` in a fresh process, because INSTALLED_APPS is read once at start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orion_core.modules.registry import get_registry

ROOT = Path(__file__).resolve().parents[2]


def _removable() -> list[list[str]]:
    """Each optional/internal module together with everything that requires it."""
    registry = get_registry()
    cases = []
    for definition in registry:
        if not definition.is_core:
            cases.append(sorted({definition.code} | registry.dependents(definition.code)))
    cases.append(sorted(d.code for d in registry if not d.is_core))
    return cases


def _manage(tmp_path: Path, excluded: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ORION_EXCLUDE_MODULES": ",".join(excluded),
        "CELERY_BROKER_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize("excluded", _removable(), ids=lambda codes: "-".join(codes))
def test_project_works_without(excluded: list[str], tmp_path: Path) -> None:
    for command in (["check"], ["migrate", "--noinput"], ["seed_demo"], ["module", "list"]):
        result = _manage(tmp_path, excluded, *command)
        assert result.returncode == 0, f"{command} failed without {excluded}:\n{result.stderr}"
    listed = _manage(tmp_path, excluded, "module", "list").stdout
    for code in excluded:
        assert f"\n{code} " not in f"\n{listed}"
