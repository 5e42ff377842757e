"""What a login that django-axes locked out answers: HTTP 429 with a page in the right layout.

``AXES_LOCKOUT_CALLABLE`` points here. ``AxesMiddleware`` calls it whenever a login attempt
tripped the lockout: the platform login (``tenancy:login``), the Django admin login, and the
storefront login of customers (``modules.customers.throttle``). A login view that already
rendered a lockout page of its own (status 429, e.g. the storefront's, in the shop's layout)
keeps it; every other gets a page here, in the admin's layout on the admin site and the
platform's otherwise.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

LOCKED_OUT = 429


def cooloff_minutes(request: HttpRequest) -> int:
    """How long a lockout lasts, in whole minutes (at least 1), for the message."""
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def _is_admin(request: HttpRequest) -> bool:
    try:
        return request.path.startswith(reverse("admin:index"))
    except NoReverseMatch:
        return False


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The 429 answer to a locked-out login (signature of ``AXES_LOCKOUT_CALLABLE``)."""
    if original_response is not None and original_response.status_code == LOCKED_OUT:
        return original_response
    context: dict[str, Any] = {"minutes": cooloff_minutes(request)}
    if _is_admin(request):
        context.update(admin.site.each_context(request))
        return render(request, "tenancy/admin_locked_out.html", context, status=LOCKED_OUT)
    return render(request, "tenancy/locked_out.html", context, status=LOCKED_OUT)
