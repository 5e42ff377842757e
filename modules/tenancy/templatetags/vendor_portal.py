"""Template tags of the vendor portal layout (``templates/orion/vendor_base.html``).

``{% vendor_switcher %}`` lists the vendors of the user on this platform, each linking to the
same page of that vendor's portal when the page takes no other argument (else its dashboard).
``{% vendor_sidebar %}`` renders ``orion/includes/sidebar.html`` when a project provides it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from modules.tenancy.resolution import vendors_of
from orion_core import derived
from orion_core.providers import cards_key

register = template.Library()

SIDEBAR_TEMPLATE = "orion/includes/sidebar.html"


def _same_page(request: Any, vendor_code: str) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and set(match.kwargs) == {"vendor_code"}:
        try:
            return reverse(match.view_name, kwargs={"vendor_code": vendor_code})
        except NoReverseMatch:
            pass
    return reverse("tenancy:dashboard", kwargs={"vendor_code": vendor_code})


@register.inclusion_tag("tenancy/includes/switcher.html", takes_context=True)
def vendor_switcher(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    current = getattr(request, "vendor", None)
    user = getattr(request, "user", None)
    # The tenant guard has loaded the switcher with the vendor (same cache round trip).
    vendors = getattr(request, "vendor_switcher", None)
    if vendors is None:
        vendors = vendors_of(user, getattr(request, "platform", None)) if user else []
    return {
        "current": current,
        "choices": [
            {"vendor": v, "url": _same_page(request, v.code), "current": v == current}
            for v in vendors
        ],
    }


@register.simple_tag(takes_context=True)
def vendor_sidebar(context: template.Context) -> str:
    """The sidebar, kept whole per vendor, user, language and page (``orion_core.derived``):
    the menu is built from cached lookups only (modules, permissions, the plan's locks), so it
    is current while they are."""
    try:
        sidebar = get_template(SIDEBAR_TEMPLATE)
    except template.TemplateDoesNotExist:
        return ""
    request = context.get("request")
    vendor = getattr(request, "vendor", None)
    if request is None or vendor is None:
        return sidebar.render(context.flatten(), request)
    return derived.get_or_derive(
        cards_key(request, "portal-sidebar", vendor.pk, request.path),
        lambda: sidebar.render(context.flatten(), request),
    )
