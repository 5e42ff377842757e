"""The project's translation catalogs: where they are, and compiling them without GNU gettext.

Catalogs live in ``LOCALE_PATHS`` (the project-wide one: ``templates/``, ``orion_core``,
``config``) and in each module's own ``locale/`` (ARCHITECTURE.md §3), so a module carries its
translations with it. The compiled ``.mo`` files are build output (git-ignored): ``make run`` and
``make test`` compile them with ``manage.py compiletranslations``.

Django's ``compilemessages`` needs ``msgfmt`` (GNU gettext), which a fresh laptop may lack; then
``polib`` writes the same ``.mo`` format in pure Python.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings


def project_catalogs() -> list[Path]:
    """Every ``.po`` file this project owns.

    Third-party apps ship their own ``.mo``; they are installed under ``sys.prefix``, which for
    ``make``'s ``.venv`` lies inside the project directory, so that is ruled out explicitly.
    """
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()
    locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(installed):
            locale_dirs.append(path / "locale")
    found: set[Path] = set()
    for locale_dir in locale_dirs:
        found.update(p.resolve() for p in locale_dir.glob("*/LC_MESSAGES/*.po"))
    return sorted(found)


def find_msgfmt() -> str | None:
    """The path of GNU gettext's ``msgfmt``, or None when it is not installed."""
    return shutil.which("msgfmt")


def compile_catalog(po: Path, mo: Path | None = None, *, msgfmt: str | None = None) -> Path:
    """Compile ``po`` into ``mo`` (next to it by default) and return the ``.mo`` path.

    With ``msgfmt`` the catalog is also checked (placeholders must match their msgid, as
    ``compilemessages`` checks); without it ``polib`` compiles it. Either raises on a broken
    catalog: ``subprocess.CalledProcessError`` or ``OSError``/``ValueError`` from polib.
    """
    mo = mo or po.with_suffix(".mo")
    if msgfmt:
        # A fixed executable and our own file paths: no shell, nothing untrusted.
        subprocess.run(  # noqa: S603
            [msgfmt, "--check-format", "-o", str(mo), str(po)],
            check=True,
            capture_output=True,
            text=True,
        )
    else:
        import polib  # only needed where gettext is missing

        polib.pofile(str(po)).save_as_mofile(str(mo))
    return mo
