"""Menu configuration and the menu debugger, at /dashboard/menus/ (namespace ``core``)."""

from django.urls import path

from modules.core.views import menus

urlpatterns = [
    path("", menus.MenuConfigView.as_view(), name="menus"),
    path("debug/", menus.MenuDebugView.as_view(), name="menus_debug"),
]
