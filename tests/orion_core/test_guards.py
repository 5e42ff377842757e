"""``orion_core.guards``: how views declare permissions, how mounting guards them, the fallback
when no module provides the tenant guard, and the system checks that keep routes guarded."""

from __future__ import annotations

import types

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import include, path
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

from orion_core.contracts import Contract, provider_for, providing_module
from orion_core.contracts.tenant_guard import TENANT_GUARD, RefuseEveryone
from orion_core.guards import (
    GuardedAPIView,
    guard_patterns,
    guard_view,
    permission,
    read_write,
    required_permission,
    tenant_guard_exempt,
)
from orion_core.modules.checks import check_view_guards
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry

# --- declarations ------------------------------------------------------------------------------


def test_a_string_permission_applies_to_every_method():
    for method in ("GET", "POST", "DELETE"):
        assert required_permission("giftcards.view", method) == "giftcards.view"
    assert required_permission(None, "POST") is None


def test_read_write_maps_safe_methods_to_read_and_the_rest_to_write():
    spec = read_write("team.view", "team.manage")
    assert [required_permission(spec, m) for m in ("GET", "HEAD", "OPTIONS")] == ["team.view"] * 3
    assert [required_permission(spec, m) for m in ("POST", "PATCH", "DELETE")] == [
        "team.manage"
    ] * 3


def test_a_method_the_mapping_does_not_name_is_refused():
    spec = {"GET": "giftcards.view", "POST": "giftcards.issue"}
    assert required_permission(spec, "head") == "giftcards.view"
    with pytest.raises(PermissionDenied):
        required_permission(spec, "DELETE")


def test_the_permission_decorator_declares_on_a_function():
    @permission("giftcards.view")
    def view(request, vendor_code):
        return HttpResponse()

    assert view.permission == "giftcards.view"


# --- mounting ----------------------------------------------------------------------------------


def plain(request, vendor_code):
    return HttpResponse("plain")


class Page(View):
    permission = "team.view"

    def get(self, request, vendor_code):
        return HttpResponse("page")


class Api(APIView):
    """Documented API."""

    permission = "team.view"

    def get(self, request, vendor_code):
        return Response({})


def test_mounting_guards_copies_and_leaves_the_modules_patterns_alone():
    inner = [path("deep/", plain, name="deep")]
    original = [path("", plain, name="home"), path("sub/", include(inner))]

    guarded = guard_patterns(original, FrontendType.VENDOR, api=False)

    assert original[0].callback is plain and inner[0].callback is plain
    assert guarded[0].callback is not plain
    assert guarded[0].callback.orion_guard.frontend is FrontendType.VENDOR
    assert guarded[1].url_patterns[0].callback.orion_guard.frontend is FrontendType.VENDOR
    assert guarded[0].name == "home"


def test_class_views_keep_their_declarations_for_introspection():
    guarded = guard_view(Page.as_view(), FrontendType.VENDOR, api=False)
    assert guarded.view_class is Page  # functools.wraps carries view_class over


def test_drf_views_are_guarded_from_inside_their_class():
    guarded = guard_view(Api.as_view(), FrontendType.VENDOR, api=True)
    assert issubclass(guarded.cls, GuardedAPIView) and issubclass(guarded.cls, Api)
    assert guarded.cls.__doc__ == "Documented API." and guarded.cls.__name__ == "Api"
    assert guarded.orion_guard.api


def test_exempt_views_are_mounted_as_they_are():
    exempt = tenant_guard_exempt(lambda request, vendor_code: HttpResponse())

    class ExemptPage(View):
        tenant_guard_exempt = True

    assert guard_view(exempt, FrontendType.STOREFRONT, api=False) is exempt
    view = ExemptPage.as_view()
    assert guard_view(view, FrontendType.STOREFRONT, api=False) is view


# --- the fallback: no module provides the guard --------------------------------------------------


def test_without_a_provider_every_vendor_view_is_refused():
    assert provider_for(TENANT_GUARD, []) is TENANT_GUARD.fallback
    assert isinstance(TENANT_GUARD.fallback, RefuseEveryone)
    ran = []

    def view(request, vendor_code):
        ran.append(vendor_code)
        return HttpResponse()

    guarded = guard_view(view, FrontendType.STOREFRONT, api=False)
    request = RequestFactory().get("/shop/acme/")
    request.modules = frozenset()  # a host that resolves to no platform
    with pytest.raises(Http404):
        guarded(request, vendor_code="acme")
    assert ran == []


def test_tenancy_provides_the_tenant_guard():
    core = [d.code for d in get_registry() if d.is_core]
    assert providing_module(TENANT_GUARD, core) == "tenancy"
    assert not isinstance(provider_for(TENANT_GUARD, core), RefuseEveryone)


def test_a_contract_falls_back_when_its_provider_module_is_off():
    probe = Contract(name="guards_test_probe", protocol=object, fallback="fallback")
    registry = types.SimpleNamespace(
        dependency_order=lambda: ["a", "b"],
        provider=lambda code, kind: f"from {code}" if code == "b" else None,
    )
    assert provider_for(probe, ["a", "b"], registry=registry) == "from b"
    assert provider_for(probe, ["a"], registry=registry) == "fallback"
    assert providing_module(probe, ["a"], registry=registry) is None


def test_a_contract_name_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        Contract(name="tenant_guard", protocol=object, fallback=None)


# --- system checks -------------------------------------------------------------------------------

unguarded_urls = types.ModuleType("unguarded_urls")
unguarded_urls.urlpatterns = [
    path(
        "",
        include(([path("vendor/<slug:vendor_code>/leak/", plain, name="leak")], "billing")),
    )
]


@permission("billing.veiw")
def misspelt(request, vendor_code):
    return HttpResponse()


bad_permission_urls = types.ModuleType("bad_permission_urls")
bad_permission_urls.urlpatterns = [
    path(
        "",
        include(
            (
                guard_patterns(
                    [path("vendor/<slug:vendor_code>/x/", misspelt)],
                    FrontendType.VENDOR,
                    api=False,
                ),
                "billing",
            )
        ),
    )
]


def test_the_installed_modules_pass_the_guard_checks():
    assert check_view_guards(get_registry()) == []


@override_settings(ROOT_URLCONF=unguarded_urls)
def test_a_vendor_route_outside_the_guarded_lists_is_an_error():
    errors = check_view_guards(get_registry())
    assert [e.id for e in errors] == ["orion.E011"]
    assert "billing:leak" in errors[0].msg


@override_settings(ROOT_URLCONF=bad_permission_urls)
def test_a_permission_nobody_declares_is_an_error():
    errors = check_view_guards(get_registry())
    assert [e.id for e in errors] == ["orion.E012"]
    assert "billing.veiw" in errors[0].msg
