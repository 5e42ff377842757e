"""``manage.py makemessages`` with the project's defaults: one bare command updates every catalog.

Without ``-l``/``-a``/``-x`` it updates every language of ``settings.LANGUAGES`` except the source
language. It always skips tests, benchmarks, build output and the guide's example module, drops
strings no longer in the code (``--no-obsolete``) and records source files without line numbers
(``--add-location=file``), so an edit that only moves a string does not touch the catalogs. Each
module's strings go to its own ``locale/``; the rest (``templates/``, ``orion_core``, ``config``)
to the project-wide one.

A catalog that gettext creates has a header to fill in by hand (an empty ``Language``, a
placeholder ``Plural-Forms``, the whole header marked fuzzy). Orion fills it in: the language,
its plural rule from ``PLURAL_FORMS``, and no fuzzy flag; a catalog whose header is complete is
left as it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages

IGNORE_PATTERNS = [
    "tests",
    "bench",
    "staticfiles",
    "node_modules",
    "module_template",
    "docs/examples",
]
# The plural rule of each language the project translates into (as Django's own catalogs have it).
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "de": "nplurals=2; plural=(n != 1);",
}


class Command(makemessages.Command):
    help = (
        "Update the translation catalogs of every language but the source one (Orion defaults: "
        "skips tests/bench/build output, no obsolete entries, file-only locations, headers "
        "filled in)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORE_PATTERNS]
        options["no_obsolete"] = True
        options["add_location"] = options["add_location"] or "file"
        if not (options["locale"] or options["exclude"] or options["all"]):
            options["locale"] = [
                code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
            ]
        super().handle(*args, **options)

    def write_po_file(self, potfile: str, locale: str) -> None:
        super().write_po_file(potfile, locale)
        complete_header(Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po", locale)


_FIELD = '^"{name}: (.*)\\\\n"$'


def _value(header: str, name: str) -> str | None:
    found = re.search(_FIELD.format(name=name), header, flags=re.MULTILINE)
    return found[1].strip() if found else None


def _set(header: str, name: str, value: str) -> str:
    line = f'"{name}: {value}\\n"'
    pattern = re.compile(_FIELD.format(name=name), flags=re.MULTILINE)
    if pattern.search(header):
        return pattern.sub(lambda _match: line, header)
    return f"{header}\n{line}"


def complete_header(path: Path, language: str) -> bool:
    """Fill in the ``Language`` and ``Plural-Forms`` of a new catalog's header and drop its fuzzy
    flag; True if the file changed. A header that has both is left alone."""
    text = path.read_text(encoding="utf-8")
    header, blank, entries = text.partition("\n\n")
    plural = _value(header, "Plural-Forms")
    if _value(header, "Language") and plural and "INTEGER" not in plural:
        return False
    header = _set(header, "Language", language)
    if language in PLURAL_FORMS:
        header = _set(header, "Plural-Forms", PLURAL_FORMS[language])
    header = re.sub(r"^#, fuzzy\n", "", header, count=1, flags=re.MULTILINE)
    path.write_text(header + blank + entries, encoding="utf-8")
    return True
