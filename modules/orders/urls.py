"""Orders' URLs, one list per frontend (mounted by orion_core/urls.py):

    storefront_urlpatterns   /shop/<vendor_code>/orders/   cart, checkout, a customer's orders
    vendor_urlpatterns       /vendor/<vendor_code>/orders/ the vendor's orders and settings
    admin_urlpatterns        /dashboard/orders/            staff: a platform's orders
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/orders/
    storefront_api_urlpatterns /api/v1/shop/<vendor_code>/orders/  the shopper's cart, checkout

Guarded lists run behind the tenant guard; while orders is off for a platform they all 404.
Reverse them as "orders:<name>".
"""

from django.urls import path

from modules.orders import api
from modules.orders.views import staff, storefront, vendor

storefront_urlpatterns = [
    path("cart/", storefront.CartView.as_view(), name="cart"),
    path("cart/add/", storefront.AddToCartView.as_view(), name="cart-add"),
    path("cart/lines/<int:pk>/", storefront.CartLineView.as_view(), name="cart-line"),
    path("cart/lines/<int:pk>/remove/", storefront.CartRemoveView.as_view(), name="cart-remove"),
    path("checkout/", storefront.CheckoutView.as_view(), name="checkout"),
    path("placed/<str:number>/", storefront.ConfirmationView.as_view(), name="confirmation"),
    path("my-orders/", storefront.OrderHistoryView.as_view(), name="orders"),
    path("my-orders/<str:number>/", storefront.OrderDetailView.as_view(), name="order"),
]

vendor_urlpatterns = [
    path("", vendor.OrderListView.as_view(), name="vendor-orders"),
    path("export.csv", vendor.OrderExportView.as_view(), name="vendor-export"),
    path("settings/", vendor.SettingsView.as_view(), name="vendor-settings"),
    path("<int:pk>/", vendor.OrderDetailView.as_view(), name="vendor-order"),
]

admin_urlpatterns = [
    path("", staff.OrderListView.as_view(), name="staff-orders"),
]

vendor_api_urlpatterns = api.urlpatterns
storefront_api_urlpatterns = api.shop_urlpatterns
