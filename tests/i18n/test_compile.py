"""Compiling catalogs: with msgfmt or, where GNU gettext is missing, in pure Python; and the
Makefile compiling them before `make run` and `make test` need them."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess

import polib
import pytest
from django.core.management import call_command

from orion_core.catalogs import compile_catalog, project_catalogs


def _expected(po_path) -> dict[str, str]:
    """What a reader of the compiled catalog must get for each msgid (context and plural
    forms keyed the way Python's gettext keys them)."""
    expected = {}
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or not entry.msgid:
            continue
        prefix = f"{entry.msgctxt}\x04" if entry.msgctxt else ""
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(prefix + entry.msgid, int(index))] = text
        else:
            expected[prefix + entry.msgid] = entry.msgstr
    return expected


def _read(mo_path) -> dict:
    with mo_path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {k: v for k, v in translations._catalog.items() if k != ""}


@pytest.mark.parametrize("language", ["fr", "de"])
def test_pure_python_compile_gives_every_translation(tmp_path, language):
    for po in project_catalogs():
        if po.parts[-3] != language:
            continue
        mo = compile_catalog(po, tmp_path / f"{po.parent.parent.parent.parent.name}.mo")
        assert _read(mo) == _expected(po), po


def test_msgfmt_and_polib_compile_the_same_catalog(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext is not installed: only the pure-Python compiler can run")
    for po in project_catalogs():
        by_polib = compile_catalog(po, tmp_path / "polib.mo")
        by_msgfmt = compile_catalog(po, tmp_path / "msgfmt.mo", msgfmt=msgfmt)
        assert _read(by_msgfmt) == _read(by_polib), po


def test_command_compiles_stale_catalogs_only_and_without_gettext(tmp_path, settings, monkeypatch):
    po_source = next(p for p in project_catalogs() if p.parts[-3] == "fr")
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(po_source, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without GNU gettext

    def compile_() -> str:
        out = io.StringIO()
        call_command("compiletranslations", stdout=out)
        return out.getvalue().strip()

    assert compile_() == "Compiled 1 translation catalog(s) with polib."
    assert _read(target / "django.mo") == _expected(target / "django.po")
    assert compile_() == "Compiled 0 translation catalog(s) with polib."


@pytest.mark.parametrize(("target", "then"), [("test", "pytest"), ("run", "migrate")])
def test_make_compiles_the_catalogs_first(target, then):
    """`make -n -B` lists what `make TARGET` would run on a fresh machine, in order."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(
        ["make", "-n", "-B", target], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    compiles = [i for i, line in enumerate(dry_run) if "manage.py compiletranslations" in line]
    runs = [i for i, line in enumerate(dry_run) if then in line]
    assert compiles, f"`make {target}` does not compile the catalogs"
    assert runs and compiles[0] < runs[0], f"`make {target}` compiles them too late"
