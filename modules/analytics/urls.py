"""Analytics' URLs (mounted by orion_core/urls.py; reverse them as "analytics:<name>"):

vendor_urlpatterns   /vendor/<vendor_code>/analytics/   the vendor's reports (and CSV)
admin_urlpatterns    /dashboard/analytics/              staff: the chosen platform's reports
"""

from django.urls import path

from modules.analytics.views import staff, vendor

vendor_urlpatterns = [
    path("", vendor.ReportView.as_view(), name="vendor-reports"),
]

admin_urlpatterns = [
    path("", staff.StaffReportView.as_view(), name="staff-reports"),
]
