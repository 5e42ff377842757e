"""Query budget of the request path (ARCHITECTURE.md §6, §10): resolving the platform and its
modules costs no SQL on a warm request, at any data size."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orion_core import state
from orion_core.modules.registry import get_registry
from orion_core.testing import PlatformFactory

HOST = "acme.test"


def build(size: str) -> None:
    registry = get_registry()
    if size == "small":
        for index, code in enumerate(["acme", "globex", "initech"]):
            PlatformFactory(code=code, modules=["billing", "catalog"][: index + 1])
    else:
        optional = registry.codes_by_tier("optional")
        PlatformFactory(code="acme", modules=optional)
        for index in range(59):
            PlatformFactory(code=f"tenant{index}", modules=optional)
    state.invalidate()


def anonymous_page() -> str:
    """A page whose view makes no queries for an anonymous GET: the admin login form."""
    return reverse("admin:login")


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "large"])
def test_warm_request_resolves_the_platform_without_sql(client, size, django_assert_num_queries):
    build(size)
    url = anonymous_page()
    # Cold: the domain with its platform, the enabled codes, the menu configuration. Same at
    # both sizes.
    with django_assert_num_queries(3):
        assert client.get(url, HTTP_HOST=HOST).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.wsgi_request.platform.code == "acme"
    expected = 2 if size == "small" else len(get_registry().codes_by_tier("optional"))
    assert (
        len(response.wsgi_request.modules - set(get_registry().codes_by_tier("core"))) >= expected
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "large"])
def test_gated_module_page_costs_no_sql_when_warm(client, size, django_assert_num_queries):
    """A module page the anonymous visitor may not see: the gate answers from the cached state."""
    build(size)
    codes = [d.code for d in get_registry() if d.is_internal and d.urls]
    if not codes:
        pytest.skip("no internal module has pages to gate")
    url = reverse(f"{codes[0]}:{_first_plain_name(codes[0])}")
    client.get(url, HTTP_HOST=HOST)
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_HOST=HOST).status_code == 404


def _first_plain_name(code: str) -> str:
    from django.urls import get_resolver

    resolver = get_resolver().namespace_dict[code][1]
    for name in resolver.reverse_dict:
        if isinstance(name, str) and all(
            not params for _result, params in resolver.reverse_dict.getlist(name)[0][0]
        ):
            return name
    pytest.skip(f"{code} has no page without arguments")
    return ""
