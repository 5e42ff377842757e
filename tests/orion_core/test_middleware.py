"""PlatformMiddleware (request.platform / request.modules from the Host) and ModuleGateMiddleware
(404 for a module the platform has not enabled, internal modules for staff only).

This module is its own URLconf (``pytestmark``): the project's URLs plus stand-in views
mounted the way orion_core.urls mounts a module, under the module code as namespace, so the
tests do not depend on which pages the real modules have today."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.urls import include, path
from prometheus_client import REGISTRY

from config.urls import urlpatterns as project_urlpatterns
from orion_core import middleware, state
from orion_core.models import PlatformDomain
from orion_core.testing import override_module


def whoami(request: HttpRequest) -> JsonResponse:
    platform = getattr(request, "platform", "unset")
    return JsonResponse(
        {
            "platform": platform.code if platform not in (None, "unset") else platform,
            "modules": sorted(getattr(request, "modules", ()))
            if hasattr(request, "modules")
            else None,
        }
    )


def module_page(request: HttpRequest, **kwargs: str) -> JsonResponse:
    return JsonResponse({"ok": True})


def mounted(code: str) -> object:
    """A module's pages as orion_core.urls mounts them: namespace = module code."""
    frontend = [path("", module_page, name="index")]
    vendor = [path("", module_page, name="vendor-index")]
    return path(
        "",
        include(
            (
                [
                    path(f"dashboard/{code}/", include(frontend)),
                    path(f"vendor/<slug:vendor_code>/{code}/", include(vendor)),
                ],
                code,
            ),
            namespace=code,
        ),
    )


urlpatterns = [
    path("whoami/", whoami),
    path("health/whoami/", whoami),
    mounted("billing"),
    mounted("customers"),
    mounted("dev_tools"),
    path("notamodule/", include(([path("", module_page, name="index")], "notamodule"))),
    *project_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)

HOST = "acme.test"


def requests_total(module: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "orion_module_requests_total", {"module": module, "outcome": outcome}
        )
        or 0.0
    )


# --- PlatformMiddleware ---------------------------------------------------------------------


@pytest.mark.django_db
def test_platform_and_modules_come_from_the_host(client, platform, other_platform):
    with override_module(platform, "billing"):
        acme = client.get("/whoami/", HTTP_HOST=HOST).json()
        globex = client.get("/whoami/", HTTP_HOST="globex.test:8000").json()

    assert acme["platform"] == "acme"
    assert {"core", "billing", "payments"} <= set(acme["modules"])
    assert globex["platform"] == "globex"
    assert "billing" not in globex["modules"]


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["ACME.TEST", "acme.test.", "acme.test:443"])
def test_host_spellings_resolve_the_same_platform(client, platform, host):
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert client.get("/whoami/", HTTP_HOST=host).json()["platform"] == "acme"


@pytest.mark.django_db
def test_ipv6_literal_host_resolves(client, platform):
    PlatformDomain.objects.create(platform=platform, domain="[::1]")
    state.invalidate()
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert client.get("/whoami/", HTTP_HOST="[::1]").json()["platform"] == "acme"
        assert client.get("/whoami/", HTTP_HOST="[::1]:8000").json()["platform"] == "acme"


@pytest.mark.django_db
def test_unknown_host_without_default_has_no_platform(client, platform):
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        body = client.get("/whoami/", HTTP_HOST="nowhere.test").json()
    assert body == {"platform": None, "modules": []}


@pytest.mark.django_db
def test_unknown_host_uses_the_default_platform(client, platform):
    with override_settings(ORION_DEFAULT_PLATFORM="acme"):
        assert client.get("/whoami/", HTTP_HOST="nowhere.test").json()["platform"] == "acme"


@pytest.mark.django_db
@pytest.mark.parametrize("path_", ["/health/whoami/"])
def test_exempt_paths_do_not_resolve_the_platform(
    client, platform, path_, monkeypatch, django_assert_num_queries
):
    def must_not_run(host: str) -> None:
        raise AssertionError("exempt paths must not resolve a platform")

    monkeypatch.setattr(middleware, "state_for_host", must_not_run)
    with django_assert_num_queries(0):
        body = client.get(path_, HTTP_HOST=HOST).json()
    assert body == {"platform": None, "modules": []}


