"""Whole pages for anonymous visitors, kept in the shared cache while what they show is current.

A storefront or platform page seen by a visitor without a session is the same for every such
visitor with the same host, path, query and language, and when warm it is built from the shared
cache alone (0 SQL: the platform and vendor, the shop's chrome, the product grid). Rendering it
again costs far more than the lookups it is made of, so the page itself is kept
(``orion_core.derived``), with the generation tokens those lookups were answered under, and
served only while every one of them is still current: a change that would alter any part of
the page (a product, the stock, a theme, a suspended vendor, a module switched off) bumps its
scope on commit, and the next request in every process renders the page afresh. A hit costs two
cache round trips and no template work.

Only what is provably the same for every anonymous visitor is kept. A request is considered
when it is a GET without cookies other than the CSRF and language ones (a session, a cart,
messages: each is a cookie). A response is kept when it is a 200 whose making ran no SQL,
asked at least one cached lookup, used no CSRF token, set no cookie, varies on nothing but the
language and cookies, and is not marked private, no-cache or no-store. Anything else is served
as it always was. ``ORION_PAGE_CACHE_TIMEOUT`` (seconds, 0 turns it off) bounds how long a page
lives even when nothing changes, for what depends on the clock alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

from orion_core import derived, metrics, shared_cache
from orion_core.middleware import EXEMPT_PREFIXES

# Vary headers a kept page may carry: the language is part of the key, and only cookies that
# change nothing on a kept page (see ``_considered``) reach it.
HARMLESS_VARY = frozenset({"accept-language", "cookie"})


@dataclass(frozen=True)
class KeptPage:
    """A response as kept: status, headers and body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class PageCacheMiddleware:
    """Serve a kept page while it is current; keep what qualifies (the module docstring).

    It sits after ``LocaleMiddleware`` (the page's language is part of its key) and before
    everything that resolves the platform, the vendor and the user: a hit needs none of them,
    because their lookups are among the generations the page was kept under.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _considered(request):
            # What the request looks up is still recorded: a value derived later in it
            # (``derived.get_or_derive``) is kept under those generations too.
            with shared_cache.recording():
                return self.get_response(request)
        key = _key(request)
        kept = derived.current(key)
        if isinstance(kept, KeptPage):
            metrics.page_cache.labels(outcome="hit").inc()
            return kept.response()
        with derived.building() as built:
            response = self.get_response(request)
        if built.keepable and _keepable(request, response):
            derived.keep(
                key,
                KeptPage(response.status_code, tuple(response.items()), response.content),
                built.generations,
            )
            metrics.page_cache.labels(outcome="stored").inc()
        else:
            metrics.page_cache.labels(outcome="passed").inc()
        return response


def _considered(request: HttpRequest) -> bool:
    if request.method != "GET" or derived.timeout() <= 0:
        return False
    if request.path_info.startswith(EXEMPT_PREFIXES):
        return False
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return request.COOKIES.keys() <= harmless


def _key(request: HttpRequest) -> str:
    where = f"{request.scheme}://{request.get_host().lower()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"orion:page:{getattr(request, 'LANGUAGE_CODE', '')}:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    vary = {v.lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    if not vary <= HARMLESS_VARY:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))
