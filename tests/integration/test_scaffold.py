"""A module fresh from the scaffold, and the guide's worked example, pass CI as they are.

``manage.py module startmodule`` generates a module into a temporary package; the worked example
of docs/modules.md (``docs/examples/giftcards/``) is copied next to it. Both are installed the
way every module is, by appending the app to ``INSTALLED_APPS`` (here in a temporary settings
module: ``from config.settings import *``), and fresh processes run against them what CI runs:

- ``check``, ``makemigrations --check --dry-run`` and ``spectacular --validate --fail-on-warn``;
- their own tests, and the contract tests that cover every installed module: the module gate
  (tests/orion_core/test_module_contracts.py), the tenant guard
  (tests/orion_core/test_tenant_guard_contract.py), vendor isolation (tests/isolation/) and the
  import rules (tests/orion_core/test_import_rules.py); each module's routes must be among
  those walked;
- their catalogs: complete, seen by the pages (not shadowed by an app listed earlier), and
  holding exactly the msgids ``makemessages`` extracts from the code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from orion_core.catalogs import compile_catalog
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "giftcards"
SCAFFOLD = "scaffold_probe"  # a code no installed module uses
SETTINGS = "installed_settings"
MAKEMESSAGES_SETTINGS = "makemessages_settings"
CONTRACT_TESTS = [
    "tests/orion_core/test_module_contracts.py",
    "tests/orion_core/test_tenant_guard_contract.py",
    "tests/orion_core/test_import_rules.py",
    "tests/isolation/",
]
# Re-exports the project's fixtures for tests that live outside tests/ (as a module's own do
# here): pytest only reads the conftest.py files of a test's own directories.
CONFTEST = """\
from tests.conftest import *  # noqa: F403
from tests.conftest import _default_language, _stale_module_state, pytest_configure  # noqa: F401
"""
CATALOG_REPORT = """\
import json, sys
import django
django.setup()
import polib
from django.utils import translation

problems = []
for path in sys.argv[1:]:
    language = path.split("/")[-3]
    with translation.override(language):
        for entry in polib.pofile(path):
            args = (entry.msgctxt, entry.msgid) if entry.msgctxt else (entry.msgid,)
            get = translation.pgettext if entry.msgctxt else translation.gettext
            if entry.msgid_plural:
                args = (*args, entry.msgid_plural, 1)
                get = translation.npgettext if entry.msgctxt else translation.ngettext
                expected = entry.msgstr_plural[0]
            else:
                expected = entry.msgstr
            if get(*args) != expected:
                problems.append(f"{language} {args}: pages get {get(*args)!r}, not {expected!r}")
print(json.dumps(problems))
"""
ROUTES_REPORT = """\
import json, sys
import django
django.setup()
from orion_core.urls import mounted_views

