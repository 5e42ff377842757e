"""Messaging's URLs, one list per frontend (mounted by orion_core/urls.py):

    vendor_urlpatterns       /vendor/<vendor_code>/messaging/  notifications, preferences, log,
                                                               e-mail templates, sender,
                                                               conversations
    admin_urlpatterns        /dashboard/messaging/             the same for staff, and the
                                                               vendors' conversations with staff
    storefront_urlpatterns   /shop/<vendor_code>/messaging/    a customer's conversations
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/messaging/

Guarded lists run behind the tenant guard; while messaging is off for a platform they all 404.
Reverse them as "messaging:<name>".
"""

from django.urls import path

from modules.messaging import api
from modules.messaging.views import staff, storefront, vendor

vendor_urlpatterns = [
    path("conversations/", vendor.ConversationListView.as_view(), name="vendor-conversations"),
    path("conversations/<int:pk>/", vendor.ConversationView.as_view(), name="vendor-conversation"),
    path("notifications/", vendor.NotificationListView.as_view(), name="vendor-notifications"),
    path(
        "notifications/<int:pk>/read/",
        vendor.NotificationReadView.as_view(),
        name="vendor-notification-read",
    ),
    path("preferences/", vendor.PreferencesView.as_view(), name="vendor-preferences"),
    path("emails/", vendor.DeliveryListView.as_view(), name="vendor-deliveries"),
    path("sender/", vendor.SenderView.as_view(), name="vendor-sender"),
    path("templates/", vendor.TemplateListView.as_view(), name="vendor-templates"),
    # One argument (the language is ``?language=``): the isolation walk tries every pair of
    # ids for a route with two.
    path("templates/<str:kind>/", vendor.TemplateEditView.as_view(), name="vendor-template"),
    path(
        "emails/<int:pk>/retry/", vendor.DeliveryRetryView.as_view(), name="vendor-delivery-retry"
    ),
]

admin_urlpatterns = [
    path("conversations/", staff.ConversationListView.as_view(), name="staff-conversations"),
    path("conversations/<int:pk>/", staff.ConversationView.as_view(), name="staff-conversation"),
    path("notifications/", staff.NotificationListView.as_view(), name="staff-notifications"),
    path(
        "notifications/<int:pk>/read/",
        staff.NotificationReadView.as_view(),
        name="staff-notification-read",
    ),
    path("preferences/", staff.PreferencesView.as_view(), name="staff-preferences"),
    path("emails/", staff.DeliveryListView.as_view(), name="staff-deliveries"),
    path("emails/<int:pk>/retry/", staff.DeliveryRetryView.as_view(), name="staff-delivery-retry"),
]

storefront_urlpatterns = [
    path("", storefront.ConversationListView.as_view(), name="shop-conversations"),
    path("<int:pk>/", storefront.ConversationView.as_view(), name="shop-conversation"),
]

vendor_api_urlpatterns = api.urlpatterns
