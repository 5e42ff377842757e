"""Inventory's URLs, one list per frontend (mounted by orion_core/urls.py):

    vendor_urlpatterns       /vendor/<vendor_code>/inventory/
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/inventory/

Both run behind the tenant guard; while inventory is off for a platform they all 404.
Reverse them as "inventory:<name>".
"""

from django.urls import path

from modules.inventory import api
from modules.inventory.views import vendor

vendor_urlpatterns = [
    path("", vendor.StockOverviewView.as_view(), name="vendor-stock"),
    path("movements/", vendor.MovementListView.as_view(), name="vendor-movements"),
    path("receive/", vendor.ReceiveView.as_view(), name="vendor-receive"),
    path("adjust/", vendor.AdjustView.as_view(), name="vendor-adjust"),
    path("count/", vendor.CountView.as_view(), name="vendor-count"),
    path("locations/", vendor.LocationListView.as_view(), name="vendor-locations"),
    path("products/<int:pk>/threshold/", vendor.ThresholdView.as_view(), name="vendor-threshold"),
]

vendor_api_urlpatterns = [
    *api.router.urls,
    path("receive/", api.ReceiveView.as_view(), name="api-receive"),
    path("adjust/", api.AdjustView.as_view(), name="api-adjust"),
]
