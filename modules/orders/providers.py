"""What orders offers the rest of Orion (found by convention: ``<kind>_provider``).

- ``context_provider``: on storefront pages, ``module_context.orders``: ``cart_url``,
  ``add_to_cart_url`` (the form the catalog's product page shows, through
  ``product_template``), ``header_link`` (the cart in the shop's header) and ``cart_count``
  (units in the cart, loaded only when a template reads it).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from modules.orders.services import carts
from orion_core.modules.definition import FrontendType


def _cart_count(request: Any) -> int:
    cart = carts.current_cart(request)
    if cart is None:
        return 0
    return sum(cart.lines.values_list("quantity", flat=True))


class OrdersContext:
    def get_context(self, request: Any) -> dict[str, Any]:
        vendor = getattr(request, "vendor", None)
        if getattr(request, "frontend", None) != FrontendType.STOREFRONT or vendor is None:
            return {}
        code = vendor.code
        cart_url = reverse("orders:cart", kwargs={"vendor_code": code})
        return {
            "cart_url": cart_url,
            "add_to_cart_url": reverse("orders:cart-add", kwargs={"vendor_code": code}),
            "product_template": "orders/storefront/add_to_cart.html",
            "header_link": {"url": cart_url, "label": _("Cart")},
            "cart_count": SimpleLazyObject(lambda: _cart_count(request)),
        }


context_provider = OrdersContext()
