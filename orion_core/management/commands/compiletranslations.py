"""``manage.py compiletranslations``: compile the project's ``.po`` catalogs to ``.mo``.

``make run`` and ``make test`` run it before anything renders a page. Unlike Django's
``compilemessages`` it works without GNU gettext (falling back to polib), and it only looks at
the project's own catalogs, never at the virtualenv's.
"""

from __future__ import annotations

import subprocess
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orion_core.catalogs import compile_catalog, find_msgfmt, project_catalogs


class Command(BaseCommand):
    help = "Compile the project's translation catalogs (.po) into .mo files."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Recompile catalogs whose .mo is up to date."
        )
        parser.add_argument(
            "--python",
            action="store_true",
            help="Compile with polib even when GNU gettext's msgfmt is installed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        msgfmt = None if options["python"] else find_msgfmt()
        compiled = 0
        for po in project_catalogs():
            mo = po.with_suffix(".mo")
            if not options["force"] and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            try:
                compile_catalog(po, mo, msgfmt=msgfmt)
            except subprocess.CalledProcessError as exc:
                raise CommandError(f"{po}: msgfmt failed:\n{exc.stderr}") from exc
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po}: {exc}") from exc
            compiled += 1
        if options["verbosity"]:
            tool = "msgfmt" if msgfmt else "polib"
            self.stdout.write(f"Compiled {compiled} translation catalog(s) with {tool}.")
