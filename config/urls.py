"""Root URLconf: the admin, probes, metrics, the API schema, and every installed module."""

import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from orion_core.health import LivenessView, ReadinessView
from orion_core.i18n import switch_language
from orion_core.urls import module_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", LivenessView.as_view(), name="health-live"),
    path("health/ready/", ReadinessView.as_view(), name="health-ready"),
    path("", include("django_prometheus.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script): the
    # Content Security Policy allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="orion/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # The language switcher (a GET form: no CSRF token on any page); Django's POST set_language
    # stays under i18n/ for clients that use it.
    path("i18n/switch/", switch_language, name="switch-language"),
    path("i18n/", include("django.conf.urls.i18n")),
    *module_urlpatterns(),
]


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files from MEDIA_ROOT, only while ORION_SERVE_MEDIA is on (development, tests).
    Production lets the web server serve MEDIA_ROOT, or keeps media in object storage."""
    if not settings.ORION_SERVE_MEDIA:
        raise Http404("Media are not served by Django here.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.MEDIA_URL.startswith("/") and settings.STORAGES["default"]["BACKEND"].endswith(
    "FileSystemStorage"
):
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.strip('/'))}/(?P<path>.+)$", serve_media, name="media"
        )
    )

# A 404 under /api/ is JSON like every other API error ({"detail": …}), even when no route or
# the module gate answers before DRF runs.
handler404 = "orion_core.api_errors.page_not_found"
