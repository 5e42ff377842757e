"""Pictures of a vendor's media library, for attachments, without importing the cms module.

Messaging is optional and cms is core; the rule of this issue is stricter than the import rules
(which would allow it): messaging names cms only by strings. ``apps.get_model("cms", "Media")``
is resolved at call time, and only what a media library of any kind would offer is read: the
row's id, its vendor, its file's URL and a thumbnail's, its file name and its alternative text.
The rest of messaging sees ``Picture``, plain data, and never a cms model.

This is the one place to change when a ``media`` contract exists in ``orion_core`` (a library
lists and resolves a vendor's media by id: the better design, which messaging cannot add from
here); until then, a cms without ``Media`` simply offers no pictures.

Safety: ids come from forms, so ``resolve`` only ever returns the given vendor's own media
(the query filters by vendor, outside of whatever scope is active), and attachments store the
id, never a URL a person typed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django_scopes import scopes_disabled

logger = logging.getLogger(__name__)

LIBRARY_CHOICES = 200  # the newest pictures offered in a form


@dataclass(frozen=True)
class Picture:
    id: int
    name: str
    url: str
    thumb_url: str
    alt: str


def _model() -> Any:
    try:
        return apps.get_model("cms", "Media")
    except LookupError:
        return None


def _picture(row: Any) -> Picture:
    return Picture(
        id=row.pk,
        name=str(getattr(row, "original_name", "") or row.pk),
        url=str(getattr(row, "url", "") or ""),
        thumb_url=str(getattr(row, "thumb_url", "") or getattr(row, "url", "") or ""),
        alt=str(getattr(row, "alt_text", "") or ""),
    )


def library(vendor_id: int, limit: int = LIBRARY_CHOICES) -> list[Picture]:
    """The vendor's newest pictures, to choose attachments from."""
    model = _model()
    if model is None:
        return []
    with scopes_disabled():
        rows = model.objects.filter(vendor_id=vendor_id).order_by("-pk")[:limit]
        return [_picture(row) for row in rows]


def resolve(vendor_id: int, ids: Iterable[int]) -> dict[int, Picture]:
    """The pictures of ``ids`` that are the vendor's own (others are simply not there)."""
    model = _model()
    wanted = {int(i) for i in ids}
    if model is None or not wanted:
        return {}
    with scopes_disabled():
        rows = model.objects.filter(vendor_id=vendor_id, pk__in=wanted)
        return {row.pk: _picture(row) for row in rows}
