"""Where uploaded feeds are kept: a private storage, never served at MEDIA_URL.

A feed holds a vendor's whole catalogue, prices included, so it must not be reachable by URL
the way the cms media library is. ``MARKETPLACE_IMPORT_ROOT`` (default ``var/private/imports``)
is a directory outside ``MEDIA_ROOT``; several web hosts share it as they share media.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ImportStorage(FileSystemStorage):
    """Files under ``MARKETPLACE_IMPORT_ROOT``, read when used (tests point it elsewhere)."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        default = settings.BASE_DIR / "var" / "private" / "imports"
        return str(getattr(settings, "MARKETPLACE_IMPORT_ROOT", default))

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # never served


def import_storage() -> ImportStorage:
    """The storage of uploaded feeds (a callable, so migrations do not name a path)."""
    return ImportStorage()
