"""``{{ cause|cause_label }}``: a stored module cause in the reader's language."""

from __future__ import annotations

from django import template

from orion_core.services.causes import cause_label as _cause_label

register = template.Library()


@register.filter
def cause_label(cause: str | None) -> str:
    """Empty for no cause, so ``|default:"—"`` still applies."""
    return _cause_label(cause) if cause else ""
