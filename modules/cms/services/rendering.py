"""Text that people write, turned into HTML that is safe to show: Markdown (vendor pages) and HTML
(staff pages) both end in the same nh3 allow-list.

What survives: headings, paragraphs, emphasis, lists, quotes, code, tables, horizontal rules,
links (``http``, ``https``, ``mailto``, ``tel`` and relative URLs only, with ``rel="noopener
noreferrer nofollow"``) and images (relative or ``http(s)`` sources; the Content Security Policy
still loads only our own and the media storage's). What goes: every other tag (scripts and
styles with their content), every ``on…`` handler, ``style`` and ``class`` attributes, and any
``javascript:``, ``data:`` or ``vbscript:`` URL.
"""

from __future__ import annotations

import html as html_lib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("blockquote", "code", "pre", "kbd", "abbr", "q", "cite"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("a", "img", "figure", "figcaption"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("div", "span", "section", "article", "aside", "header", "footer"),
        *("details", "summary"),
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer nofollow",
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    strip_comments=True,
)

# Markdown's own extensions, none that lets a writer add attributes (no attr_list).
_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list", "abbr"]


def sanitize_html(html: str) -> SafeString:
    """``html`` with everything outside the allow-list removed."""
    return mark_safe(_cleaner.clean(html or ""))  # noqa: S308 - sanitised by nh3 just now


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Raw HTML in the Markdown is sanitised like the rest."""
    html = markdown.markdown(text or "", extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_html(html)


def plain_text(markup: str, limit: int = 160) -> str:
    """The text of sanitised HTML, shortened to ``limit`` characters (for meta descriptions)."""
    text = " ".join(html_lib.unescape(nh3.clean(markup or "", tags=set())).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
