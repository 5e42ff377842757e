"""One URL list per frontend, each mounted by orion_core/urls.py (FRONTEND_MOUNTS):

    admin_urlpatterns        /dashboard/giftcards/
    vendor_urlpatterns       /vendor/<vendor_code>/giftcards/
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/giftcards/

The vendor lists (and storefront_urlpatterns, storefront_api_urlpatterns) run behind the tenant
guard. All share the namespace "giftcards": reverse them as "giftcards:<name>".
While the module is off for a platform, they all 404.
"""

from django.urls import path

from modules.giftcards import api
from modules.giftcards.views import staff, vendor

admin_urlpatterns = [
    path("", staff.OverviewView.as_view(), name="staff-index"),
]
vendor_urlpatterns = [
    path("", vendor.CardListView.as_view(), name="vendor-list"),
]
vendor_api_urlpatterns = api.urlpatterns
