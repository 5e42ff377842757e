"""The language switcher every layout carries: a GET form, so pages need no CSRF token.

Django's own ``set_language`` accepts only POST, which puts a CSRF form (a fresh random token and
a ``csrftoken`` cookie for every new visitor) on every page, anonymous storefront pages included:
the switcher alone cost a quarter of a storefront page (bench/pages.py), and a page carrying a
per-visitor token can never be cached by a proxy. Switching languages changes nothing but how
the next pages read, so a link-like GET is enough: ``switch_language`` validates the language and
the ``next`` URL exactly as ``set_language`` does, sets the same cookie and redirects.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import check_for_language, get_language_info
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@functools.cache
def language_choices() -> tuple[tuple[str, str], ...]:
    """(code, name in its own language) of every language, e.g. ("fr", "Français"): the same
    whatever the page's language, so computed once."""
    return tuple(
        (code, capfirst(get_language_info(code)["name_local"])) for code, _ in settings.LANGUAGES
    )


@never_cache
@require_GET
def switch_language(request: HttpRequest) -> HttpResponse:
    """``?language=<code>&next=<path>``: remember the language and go back to ``next``.

    An unknown language changes nothing; a ``next`` on another host (or none) goes to ``/``.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url=next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
