"""Product descriptions: Markdown written by the vendor's team, shown as sanitised HTML.

Every page and API field that shows a description as HTML goes through
``render_description``; nothing else marks a description safe. What survives is the content
module's allow-list (headings, paragraphs, emphasis, lists, quotes, code, tables, links with
``http(s)``/``mailto``/``tel`` and relative URLs); scripts and styles go with their content,
and so do every ``on…`` handler, ``style`` attribute and ``javascript:`` URL.
"""

from __future__ import annotations

import html as html_lib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# Until the content module's renderer (modules/cms/services/rendering.py) is committed, the same
# allow-list here; then ``render_description`` becomes ``return render_markdown(text or "")``.
_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s"),
    *("del", "ins", "mark", "small", "sub", "sup", "blockquote", "code", "pre", "kbd", "abbr"),
    *("ul", "ol", "li", "dl", "dt", "dd", "a", "table", "caption", "thead", "tbody", "tfoot"),
    *("tr", "th", "td", "div", "span"),
}
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    attributes={"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"scope"}},
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def render_description(text: str) -> SafeString:
    """The description as sanitised HTML."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return mark_safe(_CLEANER.clean(html))  # noqa: S308 - sanitised by nh3 just now


def plain_description(text: str, limit: int = 160) -> str:
    """The description's text without markup, shortened (meta descriptions, the API list)."""
    words = " ".join(html_lib.unescape(nh3.clean(render_description(text), tags=set())).split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0] + "…"
