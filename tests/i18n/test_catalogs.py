"""The French and German catalogs: complete, reviewed, consistent, and up to date with the code.

"Up to date" runs ``makemessages`` (the project's override, as ``make makemessages`` does) in a
copy of the source tree and compares the msgids it extracts with those the catalogs hold.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from orion_core.catalogs import project_catalogs
from tests.conftest import require
from tests.i18n.conftest import LANGUAGES

BASE = Path(settings.BASE_DIR).resolve()
# printf-style placeholders (python-format): %(name)s, %s, %d, %%…
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PLURALS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);"}


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs whose placeholders and tags must agree."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


CATALOGS = project_catalogs()


def test_every_language_has_a_catalog_beside_each_other_language():
    assert CATALOGS, "no catalogs found: LOCALE_PATHS or the modules' locale/ are missing"
    by_dir: dict[Path, set[str]] = {}
    for path in CATALOGS:
        by_dir.setdefault(path.parents[2], set()).add(path.parts[-3])
    assert BASE / "locale" in by_dir, "the project-wide catalog (locale/) is missing"
    for locale_dir, languages in by_dir.items():
        assert languages == set(LANGUAGES), f"{locale_dir}: has {sorted(languages)}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(BASE)))
def test_catalog_is_complete_and_consistent(path):
    language = path.parts[-3]
    catalog = polib.pofile(str(path))
    assert not catalog.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert catalog.metadata.get("Language") == language
    assert catalog.metadata.get("Plural-Forms") == PLURALS[language]
    nplurals = int(PLURALS[language].split(";")[0].split("=")[1])
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        where = f"{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals)):
            problems.append(f"{where}: needs {nplurals} plural forms")
        for source, text in _pairs(entry):
            if not text.strip():
                problems.append(f"{where}: untranslated")
                continue
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(text)):
                problems.append(f"{where}: placeholders differ in {text!r}")
            if Counter(TAG.findall(source)) != Counter(TAG.findall(text)):
                problems.append(f"{where}: HTML tags differ in {text!r}")
            if source.endswith("\n") != text.endswith("\n"):
                problems.append(f"{where}: trailing newline differs")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(BASE)))
def test_pages_get_the_catalogs_translations(path):
    """Compiled, found and not shadowed: Django's own apps' catalogs take precedence over a
    module's, so a msgid they also translate must be translated the same (or get a context),
    or this catalog's translation would never be seen."""
    wrong = []
    with translation.override(path.parts[-3]):
        for entry in _entries(path):
            context = entry.msgctxt
            if entry.msgid_plural:
                for count, index in ((1, 0), (5, 1)):
                    args = (entry.msgid, entry.msgid_plural, count)
                    got = (
                        translation.npgettext(context, *args)
                        if context
                        else translation.ngettext(*args)
                    )
                    if got != entry.msgstr_plural[index]:
                        wrong.append(f"{entry.msgid!r} ({count}): pages get {got!r}")
            else:
                got = (
                    translation.pgettext(context, entry.msgid)
                    if context
                    else translation.gettext(entry.msgid)
                )
                if got != entry.msgstr:
                    wrong.append(f"{entry.msgid!r}: pages get {got!r}, not {entry.msgstr!r}")
    assert not wrong, "\n".join(wrong)


def test_languages_of_one_locale_dir_hold_the_same_msgids():
    by_dir: dict[Path, dict[str, set]] = {}
    for path in CATALOGS:
        by_dir.setdefault(path.parents[2], {})[path.parts[-3]] = {_key(e) for e in _entries(path)}
    for locale_dir, keys in by_dir.items():
        first, *others = keys.values()
        for other in others:
            assert first == other, f"{locale_dir}: languages differ in {sorted(first ^ other)}"


def _source_copy(target: Path) -> Path:
    """The project's sources and catalogs, without virtualenv, caches, build output and docs."""
    shutil.copytree(
        BASE,
        target,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "__pycache__",
            "*.pyc",
            "*.mo",
            "staticfiles",
            "node_modules",
            ".pytest_cache",
            ".ruff_cache",
            ".hypothesis",
            "db.sqlite3*",
            "tests",
            "docs",  # the guide's example module is translated, and tested, on its own
        ),
    )
    return target


def test_catalogs_hold_exactly_the_strings_of_the_code(tmp_path):
    require(shutil.which("xgettext") is not None, "needs GNU gettext (xgettext) for makemessages")
    copy = _source_copy(tmp_path / "orion")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--verbosity", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = {
        p.relative_to(copy): {_key(e) for e in _entries(p)}
        for p in copy.glob("**/locale/*/LC_MESSAGES/django.po")
    }
    current = {p.relative_to(BASE): {_key(e) for e in _entries(p)} for p in CATALOGS}
    assert set(fresh) == set(current), "makemessages would create or drop a catalog"
    problems = []
    for relative, keys in sorted(current.items()):
        if missing := fresh[relative] - keys:
            problems.append(f"{relative}: not in the catalog yet: {sorted(missing)}")
        if stale := keys - fresh[relative]:
            problems.append(f"{relative}: no longer in the code: {sorted(stale)}")
    assert not problems, "run `make makemessages`, then translate:\n" + "\n".join(problems)
