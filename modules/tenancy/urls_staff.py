"""Staff pages of tenancy on the dashboard (mounted at /dashboard/vendors/)."""

from django.urls import path

from modules.tenancy.views.staff import ApproveVendorView, SuspendVendorView, VendorListView

urlpatterns = [
    path("", VendorListView.as_view(), name="staff-vendors"),
    path("<int:pk>/approve/", ApproveVendorView.as_view(), name="staff-vendor-approve"),
    path("<int:pk>/suspend/", SuspendVendorView.as_view(), name="staff-vendor-suspend"),
]
