"""What orders offers the rest of Orion (found by convention: ``<kind>_provider``).

- ``metrics_provider``: the staff dashboard's figures of a platform's orders (orders today,
  revenue this month, average order value, awaiting payment), one query.
- ``widgets_provider``: the same figures of one vendor on its portal dashboard.
- ``context_provider``: on storefront pages, ``module_context.orders``: ``cart_url``,
  ``add_to_cart_url`` (the form the catalog's product page shows, through
  ``product_template``), ``header_link`` (the cart in the shop's header), ``account_link``
  (the customer's orders, on their account page) and ``cart_count``
  (units in the cart, loaded only when a template reads it).
- ``sales_provider``: the sales contract (``orion_core.contracts.sales``): aggregated series
  of a vendor's or a platform's sales, for reports (analytics).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from modules.orders.services import carts, queries
from modules.orders.services.sales import OrdersSales
from modules.tenancy.context import current
from orion_core.modules.definition import FrontendType
from orion_core.providers import Metric, Widget


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
            "account_link": {
                "url": reverse("orders:orders", kwargs={"vendor_code": code}),
                "label": _("My orders"),
            },
            "cart_count": SimpleLazyObject(lambda: _cart_count(request)),
        }


context_provider = OrdersContext()


class OrdersMetrics:
    """Staff dashboard: the platform's orders today, revenue this month, average order."""

    def get_metrics(self, platform: Any) -> list[Metric]:
        found = queries.cached_figures(platform=platform)
        return [
            Metric("orders.today", _("Orders today"), found.orders_today, module="orders"),
            Metric(
                "orders.revenue_month",
                _("Revenue this month"),
                str(found.revenue_month),
                module="orders",
            ),
            Metric(
                "orders.average",
                _("Average order value"),
                str(found.average_order),
                module="orders",
            ),
            Metric(
                "orders.awaiting_payment",
                _("Awaiting payment"),
                found.awaiting_payment,
                module="orders",
            ),
        ]


metrics_provider = OrdersMetrics()


class OrdersWidgets:
    """The orders widget on a vendor's dashboard (the vendor of the tenant context, for members
    who may see orders)."""

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        ctx = current()
        if not ctx.vendor_id:
            return []
        found = queries.cached_figures(vendor_id=ctx.vendor_id)
        link = reverse("orders:vendor-orders", kwargs={"vendor_code": ctx.vendor_code})
        return [
            Widget(
                "orders.summary",
                _("Orders"),
                "orders/widgets/orders.html",
                {"figures": found, "link": link},
                order=150,
                module="orders",
            )
        ]


widgets_provider = OrdersWidgets()


sales_provider = OrdersSales()
