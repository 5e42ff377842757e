"""Customers' URLs. CustomersConfig.url_prefixes mounts them at /shop/<code>/ (storefront),
/vendor/<code>/customers/ (portal) and /api/v1/vendor/<code>/customers/ (vendor API)."""

from django.urls import path

from modules.customers import api
from modules.customers.views import storefront, vendor

storefront_urlpatterns = [
    path("", storefront.HomeView.as_view(), name="home"),
    path("account/", storefront.AccountView.as_view(), name="account"),
    path("account/signup/", storefront.SignupView.as_view(), name="signup"),
    path("account/login/", storefront.LoginView.as_view(), name="login"),
    path("account/logout/", storefront.LogoutView.as_view(), name="logout"),
    path("account/addresses/", storefront.AddressListView.as_view(), name="addresses"),
    path("account/addresses/add/", storefront.AddressFormView.as_view(), name="address-add"),
    path("account/addresses/<int:pk>/", storefront.AddressFormView.as_view(), name="address-edit"),
    path(
        "account/addresses/<int:pk>/delete/",
        storefront.AddressDeleteView.as_view(),
        name="address-delete",
    ),
    path(
        "account/addresses/<int:pk>/default/",
        storefront.AddressDefaultView.as_view(),
        name="address-default",
    ),
    path("account/password-reset/", storefront.PasswordResetView.as_view(), name="password-reset"),
    path(
        "account/password-reset/sent/",
        storefront.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        storefront.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "account/password-reset/complete/",
        storefront.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]

vendor_urlpatterns = [
    path("", vendor.CustomerListView.as_view(), name="vendor-list"),
    path("export.csv", vendor.CustomerExportView.as_view(), name="vendor-export"),
    path("<int:pk>/", vendor.CustomerDetailView.as_view(), name="vendor-detail"),
    path("segments/", vendor.SegmentListView.as_view(), name="vendor-segments"),
    path(
        "segments/<int:pk>/delete/",
        vendor.SegmentDeleteView.as_view(),
        name="vendor-segment-delete",
    ),
]

vendor_api_urlpatterns = api.urlpatterns
