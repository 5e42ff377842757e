"""The translation tests' helpers: compiled catalogs, and lookups in the .po sources.

``make test`` compiles the catalogs before pytest starts; ``ensure_compiled`` compiles again
(only what is stale, under a lock so parallel workers do not write the same file), so the tests
that render translated pages also run on their own with plain ``pytest``.
"""

from __future__ import annotations

import fcntl
import functools
import tempfile
from pathlib import Path

import polib
from django.core.management import call_command
from django.utils.translation import trans_real

from orion_core.catalogs import project_catalogs


def ensure_compiled() -> None:
    lock = Path(tempfile.gettempdir()) / "orion-compiletranslations.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        call_command("compiletranslations", verbosity=0)
    # Django caches each language's catalogs once loaded: load them again from the new files.
    trans_real._translations = {}
    trans_real._default = None


@functools.cache
def po_catalogs() -> dict[str, tuple[polib.POFile, ...]]:
    """Every project catalog, parsed, by language."""
    catalogs: dict[str, list[polib.POFile]] = {}
    for path in project_catalogs():
        catalogs.setdefault(path.parts[-3], []).append(polib.pofile(str(path)))
    return {language: tuple(files) for language, files in catalogs.items()}


def po_translation(language: str, msgid: str, context: str | None = None) -> str:
    """The msgstr the .po sources give a singular msgid, read without Django, so a test can
    check what a page renders against the catalog rather than against a copy of it."""
    for catalog in po_catalogs()[language]:
        for entry in catalog:
            if (entry.msgid, entry.msgctxt) == (msgid, context) and not entry.obsolete:
                return entry.msgstr
    raise LookupError(f"{msgid!r} is in no {language} catalog")
