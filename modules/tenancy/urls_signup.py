"""Vendor sign-up on the platform's public site (tenancy's platform pages, mounted at /)."""

from django.urls import path

from modules.tenancy.views.signup import VendorSignupThanksView, VendorSignupView

urlpatterns = [
    path("sell/", VendorSignupView.as_view(), name="signup"),
    path("sell/thanks/", VendorSignupThanksView.as_view(), name="signup-thanks"),
]
