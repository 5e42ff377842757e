"""The staff API at /api/v1/admin/ (URL namespace ``core``)."""

from django.urls import path

from modules.core import api

MODULE = "platforms/<slug:platform_code>/modules/<slug:module_code>/"

urlpatterns = [
    path(
        "platforms/<slug:platform_code>/modules/",
        api.ModuleListAPIView.as_view(),
        name="api-modules",
    ),
    path(MODULE, api.ModuleDetailAPIView.as_view(), name="api-module"),
    path(f"{MODULE}enable/", api.ModuleEnableAPIView.as_view(), name="api-module-enable"),
    path(f"{MODULE}disable/", api.ModuleDisableAPIView.as_view(), name="api-module-disable"),
    path(f"{MODULE}config/", api.ModuleConfigAPIView.as_view(), name="api-module-config"),
]
