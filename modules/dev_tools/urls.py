from django.urls import path

from modules.dev_tools.views import staff

admin_urlpatterns = [
    path("", staff.RegistryView.as_view(), name="registry"),
    path("components/", staff.ComponentLibraryView.as_view(), name="components"),
    path("icons/", staff.IconBrowserView.as_view(), name="icons"),
]
