"""``manage.py module startmodule``: the generated app has the standard anatomy and compiles."""

from __future__ import annotations

import ast
import json
import py_compile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orion_core.urls import FRONTEND_MOUNTS

EXPECTED = [
    "__init__.py",
    "apps.py",
    "models.py",
    "migrations/__init__.py",
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
    "templates/giftcards/staff/index.html",
    "templates/giftcards/vendor/index.html",
    "templates/giftcards/storefront/index.html",
    "locale/.gitkeep",
]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "modules").mkdir()
    return tmp_path


def start(project, code: str = "giftcards", *extra: str) -> str:
    out = StringIO()
    call_command(
        "module", "startmodule", code, "--directory", str(project / "modules"), *extra,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_creates_the_standard_anatomy(project):
    out = start(project)
    app = project / "modules" / "giftcards"
    for name in EXPECTED:
        assert (app / name).is_file(), name
    assert not list(app.rglob("*-tpl"))
    assert (project / "tests" / "modules" / "giftcards" / "test_giftcards.py").is_file()
    assert (project / "tests" / "modules" / "giftcards" / "__init__.py").is_file()
    assert "Created module 'giftcards' (modules.giftcards)" in out
    assert 'Add "modules.giftcards" to INSTALLED_APPS in config/settings.py' in out
    assert "python manage.py module check" in out


def test_every_generated_python_file_compiles(project):
    start(project)
    files = list(project.rglob("*.py"))
    assert len(files) >= 16
    for path in files:
        py_compile.compile(str(path), doraise=True)
        assert "__CODE__" not in path.read_text() and "__CLASS__" not in path.read_text()


def test_apps_defines_a_module_config_subclass(project):
    start(project)
    tree = ast.parse((project / "modules" / "giftcards" / "apps.py").read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    config = classes["GiftcardsConfig"]
    assert [base.id for base in config.bases] == ["ModuleConfig"]
    attrs = {
        target.id: node.value
        for node in config.body
        if isinstance(node, ast.Assign)
        for target in node.targets
    }
    assert ast.literal_eval(attrs["label"]) == "giftcards"
    assert ast.literal_eval(attrs["name"]) == "modules.giftcards"
    assert ast.unparse(attrs["tier"]) == "Tier.OPTIONAL"
    assert ast.unparse(attrs["config_schema"]) == "GiftcardsConfigSchema"
    methods = {node.name for node in config.body if isinstance(node, ast.FunctionDef)}
    assert {"on_enable", "on_disable", "on_purge", "health_check"} <= methods


def test_urls_define_only_lists_the_root_urlconf_mounts(project):
    start(project)
    tree = ast.parse((project / "modules" / "giftcards" / "urls.py").read_text())
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert names <= {f"{name}_urlpatterns" for name, _ in FRONTEND_MOUNTS}


def test_generated_test_uses_override_module(project):
    start(project)
    source = (project / "tests" / "modules" / "giftcards" / "test_giftcards.py").read_text()
    tree = ast.parse(source)
    assert "from orion_core.testing import override_module" in source
    assert "from modules.giftcards import services" in source
    tests = [
        n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    ]
    assert len(tests) >= 3


def test_multi_word_code(project):
    start(project, "gift_cards")
    apps = (project / "modules" / "gift_cards" / "apps.py").read_text()
    assert "class GiftCardsConfig(ModuleConfig):" in apps
    assert 'verbose_name = _("Gift Cards")' in apps
    assert (project / "modules" / "gift_cards" / "templates" / "gift_cards").is_dir()


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
    (project / "modules" / "giftcards").mkdir()
    with pytest.raises(CommandError, match="already exists; choose another code or remove it"):
        start(project)
    assert not (project / "modules" / "giftcards" / "apps.py").exists()
    assert not (project / "tests").exists()


def test_refuses_an_existing_tests_directory(project):
    (project / "tests" / "modules" / "giftcards").mkdir(parents=True)
    with pytest.raises(CommandError, match="already exists"):
        start(project)
    assert not (project / "modules" / "giftcards").exists()


def test_refuses_a_missing_directory(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        start(tmp_path / "nowhere")


def test_json_and_tests_directory(project):
    out = start(project, "giftcards", "--tests-directory", str(project / "elsewhere"), "--json")
    data = json.loads(out)
    assert data["package"] == "modules.giftcards"
    assert data["tests"] == str(project / "elsewhere" / "giftcards")
    assert str(project / "elsewhere" / "giftcards" / "test_giftcards.py") in data["files"]
