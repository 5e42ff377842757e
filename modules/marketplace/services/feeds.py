"""Reading a feed file as a stream of rows, whatever its size.

A feed is CSV (UTF-8, with or without a byte-order mark, a header row naming the columns) or
JSON (a top-level array of objects, parsed incrementally by ijson). Neither is ever read whole:
memory stays flat in the file's size. ``inspect`` walks the file once to count its rows and to
refuse a broken one (wrong encoding, missing columns, not CSV or JSON) before anything is
staged; ``rows`` then yields each row as a dict of column → value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson
from django.utils.translation import gettext as _

REQUIRED_COLUMNS = ("sku", "title", "price")
# Letzshop-style feeds name some columns differently; each alias reads as the column it names.
ALIASES = {
    "id": "sku",
    "name": "title",
    "stock": "quantity",
    "qty": "quantity",
    "images": "image_urls",
    "image_url": "image_urls",
    "image_link": "image_urls",
}

Opener = Callable[[], IO[bytes]]


class FeedError(Exception):
    """The file cannot be imported at all; the message says why, in words a vendor reads."""


def column(name: Any) -> str:
    """The column a header names: trimmed, lower case, aliases resolved."""
    key = str(name).strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def inspect(open_file: Opener, fmt: str) -> int:
    """The number of data rows of the file, or ``FeedError`` if it cannot be imported."""
    count = 0
    for _row in rows(open_file, fmt):
        count += 1
    return count


def rows(open_file: Opener, fmt: str) -> Iterator[dict[str, Any]]:
    """Each data row of the file, in order, keys as ``column`` names them."""
    with open_file() as raw:
        if not raw.read(1):
            raise FeedError(_("The file is empty."))
        raw.seek(0)
        if fmt == "csv":
            yield from _csv_rows(raw)
        elif fmt == "json":
            yield from _json_rows(raw)
        else:
            raise FeedError(_("Only CSV and JSON files can be imported."))


def _missing(columns: set[str]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FeedError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )


def _csv_rows(raw: IO[bytes]) -> Iterator[dict[str, Any]]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    try:
        reader = csv.DictReader(text)
        header = reader.fieldnames
        if not header:
            raise FeedError(_("The file has no header row."))
        reader.fieldnames = [column(name) for name in header]
        _missing(set(reader.fieldnames))
        for row in reader:
            extra = row.pop(None, None)  # type: ignore[call-overload]
            if extra:
                row["_extra"] = extra
            yield row
    except UnicodeDecodeError as exc:
        raise FeedError(
            _("The file is not UTF-8 text (byte %(position)s). Save it as CSV UTF-8.")
            % {"position": exc.start}
        ) from exc
    except csv.Error as exc:
        raise FeedError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc
    finally:
        text.detach()  # the caller's context manager closes the file


def _json_rows(raw: IO[bytes]) -> Iterator[dict[str, Any]]:
    head = raw.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    raw.seek(0)
    if not head.startswith(b"["):
        raise FeedError(_("A JSON feed must be an array of products ([{…}, {…}])."))
    first = True
    try:
        for item in ijson.items(raw, "item", use_float=False):
            if not isinstance(item, dict):
                yield {"_invalid": item}
                continue
            row = {column(key): value for key, value in item.items()}
            if first:
                _missing(set(row))
                first = False
            yield row
    except ijson.JSONError as exc:
        if "UTF8" in str(exc):
            raise FeedError(_("The file is not UTF-8 text.")) from exc
        raise FeedError(_("The file is not valid JSON.")) from exc
    except UnicodeDecodeError as exc:
        raise FeedError(_("The file is not UTF-8 text.")) from exc
