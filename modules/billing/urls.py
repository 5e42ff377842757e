"""Billing's URLs, one list per frontend (mounted by orion_core/urls.py):

    platform_urlpatterns     /pricing/                        the plans, on the platform site
    vendor_urlpatterns       /vendor/<vendor_code>/billing/   the vendor's plan and billing
    admin_urlpatterns        /dashboard/billing/              staff: a platform's tiers and
                                                              subscriptions
    vendor_api_urlpatterns   /api/v1/vendor/<vendor_code>/billing/

Guarded lists run behind the tenant guard; while billing is off for a platform they all 404.
Reverse them as "billing:<name>".
"""

from django.urls import path

from modules.billing import api
from modules.billing.views import platform, staff, vendor

platform_urlpatterns = [
    path("pricing/", platform.PricingView.as_view(), name="pricing"),
]

vendor_urlpatterns = [
    path("", vendor.BillingView.as_view(), name="vendor-billing"),
    path("plan/", vendor.PlanView.as_view(), name="vendor-plan"),
    path("cancel/", vendor.CancelView.as_view(), name="vendor-cancel"),
    path("resume/", vendor.ResumeView.as_view(), name="vendor-resume"),
]

admin_urlpatterns = [
    path("", staff.BillingStaffView.as_view(), name="staff-billing"),
]

vendor_api_urlpatterns = api.urlpatterns
