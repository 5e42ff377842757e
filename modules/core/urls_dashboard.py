"""The staff dashboard at /dashboard/ (URL namespace ``core``)."""

from django.urls import path

from modules.core.views import dashboard, modules

urlpatterns = [
    path("", dashboard.DashboardHomeView.as_view(), name="dashboard"),
    path("platform/", dashboard.SwitchPlatformView.as_view(), name="switch-platform"),
    path("modules/", modules.ModuleListView.as_view(), name="modules"),
    path("modules/history/", modules.ModuleHistoryView.as_view(), name="module-history"),
    path("modules/<slug:code>/enable/", modules.ModuleEnableView.as_view(), name="module-enable"),
    path(
        "modules/<slug:code>/disable/", modules.ModuleDisableView.as_view(), name="module-disable"
    ),
    path("modules/<slug:code>/config/", modules.ModuleConfigView.as_view(), name="module-config"),
]
