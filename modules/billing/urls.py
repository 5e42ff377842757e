"""Billing's URLs, one list per frontend (mounted by orion_core/urls.py):

    platform_urlpatterns     /pricing/                        the plans, on the platform site
    vendor_urlpatterns       /vendor/<vendor_code>/billing/   the vendor's plan and billing,
                                                              its invoices (…/invoices/)
    admin_urlpatterns        /dashboard/billing/              staff: a platform's tiers,
                                                              subscriptions and invoices
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
    path("invoices/", vendor.InvoiceListView.as_view(), name="vendor-invoices"),
    path("invoices/<int:pk>/", vendor.InvoiceDetailView.as_view(), name="vendor-invoice"),
    path("invoices/<int:pk>/pdf/", vendor.InvoicePdfView.as_view(), name="vendor-invoice-pdf"),
    path("invoices/<int:pk>/pay/", vendor.InvoicePayView.as_view(), name="vendor-invoice-pay"),
]

admin_urlpatterns = [
    path("", staff.BillingStaffView.as_view(), name="staff-billing"),
    path("invoices/", staff.InvoiceStaffListView.as_view(), name="staff-invoices"),
    path("invoices/<int:pk>/", staff.InvoiceStaffView.as_view(), name="staff-invoice"),
    path("invoices/<int:pk>/pdf/", staff.InvoicePdfStaffView.as_view(), name="staff-invoice-pdf"),
    path("invoices/<int:pk>/paid/", staff.RecordPaymentView.as_view(), name="staff-invoice-paid"),
    path("invoices/<int:pk>/void/", staff.VoidInvoiceView.as_view(), name="staff-invoice-void"),
]

vendor_api_urlpatterns = api.urlpatterns
