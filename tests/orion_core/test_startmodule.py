"""``manage.py module startmodule``: the generated app has the standard anatomy, compiles, is
ruff-clean whatever its code, and carries complete catalogs.

That it also works (check, migrations, schema, its own tests, the contract tests) is proven by
installing one: tests/integration/test_scaffold.py.
"""

from __future__ import annotations

import ast
import json
import py_compile
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from orion_core.modules.registry import get_registry
from orion_core.urls import FRONTEND_MOUNTS

CODE = "probe_cards"  # no installed module may use it
ROOT = Path(settings.BASE_DIR)
RUFF = Path(sys.executable).with_name("ruff")
EXPECTED = [
    "__init__.py",
    "apps.py",
    "models.py",
    "migrations/__init__.py",
    "migrations/0001_initial.py",
    "factories.py",
    "forms.py",
    "services.py",
    "views/__init__.py",
    "views/staff.py",
    "views/vendor.py",
    "views/storefront.py",
    "urls.py",
    "api.py",
    "providers.py",
    "tasks.py",
    "admin.py",
    f"templates/{CODE}/staff/overview.html",
    f"templates/{CODE}/vendor/item_list.html",
    f"templates/{CODE}/storefront/item_list.html",
    "locale/fr/LC_MESSAGES/django.po",
    "locale/de/LC_MESSAGES/django.po",
]
TESTS = ["__init__.py", "conftest.py", "test_pages.py", "test_api.py", "test_module.py"]


def test_the_codes_used_here_are_free():
    assert not {CODE, "gc", "subscription_boxes_x"} & set(get_registry().codes())


@pytest.fixture
def project(tmp_path):
    (tmp_path / "modules").mkdir()
    return tmp_path


def start(project, code: str = CODE, *extra: str) -> str:
    out = StringIO()
    call_command(
        "module", "startmodule", code, "--directory", str(project / "modules"), *extra,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_creates_the_standard_anatomy(project):
    out = start(project)
    app = project / "modules" / CODE
    for name in EXPECTED:
        assert (app / name).is_file(), name
    assert not list(project.rglob("*-tpl"))
    for name in TESTS:
        assert (project / "tests" / "modules" / CODE / name).is_file(), name
    assert (project / "tests" / "modules" / "__init__.py").is_file()
    assert f"Created module '{CODE}' (modules.{CODE})" in out
    assert f'Add "modules.{CODE}" to INSTALLED_APPS in config/settings.py' in out
    assert "python manage.py module check" in out
    assert "make lint && make test" in out


def test_every_generated_python_file_compiles_with_no_placeholder_left(project):
    start(project)
    files = list(project.rglob("*.py"))
    assert len(files) >= 20
    for path in [*files, *project.rglob("*.html"), *project.rglob("*.po")]:
        if path.suffix == ".py":
            py_compile.compile(str(path), doraise=True)
        text = path.read_text()
        for placeholder in ("__CODE__", "__NAME__", "__CLASS__", "__PACKAGE__"):
            assert placeholder not in text, f"{path}: {placeholder}"


@pytest.mark.parametrize("code", ["gc", "subscription_boxes_x"])
def test_the_generated_code_is_ruff_clean_for_short_and_long_codes(project, code):
    start(project, code)
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [str(RUFF), *command, "--config", str(ROOT / "pyproject.toml"), "."],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_apps_defines_a_module_config_subclass(project):
    start(project)
    tree = ast.parse((project / "modules" / CODE / "apps.py").read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    config = classes["ProbeCardsConfig"]
    assert [base.id for base in config.bases] == ["ModuleConfig"]
    attrs = {
        target.id: node.value
        for node in config.body
        if isinstance(node, ast.Assign)
        for target in node.targets
    }
    assert ast.literal_eval(attrs["label"]) == CODE
    assert ast.literal_eval(attrs["name"]) == f"modules.{CODE}"
    assert ast.unparse(attrs["tier"]) == "Tier.OPTIONAL"
    assert ast.unparse(attrs["config_schema"]) == "ProbeCardsConfigSchema"
    assert "roles=" in ast.unparse(attrs["permissions"])
    methods = {node.name for node in config.body if isinstance(node, ast.FunctionDef)}
    assert {"on_enable", "on_disable", "on_purge", "health_check"} <= methods


def test_urls_define_only_lists_the_root_urlconf_mounts(project):
    start(project)
    tree = ast.parse((project / "modules" / CODE / "urls.py").read_text())
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert names <= {f"{name}_urlpatterns" for name, _ in FRONTEND_MOUNTS}
    assert {"vendor_urlpatterns", "vendor_api_urlpatterns", "storefront_urlpatterns"} <= names


def test_views_declare_permissions_and_use_the_guards_vendor(project):
    start(project)
    views = project / "modules" / CODE / "views"
    vendor = (views / "vendor.py").read_text()
    assert f'permission = read_write("{CODE}.view", "{CODE}.edit")' in vendor
    assert "request.vendor" in vendor
    assert "login_required" not in vendor
    api = (project / "modules" / CODE / "api.py").read_text()
    assert f'permission = read_write("{CODE}.view", "{CODE}.edit")' in api
    assert "swagger_fake_view" in api
    assert "ModelSerializer" in api


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_catalogs_are_complete(project, language):
    start(project)
    catalog = polib.pofile(
        str(project / "modules" / CODE / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    assert catalog.metadata["Language"] == language
    assert "nplurals=2" in catalog.metadata["Plural-Forms"]
    assert not catalog.metadata_is_fuzzy
    assert len(catalog) > 10
    assert catalog.percent_translated() == 100
    assert not [entry.msgid for entry in catalog if "fuzzy" in entry.flags]
    assert {entry.msgctxt for entry in catalog} == {None, CODE}


def test_multi_word_code(project):
    start(project, "sample_items")
    apps = (project / "modules" / "sample_items" / "apps.py").read_text()
    assert "class SampleItemsConfig(ModuleConfig):" in apps
    assert 'verbose_name = _("Sample Items")' in apps
    assert (project / "modules" / "sample_items" / "templates" / "sample_items").is_dir()


@pytest.mark.parametrize("code", ["Gift", "gift-cards", "1gift", "class", "gift cards", ""])
def test_refuses_an_invalid_code(project, code):
    with pytest.raises(CommandError, match="is not a valid module code"):
        start(project, code)
    assert not list((project / "modules").iterdir())


def test_refuses_an_installed_module_code(project):
    with pytest.raises(
        CommandError, match="A module with the code 'billing' is already installed."
    ):
        start(project, "billing")


def test_refuses_an_existing_directory(project):
    (project / "modules" / CODE).mkdir()
    with pytest.raises(CommandError, match="already exists; choose another code or remove it"):
        start(project)
    assert not (project / "modules" / CODE / "apps.py").exists()
    assert not (project / "tests").exists()


def test_refuses_an_existing_tests_directory(project):
    (project / "tests" / "modules" / CODE).mkdir(parents=True)
    with pytest.raises(CommandError, match="already exists"):
        start(project)
    assert not (project / "modules" / CODE).exists()


def test_refuses_a_missing_directory(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        start(tmp_path / "nowhere")


def test_json_and_tests_directory(project):
    out = start(project, CODE, "--tests-directory", str(project / "elsewhere"), "--json")
    data = json.loads(out)
    assert data["package"] == f"modules.{CODE}"
    assert data["tests"] == str(project / "elsewhere" / CODE)
    assert str(project / "elsewhere" / CODE / "test_pages.py") in data["files"]