print(json.dumps([
    [view.name, view.guard and view.guard.frontend.value, view.guard and view.guard.api]
    for view in mounted_views(sys.argv[1])
]))
"""


@dataclass(frozen=True)
class Module:
    code: str
    app: Path  # its package directory
    tests: Path  # its tests


@dataclass
class Installation:
    """Modules installed by a temporary settings module, and how to run things against them."""

    root: Path  # on PYTHONPATH: the settings modules, the packages, reports
    modules: dict[str, Module]

    def env(self, settings: str) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        return {
            **inherited,
            "PYTHONPATH": os.pathsep.join([str(self.root), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": f"sqlite:///{self.root / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "",
        }

    def python(self, *args: str, cwd: Path = ROOT, settings: str = SETTINGS) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            [sys.executable, *args],
            cwd=cwd,
            env=self.env(settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def manage(self, *args: str, cwd: Path = ROOT, settings: str = SETTINGS) -> subprocess.Popen:
        return self.python(str(ROOT / "manage.py"), *args, cwd=cwd, settings=settings)

    def report(self, script: str, *args: str) -> list:
        return json.loads(finished(self.python("-c", script, *args)).stdout)


def finished(process: subprocess.Popen, timeout: int = 300) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=timeout)
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert result.returncode == 0, f"{' '.join(map(str, process.args))}:\n{stdout}\n{stderr}"
    return result


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Installation:
    """A module generated by ``startmodule`` into the package ``pkg_x``, and the guide's worked
    example as ``modules.giftcards`` (its files are those a reader has in modules/giftcards/ and
    tests/modules/giftcards/, so its copy lies in a directory added to the path of the
    ``modules`` package), installed together."""
    root = tmp_path_factory.mktemp("installation")
    # Not tests/modules/: the test packages' names must not clash with the apps' (``modules.…``).
    tests = root / "tests_x"
    (root / "pkg_x").mkdir()
    (root / "pkg_x" / "__init__.py").write_text("", encoding="utf-8")
    call_command(
        "module", "startmodule", SCAFFOLD, "--directory", str(root / "pkg_x"),
        "--tests-directory", str(tests), stdout=StringIO(),
    )  # fmt: skip
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    example = root / "more_modules" / "giftcards"
    shutil.copytree(EXAMPLE / "modules" / "giftcards", example, ignore=ignore)
    shutil.copytree(EXAMPLE / "tests" / "modules" / "giftcards", tests / "giftcards", ignore=ignore)

    (root / f"{SETTINGS}.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        "import modules\n\n"
        f"modules.__path__.append({str(example.parent)!r})\n"
        f"INSTALLED_APPS = [*INSTALLED_APPS, 'pkg_x.{SCAFFOLD}', 'modules.giftcards']\n",
        encoding="utf-8",
    )
    # makemessages writes where it finds a locale/ directory, else into LOCALE_PATHS: none here.
    (root / f"{MAKEMESSAGES_SETTINGS}.py").write_text(
        f"from {SETTINGS} import *  # noqa: F403\nLOCALE_PATHS = []\n", encoding="utf-8"
    )
    (tests / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    return Installation(
        root,
        {
            SCAFFOLD: Module(SCAFFOLD, root / "pkg_x" / SCAFFOLD, tests / SCAFFOLD),
            "giftcards": Module("giftcards", example, tests / "giftcards"),
        },
    )


def walked_by(codes: list[str]) -> str:
    """A ``-k`` expression: the modules' own tests and the contract tests' cases for them, the
    isolation tests that are not per module, and the isolation walk of tenancy's routes (its
    dashboard shows every module's widgets, these modules' too). The walks of the project's
    other modules, which their own CI runs, are left out."""
    per_module = ("another_vendors_data[", "everywhere[")
    whole = " and ".join(["isolation", *(f"not {name}" for name in per_module)])
    return " or ".join([*codes, "import_rules", f"({whole})", "data[tenancy]"])


def junit_cases(path: Path) -> dict[str, str]:
    """``{"<file>::<test name>": outcome}`` from pytest's JUnit XML report (xunit1); the files
    relative to the run's rootdir (the installation's root)."""
    cases = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        cases[f"{case.get('file')}::{case.get('name')}"] = outcome
    return cases


@pytest.mark.slow
def test_they_pass_ci(installation):
    schema = installation.root / "schema.yml"
    junit = installation.root / "junit.xml"
    codes = list(installation.modules)
    commands = [
        installation.manage("check"),
        installation.manage("makemigrations", "--check", "--dry-run"),
        installation.manage("spectacular", "--validate", "--fail-on-warn", "--file", str(schema)),
    ]
    tests = installation.python(
        "-m", "pytest", "-p", "no:cacheprovider", "-q", "--import-mode=importlib",
        f"--rootdir={installation.root}", "-c", str(ROOT / "pyproject.toml"),
        f"--ds={SETTINGS}", f"--junitxml={junit}", "-o", "junit_family=xunit1",
        "-k", walked_by(codes),
        *(str(module.tests) for module in installation.modules.values()), *CONTRACT_TESTS,
    )  # fmt: skip
    try:
        for process in [*commands, tests]:
            finished(process)
    finally:
        for process in [*commands, tests]:
            if process.poll() is None:  # one failed: do not leave the others running
                process.kill()
                process.communicate()

    cases = junit_cases(junit)
    assert set(cases.values()) == {"passed"}, [name for name, o in cases.items() if o != "passed"]
    assert any("/tests/isolation/" in name for name in cases)
    assert any("another_vendors_data[tenancy]" in name for name in cases)
    assert any("/test_import_rules.py::" in name for name in cases)
    for code, module in installation.modules.items():
        assert f"/api/v1/vendor/{{vendor_code}}/{code}/" in schema.read_text()
        prefix = module.tests.relative_to(installation.root).as_posix()
        own = [name for name in cases if name.startswith(f"{prefix}/")]
        assert len(own) >= 10, (code, sorted(cases))
        for contract in ("/test_module_contracts.py::", "/test_tenant_guard_contract.py::"):
            walked = [name for name in cases if contract in name and f"[{code}" in name]
            assert walked, f"{contract} did not walk {code}'s routes"
        for walk in ("another_vendors_data", "everywhere"):
            assert any(f"{walk}[{code}]" in name for name in cases), f"{walk} skipped {code}"


@pytest.mark.slow
@pytest.mark.parametrize("code", [SCAFFOLD, "giftcards"])
def test_its_views_are_mounted_behind_the_guard(installation, code):
    """What the isolation walk and the guard contract walk: the module's vendor, vendor-API and
    storefront views, guarded; its staff page is not (staff pages have a guard of their own)."""
    views = {name: (frontend, api) for name, frontend, api in installation.report(
        ROUTES_REPORT, code
    )}  # fmt: skip
    assert views[f"{code}:vendor-list"] == ("vendor", False)
    assert views[f"{code}:staff-index"] == (None, None)
    if code == SCAFFOLD:  # the example has no storefront page (card codes are secrets)
        assert views[f"{code}:storefront-list"] == ("storefront", False)
    api = [name for name, guard in views.items() if guard == ("vendor", True)]
    assert len(api) == 2, views  # the router's list and detail routes


@pytest.mark.slow
@pytest.mark.parametrize("code", [SCAFFOLD, "giftcards"])
def test_its_catalogs_are_complete_seen_and_up_to_date(installation, code):
    require(shutil.which("xgettext") is not None, "needs GNU gettext (xgettext) for makemessages")
    module = installation.modules[code]
    catalogs = sorted(module.app.glob("locale/*/LC_MESSAGES/django.po"))
    assert [p.parts[-3] for p in catalogs] == ["de", "fr"]
    for path in catalogs:
        catalog = polib.pofile(str(path))
        assert catalog.metadata["Language"] == path.parts[-3]
        assert not catalog.metadata_is_fuzzy
        assert not catalog.untranslated_entries(), path
        assert not catalog.fuzzy_entries()
        compile_catalog(path)

    shadowed = installation.report(CATALOG_REPORT, *map(str, catalogs))
    assert not shadowed, "\n".join(shadowed)

    copy = installation.root / "makemessages" / code
    shutil.copytree(module.app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    finished(installation.manage("makemessages", cwd=copy, settings=MAKEMESSAGES_SETTINGS))

    def keys(path: Path) -> set[tuple]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(path))}

    for path in catalogs:
        fresh = copy / path.relative_to(module.app)
        assert keys(fresh) == keys(path), {
            "not in the catalog": keys(fresh) - keys(path),
            "no longer in the code": keys(path) - keys(fresh),
        }
