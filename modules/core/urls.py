"""The core module's pages: the staff dashboard at /dashboard/ and the admin API at
/api/v1/admin/ (mounted there by ``url_prefixes`` on CoreConfig)."""

from django.urls import include, path

admin_urlpatterns = [
    path("", include("modules.core.urls_dashboard")),
    path("menus/", include("modules.core.urls_menus")),
]
api_urlpatterns = [
    path("", include("modules.core.urls_api")),
]
