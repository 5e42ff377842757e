"""Vendors' e-mail templates: find one, check and save one, preview one.

A template belongs to a vendor, a notification type and a language; without one the type's
platform default (``registry``) is used in that language. Saving checks the Jinja source first
(``rendering.check``: it parses, and uses only the type's documented variables) and renders it
once with the type's sample values, so a template that cannot render is refused with the reason
at its field, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from modules.messaging import registry, rendering
from modules.messaging.models import EmailTemplate
from modules.messaging.registry import NotificationType
from modules.messaging.services import common, composing

FIELDS = ("subject", "body", "html_body")


def find(vendor_id: int, kind: str, language: str) -> EmailTemplate | None:
    with scopes_disabled():
        return EmailTemplate.objects.filter(
            vendor_id=vendor_id, kind=kind, language=language
        ).first()


def editable(kind: str) -> NotificationType | None:
    """The type ``kind`` if vendors may write its template."""
    found = registry.get(kind)
    return found if found is not None and found.editable else None


def current(vendor_id: int, ntype: NotificationType, language: str) -> composing.Source:
    """What the vendor's e-mails of this type say in ``language`` now: its template or the
    default (``custom`` tells which)."""
    return composing.source_for(ntype, vendor_id, language)


def overview(vendor_id: int) -> list[dict[str, Any]]:
    """Every editable type with, per language, whether the vendor has its own template."""
    with scopes_disabled():
        own = set(EmailTemplate.objects.filter(vendor_id=vendor_id).values_list("kind", "language"))
    return [
        {
            "type": ntype,
            "languages": [
                {"code": code, "name": name, "custom": (ntype.kind, code) in own}
                for code, name in common.LANGUAGE_CHOICES
            ],
        }
        for ntype in registry.editable_types()
    ]


def sample_values(ntype: NotificationType, shop: common.Shop | None, platform_id: int | None):
    """The variables a preview is rendered with: the type's sample data."""
    return composing.variables(
        ntype,
        ntype.sample,
        shop=shop,
        platform_id=platform_id,
        url=common.absolute(platform_id, "/…"),
    )


def validate(ntype: NotificationType, data: dict[str, str]) -> None:
    """Refuse a template that does not parse, uses names the type does not document, or does
    not render with the type's sample data: a ``ValidationError`` per field."""
    allowed = ntype.all_variables()
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        source = data.get(name) or ""
        try:
            unknown = rendering.check(source, allowed, html=name == "html_body")
        except rendering.TemplateProblem as problem:
            errors.setdefault(name, []).append(_problem(problem))
            continue
        if unknown:
            errors.setdefault(name, []).append(
                _("Unknown variable: %(names)s. Use only the variables listed.")
                % {"names": ", ".join(unknown)}
            )
    if errors:
        raise ValidationError(errors)
    values = sample_values(ntype, None, None)
    for name in FIELDS:
        try:
            rendering.render(data.get(name) or "", values, html=name == "html_body")
        except rendering.TemplateProblem as problem:
            errors.setdefault(name, []).append(_problem(problem))
    if errors:
        raise ValidationError(errors)


def _problem(problem: rendering.TemplateProblem) -> str:
    if problem.lineno:
        return _("Line %(line)s: %(error)s") % {"line": problem.lineno, "error": problem.message}
    return _("This template cannot be used: %(error)s") % {"error": problem.message}


def preview(
    vendor_id: int, ntype: NotificationType, language: str, data: dict[str, str], platform_id: int
) -> composing.Composed:
    """``data`` (subject, body, html_body) rendered with the type's sample values, as the
    e-mail would read; a ``ValidationError`` per field when it cannot be. Saves nothing."""
    validate(ntype, data)
    values = sample_values(ntype, common.shop_of(vendor_id), platform_id)
    source = composing.Source(data["subject"], data["body"], data.get("html_body") or "", True)
    try:
        return composing.render_source(source, values, language)
    except rendering.TemplateProblem as problem:
        raise ValidationError({"body": [_problem(problem)]}) from None


def save(
    vendor_id: int, ntype: NotificationType, language: str, data: dict[str, str], user: Any
) -> EmailTemplate:
    """Store the vendor's template for the type and language (checked first: nothing is
    stored when it cannot be used)."""
    validate(ntype, data)
    values = {name: data.get(name) or "" for name in FIELDS}
    with scopes_disabled(), transaction.atomic():
        found, _created = EmailTemplate.objects.update_or_create(
            vendor_id=vendor_id,
            kind=ntype.kind,
            language=language,
            defaults={**values, "updated_by": user if user and user.pk else None},
        )
    return found


def reset(vendor_id: int, ntype: NotificationType, language: str) -> bool:
    """Back to the platform default: the vendor's template goes. False if it had none."""
    with scopes_disabled():
        deleted, _rows = EmailTemplate.objects.filter(
            vendor_id=vendor_id, kind=ntype.kind, language=language
        ).delete()
    return deleted > 0
