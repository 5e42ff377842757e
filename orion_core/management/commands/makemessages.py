"""``manage.py makemessages`` with the project's defaults: one bare command updates every catalog.

Without ``-l``/``-a``/``-x`` it updates every language of ``settings.LANGUAGES`` except the source
language. It always skips tests, benchmarks and build output, drops strings no longer in the code
(``--no-obsolete``) and records source files without line numbers (``--add-location=file``), so an
edit that only moves a string does not touch the catalogs. Each module's strings go to its own
``locale/``; the rest (``templates/``, ``orion_core``, ``config``) to the project-wide one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands import makemessages

IGNORE_PATTERNS = ["tests", "bench", "staticfiles", "node_modules", "module_template"]


class Command(makemessages.Command):
    help = (
        "Update the translation catalogs of every language but the source one (Orion defaults: "
        "skips tests/bench/build output, no obsolete entries, file-only locations)."
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
