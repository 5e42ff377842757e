"""``startmodule CODE``: a new module app with the standard anatomy (ARCHITECTURE.md §3).

Copies ``orion_core/module_template/``: ``module/`` becomes ``<directory>/CODE/`` and ``tests/``
becomes ``tests/modules/CODE/``. Placeholders are plain ``__CODE__``-style tokens (the module's
own Django templates use ``{{ }}``), so no template engine is involved. What comes out is a
working module (guarded pages, a vendor-scoped model and its migration, an API, complete
catalogs, tests) that passes CI as generated: tests/integration/test_scaffold.py proves it.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from orion_core.management.module_cli.base import Cli

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "module_template"
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SUFFIX = "-tpl"


def validate_code(code: str, known: list[str]) -> None:
    if not CODE_RE.match(code) or keyword.iskeyword(code):
        raise CommandError(
            f"'{code}' is not a valid module code: use lowercase letters, digits and '_', "
            "starting with a letter (it becomes the app label and a Python package name)."
        )
    if code in known:
        raise CommandError(f"A module with the code '{code}' is already installed.")


def render(text: str, context: dict[str, str]) -> str:
    for key, value in context.items():
        text = text.replace(f"__{key}__", value)
    return text


def plan_files(source: Path, target: Path, code: str) -> list[tuple[Path, Path]]:
    pairs = []
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(source)
        parts = [code if part == "module_code" else part for part in relative.parts]
        parts[-1] = parts[-1].removesuffix(SUFFIX).replace("module_code", code)
        pairs.append((path, target.joinpath(*parts)))
    return pairs


def handle_startmodule(cli: Cli) -> None:
    code = cli.options["code"]
    validate_code(code, cli.registry.codes())
    base = Path(settings.BASE_DIR)
    directory = Path(cli.options["directory"]) if cli.options["directory"] else base / "modules"
    tests_dir = (
        Path(cli.options["tests_directory"])
        if cli.options["tests_directory"]
        else directory.resolve().parent / "tests" / "modules"
    )
    if not directory.is_dir():
        raise CommandError(f"Directory '{directory}' does not exist.")
    package_prefix = directory.resolve().name
    package = f"{package_prefix}.{code}" if package_prefix.isidentifier() else code
    target, test_target = directory / code, tests_dir / code
    for existing in (target, test_target):
        if existing.exists():
            raise CommandError(f"'{existing}' already exists; choose another code or remove it.")

    name = code.replace("_", " ").title()
    context = {
        "CODE": code,
        "NAME": name,
        "CLASS": name.replace(" ", ""),
        "PACKAGE": package,
    }
    files = plan_files(TEMPLATE_DIR / "module", target, code) + plan_files(
        TEMPLATE_DIR / "tests", test_target, code
    )
    if not (tests_dir / "__init__.py").exists() and tests_dir.name == "modules":
        files.append((None, tests_dir / "__init__.py"))
    created = []
    for source, destination in files:
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            destination.write_text("", encoding="utf-8")
        elif source.name.endswith(SUFFIX):
            destination.write_text(
                render(source.read_text(encoding="utf-8"), context), encoding="utf-8"
            )
        else:
            destination.write_bytes(source.read_bytes())
        created.append(destination)

    if cli.as_json:
        cli.json(
            {
                "module": code,
                "package": package,
                "directory": str(target),
                "tests": str(test_target),
                "files": [str(p) for p in created],
            }
        )
        return
    cli.out(cli.style.SUCCESS(f"Created module '{code}' ({package}) in {target}"))
    for path in created:
        cli.out(f"  {_shown(path, base)}")
    cli.out("")
    cli.out("Next steps:")
    steps = [
        f'Add "{package}" to INSTALLED_APPS in config/settings.py (after the other modules).',
        "Create its table:       python manage.py migrate",
        "Check the declaration:  python manage.py module check",
        f"Look at it:             python manage.py module show {code}",
        f"Run its tests:          pytest {_shown(test_target, base)}",
        f"Try it on a platform:   python manage.py module enable {code} --platform oms --dry-run",
        "Make it yours (docs/modules.md), then before committing:  make lint && make test",
    ]
    for number, step in enumerate(steps, start=1):
        cli.out(f"  {number}. {step}")


def _shown(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
