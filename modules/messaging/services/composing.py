"""What a notification says, in one language: its subject, text and HTML.

The text comes from, in this order:

1. the vendor's own template for the type and the language (``EmailTemplate``), when the type
   is editable; a template that fails at send time (it was valid when saved, but the data is
   odd) is logged and skipped, so the recipient still hears;
2. the sender's own rendering, when it gave one (the notifications contract: orders renders its
   confirmation in the customer's language);
3. the platform default of the type's declaration (``registry``), translated.

Every template sees the same plain variables: the type's documented ones taken from the
sender's context, plus ``shop``, ``platform`` and ``url`` (``registry.COMMON_VARIABLES``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from modules.messaging import rendering
from modules.messaging.registry import NotificationType
from modules.messaging.services import common

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    html: str = ""


@dataclass(frozen=True)
class Source:
    """Template source of one type in one language: a vendor's, or the default."""

    subject: str
    body: str
    html: str = ""
    custom: bool = False


def variables(
    ntype: NotificationType,
    context: dict[str, Any],
    *,
    shop: common.Shop | None,
    platform_id: int | None,
    url: str = "",
) -> dict[str, Any]:
    """The template's variables: the documented ones from ``context`` (nothing else of it),
    plus the common ones. Plain values only (``rendering.plain``)."""
    platform = common.platform_of(platform_id)
    documented = {name: context[name] for name in ntype.variables if name in context}
    if not ntype.editable:  # the sender's own text, for an unregistered kind
        documented = {"subject": context.get("subject", ""), "body": context.get("body", "")}
    return rendering.plain(
        {
            **documented,
            "shop": shop.name if shop else "",
            "platform": platform.name if platform else "",
            "url": url,
        }
    )


def default_source(ntype: NotificationType, language: str) -> Source:
    with translation.override(language):
        return Source(subject=str(ntype.subject), body=str(ntype.body))


def source_for(ntype: NotificationType, vendor_id: int | None, language: str) -> Source:
    """The vendor's template for the type in ``language``, else the default."""
    if vendor_id and ntype.editable:
        from modules.messaging.services import templates

        custom = templates.find(vendor_id, ntype.kind, language)
        if custom is not None:
            return Source(custom.subject, custom.body, custom.html_body, custom=True)
    return default_source(ntype, language)


def compose(
    ntype: NotificationType,
    values: dict[str, Any],
    *,
    vendor_id: int | None,
    language: str,
    given: Composed | None = None,
) -> Composed:
    """What to send: see the module docstring for the order of the sources."""
    source = source_for(ntype, vendor_id, language)
    if source.custom:
        try:
            return render_source(source, values, language)
        except rendering.TemplateProblem as problem:
            logger.warning(
                "messaging: the template of vendor %s for %s (%s) failed: %s; default used",
                vendor_id,
                ntype.kind,
                language,
                problem.message,
            )
            source = default_source(ntype, language)
    if given is not None and (given.subject or given.body):
        return Composed(rendering.subject_line(given.subject), given.body, given.html)
    try:
        return render_source(source, values, language)
    except rendering.TemplateProblem as problem:  # a translator broke a placeholder
        logger.error("messaging: the default of %s (%s) failed: %s", ntype.kind, language, problem)
        return render_source(default_source(ntype, "en"), values, "en")


def render_source(source: Source, values: dict[str, Any], language: str) -> Composed:
    with translation.override(language):
        subject = rendering.subject_line(rendering.render(source.subject, values))
        body = rendering.render(source.body, values)
        html = rendering.render(source.html, values, html=True) if source.html.strip() else ""
    return Composed(subject, body, html)
