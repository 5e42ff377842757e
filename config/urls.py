"""Root URLconf: the admin, probes, metrics, the API schema, and every installed module."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from orion_core.health import LivenessView, ReadinessView
from orion_core.urls import module_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", LivenessView.as_view(), name="health-live"),
    path("health/ready/", ReadinessView.as_view(), name="health-ready"),
    path("", include("django_prometheus.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    *module_urlpatterns(),
]
