"""Payments' URLs, one list per frontend (mounted by orion_core/urls.py):

    vendor_urlpatterns       /vendor/<vendor_code>/payments/          the vendor portal
    api_urlpatterns          /api/v1/payments/                        the providers' webhooks
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/payments/   the vendor API

The vendor lists run behind the tenant guard. The webhooks take no vendor code and are not
a vendor or storefront page: they sit in the platform-wide API list, where no guard applies,
and trust only the provider's signature (``views/webhooks.py``). While payments is off for a
platform they all 404. Reverse them as "payments:<name>".
"""

from django.urls import path

from modules.payments import api
from modules.payments.views import vendor, webhooks

vendor_urlpatterns = [
    path("", vendor.PaymentListView.as_view(), name="vendor-payments"),
    path("<int:pk>/", vendor.PaymentDetailView.as_view(), name="vendor-payment"),
    path("<int:pk>/confirm/", vendor.ConfirmView.as_view(), name="vendor-confirm"),
    path("<int:pk>/refund/", vendor.RefundView.as_view(), name="vendor-refund"),
]

api_urlpatterns = [
    path("webhooks/<slug:gateway>/", webhooks.receive, name="webhook"),
]

vendor_api_urlpatterns = [
    *api.router.urls,
    path("payments/<int:pk>/confirm/", api.ConfirmView.as_view(), name="api-confirm"),
    path("payments/<int:pk>/refund/", api.RefundView.as_view(), name="api-refund"),
]
