"""Small lookups every messaging service needs: is messaging on, the platform and the vendor,
a link to a page, the language to write in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django_scopes import scopes_disabled

from modules.tenancy.models import Vendor
from orion_core import state
from orion_core.models import Platform

logger = logging.getLogger(__name__)

MODULE = "messaging"


def enabled_modules(platform_id: int | None) -> frozenset[str]:
    """The modules on ``platform_id`` (shared cache, no SQL when warm); none without one."""
    if not platform_id:
        return frozenset()
    try:
        return state.state_for_platform(platform_id).enabled
    except Platform.DoesNotExist:
        return frozenset()


def is_on(platform_id: int | None) -> bool:
    return MODULE in enabled_modules(platform_id)


def platform_of(platform_id: int | None) -> Platform | None:
    if not platform_id:
        return None
    try:
        return state.state_for_platform(platform_id).platform
    except Platform.DoesNotExist:
        return None


@dataclass(frozen=True)
class Shop:
    """What messages say about a vendor: its id, code and name."""

    id: int
    code: str
    name: str
    contact_email: str = ""


def shop_of(vendor_id: int | None) -> Shop | None:
    if not vendor_id:
        return None
    with scopes_disabled():
        found = (
            Vendor.objects.filter(pk=vendor_id)
            .values_list("pk", "code", "name", "contact_email")
            .first()
        )
    return Shop(*found) if found else None


def path_for(url_name: str, **kwargs: Any) -> str:
    """The path of ``url_name`` (another module's page may be named: it is only a name), or ""
    when it does not resolve (that module changed its URLs, or is not installed)."""
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        logger.warning("messaging: no URL %s with %s", url_name, sorted(kwargs))
        return ""


def absolute(platform_id: int | None, path: str) -> str:
    """``path`` on the platform's primary domain (an e-mail needs the whole address)."""
    if not path:
        return ""
    platform = platform_of(platform_id)
    domain = None
    if platform is not None:
        with scopes_disabled():
            domain = platform.primary_domain
    if not domain:
        return path
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    return f"{scheme}://{domain}{path}"


LANGUAGE_CHOICES = tuple(settings.LANGUAGES)
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGE_CHOICES)


def language(value: str | None = None) -> str:
    """``value`` if it is one of the site's languages (``fr-be`` counts as ``fr``), else the
    active language, else the default."""
    for candidate in (value, get_language(), settings.LANGUAGE_CODE):
        if candidate:
            code = candidate.lower().split("-")[0]
            if code in LANGUAGE_CODES:
                return code
    return LANGUAGE_CODES[0]
