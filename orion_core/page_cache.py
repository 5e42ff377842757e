"""Whole pages kept in the shared cache while what they show is current.

A storefront or platform page seen by a visitor without a session is the same for every such
visitor with the same host, path, query and language, and when warm it is built from the shared
cache alone (0 SQL: the platform and vendor, the shop's chrome, the product grid). Rendering it
again costs far more than the lookups it is made of, so the page itself is kept
(``orion_core.derived``), with the generation tokens those lookups were answered under, and
served only while every one of them is still current: a change that would alter any part of
the page (a product, the stock, a theme, a suspended vendor, a module switched off) bumps its
scope on commit, and the next request in every process renders the page afresh. A hit costs two
cache round trips and no template work.

Only what is provably the same for everyone who would be served it is kept. A request is
considered when it is a GET without an ``Authorization`` header and without cookies other than
the CSRF, language and session ones (a cart or messages are cookies of their own). Without a
session cookie the page is kept for every anonymous visitor. With one, it is kept for that
session's user alone, under all the session's data (the user and the password hash it was
opened with, whatever a page reads from it such as the staff dashboard's platform); a session
without a user or holding messages is not considered. The user of a session is read through
the shared cache (``modules.tenancy.backends``), so a page that asked for it is kept under the
user's generation too: a password change, a deactivation or a lost staff flag makes it stale.
A response is kept when it is a 200 whose making ran no SQL, asked at least one cached lookup,
changed no session, set no cookie, varies on nothing but the language and cookies, and is not
marked private, no-cache or no-store. Anything else is served as it always was.

Forms stay usable: the one thing on a page that is each visitor's own is the CSRF token of its
forms (a product page's "add to cart", a login form). A page whose token appears only as the
value of ``{% csrf_token %}``'s hidden inputs is kept with a placeholder there, and every hit
puts the visitor's own token in (``get_token``: the middleware sits inside
``CsrfViewMiddleware``, which then sets the cookie as for a rendered page). A token anywhere
else (a script's variable, a data attribute) makes the page not kept.

``ORION_PAGE_CACHE_TIMEOUT`` (seconds, 0 turns it off) bounds how long a page lives even when
nothing changes, for what depends on the clock alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import cc_delim_re

from orion_core import derived, metrics, shared_cache
from orion_core.middleware import EXEMPT_PREFIXES

# Vary headers a kept page may carry: the language is part of the key, and only cookies that
# change nothing on a kept page (see ``_key``) reach it.
HARMLESS_VARY = frozenset({"accept-language", "cookie"})


# What ``{% csrf_token %}`` renders (a masked token is 64 letters and digits), and what stands
# for the token in a kept page.
TOKEN_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
TOKEN_PLACEHOLDER = b"orion-csrf-token-placeholder"


@dataclass(frozen=True)
class KeptPage:
    """A response as kept: status, headers and body (``with_token``: the body's CSRF tokens
    are placeholders)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    with_token: bool = False

    def response(self, request: HttpRequest) -> HttpResponse:
        content = self.content
        if self.with_token:
            content = content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class PageCacheMiddleware:
    """Serve a kept page while it is current; keep what qualifies (the module docstring).

    It sits after ``LocaleMiddleware`` (the page's language is part of its key) and
    ``CsrfViewMiddleware`` (which sets the cookie of the token a hit puts in), before everything
    that resolves the platform, the vendor and the membership: a hit needs none of them,
    because their lookups (the user of a session among them) are among the generations the
    page was kept under. Only a session is read for a hit: its data is part of the key.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is None:
            # What the request looks up is still recorded: a value derived later in it
            # (``derived.get_or_derive``) is kept under those generations too.
            with shared_cache.recording():
                return self.get_response(request)
        kept = derived.current(key)
        if isinstance(kept, KeptPage):
            metrics.page_cache.labels(outcome="hit").inc()
            return kept.response(request)
        with derived.building() as built:
            response = self.get_response(request)
        page = _keepable(request, response) if built.keepable else None
        if page is not None:
            derived.keep(key, page, built.generations)
            metrics.page_cache.labels(outcome="stored").inc()
        else:
            metrics.page_cache.labels(outcome="passed").inc()
        return response


def _key(request: HttpRequest) -> str | None:
    """The key of the page ``request`` asks for, or None when it is not considered."""
    if request.method != "GET" or derived.timeout() <= 0:
        return None
    if request.path_info.startswith(EXEMPT_PREFIXES):
        return None
    if "HTTP_AUTHORIZATION" in request.META:  # an API token or basic auth: someone's own answer
        return None
    cookies = request.COOKIES.keys()
    if cookies <= {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}:
        return _page_key(request, "anonymous")
    if settings.SESSION_COOKIE_NAME in cookies and cookies <= {
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
    }:
        whose = _session_owner(request)
        return _page_key(request, whose) if whose else None
    return None


def _session_owner(request: HttpRequest) -> str | None:
    """Whose page a request with a session asks for: the session's user and a digest of all its
    data; None for a session without a user or with messages to show."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None or SessionStorage.session_key in session:
        return None
    data = json.dumps(dict(session.items()), sort_keys=True, default=str)
    return f"user:{user_id}:{hashlib.sha256(data.encode()).hexdigest()[:32]}"


def _page_key(request: HttpRequest, whose: str) -> str:
    where = f"{request.scheme}://{request.get_host().lower()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"orion:page:{whose}:{getattr(request, 'LANGUAGE_CODE', '')}:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> KeptPage | None:
    """The page to keep of ``response``, or None when it must not be kept."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if getattr(request, "session", None) is not None and request.session.modified:
        return None
    vary = {v.lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    if not vary <= HARMLESS_VARY:
        return None
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return None
    content = response.content
    with_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if with_token:
        tokens = TOKEN_INPUT.findall(content)
        if len(set(tokens)) != 1 or content.count(tokens[0]) != len(tokens):
            return None  # no token we can tell, or one shown somewhere else too
        content = content.replace(tokens[0], TOKEN_PLACEHOLDER)
    return KeptPage(response.status_code, tuple(response.items()), content, with_token)
