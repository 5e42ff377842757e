"""frontend_for_path and request.frontend set by PlatformMiddleware (no extra queries)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from orion_core.frontends import frontend_for_path
from orion_core.middleware import PlatformMiddleware
from orion_core.models import PlatformMenuConfig
from orion_core.modules.definition import FrontendType


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dashboard/", FrontendType.ADMIN),
        ("/dashboard", FrontendType.ADMIN),
        ("/dashboard/billing/invoices/", FrontendType.ADMIN),
        ("/vendor/acme-shop/", FrontendType.VENDOR),
        ("/vendor/acme-shop/orders/12/", FrontendType.VENDOR),
        ("/shop/acme-shop/", FrontendType.STOREFRONT),
        ("/shop/acme-shop/catalog/", FrontendType.STOREFRONT),
        ("/", FrontendType.PLATFORM),
        ("/pricing/", FrontendType.PLATFORM),
        ("/cms/about/", FrontendType.PLATFORM),
        ("/dashboards/", FrontendType.PLATFORM),  # a prefix of a word is not the dashboard
        ("/vendor/", FrontendType.PLATFORM),  # no vendor code: not the vendor portal
        ("/vendor", FrontendType.PLATFORM),
        ("/shop/", FrontendType.PLATFORM),
        ("/shopping/", FrontendType.PLATFORM),
        ("/api/", None),
        ("/api/v1/orders/", None),
        ("/api", None),
        ("/admin/", None),
        ("/admin/orion_core/platform/", None),
    ],
)
def test_frontend_for_path(path, expected):
    assert frontend_for_path(path) is expected


def _through_middleware(path: str, host: str = "acme.test"):
    seen = {}

    def get_response(request):
        seen["request"] = request
        return HttpResponse()

    PlatformMiddleware(get_response)(RequestFactory().get(path, HTTP_HOST=host))
    return seen["request"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dashboard/menus/", FrontendType.ADMIN),
        ("/vendor/v1/", FrontendType.VENDOR),
        ("/shop/v1/", FrontendType.STOREFRONT),
        ("/", FrontendType.PLATFORM),
        ("/api/v1/core/", None),
        ("/health/", None),  # exempt from tenant resolution: no frontend either
    ],
)
def test_middleware_sets_request_frontend(platform, path, expected):
    assert _through_middleware(path).frontend is expected


def test_middleware_frontend_costs_no_query(platform, django_assert_num_queries):
    _through_middleware("/dashboard/")  # warm the platform state
    with django_assert_num_queries(0):
        request = _through_middleware("/vendor/v1/orders/")
    assert request.frontend is FrontendType.VENDOR
    assert request.platform.code == "acme"


def test_model_frontend_choices_match_frontend_type():
    assert {value for value, _label in PlatformMenuConfig.FRONTEND_CHOICES} == {
        f.value for f in FrontendType
    }
