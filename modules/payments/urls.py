"""Payments' URLs, one list per frontend (mounted by orion_core/urls.py):

    api_urlpatterns          /api/v1/payments/             the providers' webhooks (no vendor,
                                                           no guard: signed by the provider)

While payments is off for a platform they all 404. Reverse them as "payments:<name>".
"""

from django.urls import path

from modules.payments.views import webhooks

api_urlpatterns = [
    path("webhooks/<slug:gateway>/", webhooks.receive, name="webhook"),
]
