"""Proof of independence (ARCHITECTURE.md §1): every optional and internal module can be left out
of INSTALLED_APPS and the project still passes ``check`` and ``migrate``, seeds its demo data and
lists its modules.

Each case runs in a fresh process, because INSTALLED_APPS is read once at start-up; the four
commands run one after another in that process, as an operator would run them (and without
paying for Django's start-up four times).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orion_core.modules.registry import get_registry

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [["check"], ["migrate", "--noinput"], ["seed_demo"], ["module", "list"]]
# Runs COMMANDS in order and prints, as JSON, what each printed; the first that fails stops it.
RUN_COMMANDS = """\
import io, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command

# The suite's hasher (tests/conftest.py): the demo users' passwords would take seconds.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

printed = []
for command in json.loads(sys.argv[1]):
    out = io.StringIO()
    call_command(*command, stdout=out)
    printed.append(out.getvalue())
print(json.dumps(printed))
"""


def _removable() -> list[list[str]]:
    """Each optional/internal module together with everything that requires it."""
    registry = get_registry()
    cases = []
    for definition in registry:
        if not definition.is_core:
            cases.append(sorted({definition.code} | registry.dependents(definition.code)))
    cases.append(sorted(d.code for d in registry if not d.is_core))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize("excluded", _removable(), ids=lambda codes: "-".join(codes))
def test_project_works_without(excluded: list[str], tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": "sqlite://:memory:",  # one process: the database lives as long as it
        "ORION_EXCLUDE_MODULES": ",".join(excluded),
        "CELERY_BROKER_URL": "",
        # A few products per category: what is proved is that seeding works, not its scale.
        "ORION_DEMO_PRODUCTS_PER_CATEGORY": "3",
    }
    result = subprocess.run(  # noqa: S603 - our interpreter, our arguments
        [sys.executable, "-c", RUN_COMMANDS, json.dumps(COMMANDS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"a command failed without {excluded}:\n{result.stderr}"
    printed = json.loads(result.stdout.splitlines()[-1])
    assert len(printed) == len(COMMANDS)
    listed = printed[-1]
    assert "\ncore " in f"\n{listed}"
    for code in excluded:
        assert f"\n{code} " not in f"\n{listed}"
