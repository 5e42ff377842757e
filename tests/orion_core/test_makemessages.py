"""Orion's ``makemessages``: a catalog it creates has a complete header, and it leaves the guide's
example module alone (that module's catalogs are checked where it is installed:
tests/integration/test_scaffold.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management.utils import is_ignored_path

from orion_core.management.commands.makemessages import (
    IGNORE_PATTERNS,
    PLURAL_FORMS,
    complete_header,
)
from tests.conftest import require

ROOT = Path(settings.BASE_DIR)
NEW_CATALOG = """\
# SOME DESCRIPTIVE TITLE.
# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: PACKAGE VERSION\\n"
"Language-Team: LANGUAGE <LL@li.org>\\n"
"Language: \\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"

#: apps.py
#, fuzzy
msgid "Gift cards"
msgstr "Giftcards"
"""


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_new_catalogs_header_is_completed(tmp_path, language):
    path = tmp_path / "django.po"
    path.write_text(NEW_CATALOG, encoding="utf-8")
    assert complete_header(path, language)
    catalog = polib.pofile(str(path))
    assert catalog.metadata["Language"] == language
    assert catalog.metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert not catalog.metadata_is_fuzzy
    assert catalog[0].flags == ["fuzzy"], "an entry's fuzzy flag is the translator's to clear"


def test_a_complete_header_is_left_alone(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(NEW_CATALOG, encoding="utf-8")
    complete_header(path, "fr")
    before = path.read_text(encoding="utf-8")
    assert not complete_header(path, "fr")
    assert path.read_text(encoding="utf-8") == before


def test_the_guides_example_module_is_not_extracted():
    example = "docs/examples/giftcards/modules/giftcards"
    assert (ROOT / example).is_dir()
    assert is_ignored_path(os.path.normpath("docs/examples"), IGNORE_PATTERNS)
    assert not is_ignored_path(os.path.normpath("modules/customers"), IGNORE_PATTERNS)


def test_makemessages_creates_catalogs_the_i18n_tests_accept(tmp_path):
    require(shutil.which("xgettext") is not None, "needs GNU gettext (xgettext) for makemessages")
    app = tmp_path / "newmodule"
    (app / "locale").mkdir(parents=True)
    (app / "apps.py").write_text(
        'from django.utils.translation import gettext_lazy as _\n\nNAME = _("Gift cards")\n',
        encoding="utf-8",
    )
    (tmp_path / "no_project_locale.py").write_text(
        "from config.settings import *  # noqa: F403\nLOCALE_PATHS = []\n", encoding="utf-8"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "no_project_locale",
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "--verbosity", "0"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for language in ("fr", "de"):
        catalog = polib.pofile(str(app / "locale" / language / "LC_MESSAGES" / "django.po"))
        assert catalog.metadata["Language"] == language
        assert catalog.metadata["Plural-Forms"] == PLURAL_FORMS[language]
        assert not catalog.metadata_is_fuzzy
        assert [entry.msgid for entry in catalog] == ["Gift cards"]
