"""Product descriptions: Markdown written by the vendor's team, shown as sanitised HTML.

Every page and API field that shows a description as HTML goes through
``render_description``; nothing else marks a description safe. The rendering and its allow-list
are the content module's (``modules.cms.services.rendering``), the same as for vendor pages:
scripts and styles go with their content, and so do every ``on…`` handler, ``style`` attribute
and ``javascript:`` URL.
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from modules.cms.services.rendering import plain_text, render_markdown


def render_description(text: str) -> SafeString:
    """The description as sanitised HTML."""
    return render_markdown(text or "")


def plain_description(text: str, limit: int = 160) -> str:
    """The description's text without markup, shortened (meta descriptions, the API list)."""
    return plain_text(render_description(text), limit)