@pytest.mark.django_db
@pytest.mark.parametrize("path_", ["/health/", "/metrics"])
def test_probes_answer_without_resolution_on_any_host(client, monkeypatch, path_):
    def must_not_run(host: str) -> None:
        raise AssertionError("exempt paths must not resolve a platform")

    monkeypatch.setattr(middleware, "state_for_host", must_not_run)
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert client.get(path_, HTTP_HOST="unknown.example").status_code == 200


@pytest.mark.django_db
def test_platform_is_tagged_for_sentry(client, platform, monkeypatch):
    tags = []
    monkeypatch.setattr(middleware, "tag_request", lambda p, m: tags.append((p, m)))
    with override_module(platform, "billing"):
        client.get("/dashboard/billing/", HTTP_HOST=HOST)
    assert ("acme", None) in tags
    assert (None, "billing") in tags


# --- ModuleGateMiddleware -------------------------------------------------------------------


@pytest.mark.django_db
def test_disabled_module_404s_and_enabled_module_serves(client, platform):
    before_gated = requests_total("billing", "gated")
    before_served = requests_total("billing", "served")

    assert client.get("/dashboard/billing/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/vendor/shop-1/billing/", HTTP_HOST=HOST).status_code == 404
    assert requests_total("billing", "gated") == before_gated + 2

    with override_module(platform, "billing"):
        assert client.get("/dashboard/billing/", HTTP_HOST=HOST).status_code == 200
        assert client.get("/vendor/shop-1/billing/", HTTP_HOST=HOST).status_code == 200
    assert requests_total("billing", "served") == before_served + 2

    # Disabled again: gone again (the gate reads the fresh state, not a stale cache entry).
    assert client.get("/dashboard/billing/", HTTP_HOST=HOST).status_code == 404


@pytest.mark.django_db
def test_module_enabled_elsewhere_is_still_gated_here(client, platform, other_platform):
    with override_module(other_platform, "billing"):
        assert client.get("/dashboard/billing/", HTTP_HOST="globex.test").status_code == 200
        assert client.get("/dashboard/billing/", HTTP_HOST=HOST).status_code == 404


@pytest.mark.django_db
def test_unknown_host_gates_every_optional_module(client, platform):
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert client.get("/dashboard/billing/", HTTP_HOST="nowhere.test").status_code == 404


@pytest.mark.django_db
def test_unknown_host_still_serves_core_modules(client, platform):
    """Staff must reach the dashboard from a host that is no platform's (e.g. an admin host);
    core views decide for themselves what a missing platform means."""
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        assert client.get("/dashboard/customers/", HTTP_HOST="nowhere.test").status_code == 200


@pytest.mark.django_db
def test_core_module_is_always_served(client, platform):
    assert client.get("/dashboard/customers/", HTTP_HOST=HOST).status_code == 200


@pytest.mark.django_db
def test_namespace_that_is_not_a_module_is_not_gated(client, platform):
    assert client.get("/notamodule/", HTTP_HOST=HOST).status_code == 200


@pytest.mark.django_db
def test_internal_module_is_for_staff_only(client, platform, user, staff_user):
    before_gated = requests_total("dev_tools", "gated")
    before_served = requests_total("dev_tools", "served")

    # Not enabled: nobody sees it, staff included.
    client.force_login(staff_user)
    assert client.get("/dashboard/dev_tools/", HTTP_HOST=HOST).status_code == 404

    with override_module(platform, "dev_tools"):
        assert client.get("/dashboard/dev_tools/", HTTP_HOST=HOST).status_code == 200
        client.force_login(user)
        assert client.get("/dashboard/dev_tools/", HTTP_HOST=HOST).status_code == 404
        client.logout()
        assert client.get("/dashboard/dev_tools/", HTTP_HOST=HOST).status_code == 404

    assert requests_total("dev_tools", "gated") == before_gated + 3
    assert requests_total("dev_tools", "served") == before_served + 1


@pytest.mark.django_db
def test_non_module_pages_are_not_counted(client, platform):
    before = sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "orion_module_requests"
        for sample in metric.samples
        if sample.name == "orion_module_requests_total"
    )
    client.get("/whoami/", HTTP_HOST=HOST)
    after = sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "orion_module_requests"
        for sample in metric.samples
        if sample.name == "orion_module_requests_total"
    )
    assert after == before
