"""Orders' URLs, one list per frontend (mounted by orion_core/urls.py):

    storefront_urlpatterns   /shop/<vendor_code>/orders/   cart, checkout, a customer's orders

Guarded lists run behind the tenant guard; while orders is off for a platform they all 404.
Reverse them as "orders:<name>".
"""

from django.urls import path

from modules.orders.views import storefront

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
