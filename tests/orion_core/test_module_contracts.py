"""Contract tests run for every module in the registry (ARCHITECTURE.md §10): a new module is
covered for free.

Routes are discovered from the URL resolver: every module's URLs are mounted under its code as
namespace. Disabled on the request's platform → every route 404s, for staff too, and the gate
(not some view) is what answered. Enabled → the gate serves every route; routes that need no
argument (beyond ``vendor_code``, which the gate does not look at) answer 200 to staff, and
to anonymous visitors either the page, a redirect to log in, or a refusal — never a 404 from
the gate — unless the module is internal (staff only: 404)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from prometheus_client import REGISTRY

from orion_core.menus import declared_items
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.testing import override_module

HOST = "acme.test"
VENDOR_CODE = "acme-shop"


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # fully qualified: "<code>:<name>" (or deeper namespaces)
    params: tuple[str, ...]
    converters: dict[str, Any] = dataclasses.field(compare=False, hash=False)

    @property
    def needs_objects(self) -> bool:
        """Arguments other than the vendor code name objects that may not exist."""
        return bool(set(self.params) - {"vendor_code"})

    def url(self) -> str:
        """Reverse with plausible values; the gate runs before the view looks at them."""
        attempts = [{p: self._value(p, i) for p in self.params} for i in range(4)]
        for kwargs in attempts:
            try:
                return reverse(self.name, kwargs=kwargs)
            except NoReverseMatch:
                continue
        pytest.fail(f"Cannot build a URL for route {self.name} with params {self.params}")
        return ""

    def _value(self, param: str, attempt: int) -> Any:
        if param == "vendor_code":
            return VENDOR_CODE
        if param == "format":
            return "json"
        converter = self.converters.get(param)
        if isinstance(converter, IntConverter):
            return 1
        if isinstance(converter, UUIDConverter):
            return uuid.UUID(int=1)
        return ["x", 1, str(uuid.UUID(int=1)), "2024"][attempt]


def routes_in(resolver: URLResolver, namespace: str) -> list[Route]:
    found = []
    for name in resolver.reverse_dict:
        if not isinstance(name, str):
            continue
        for possibilities, _pattern, defaults, converters in resolver.reverse_dict.getlist(name):
            for _result, params in possibilities:
                required = tuple(p for p in params if p not in defaults)
                found.append(Route(f"{namespace}:{name}", required, dict(converters)))
    for child, (_prefix, child_resolver) in resolver.namespace_dict.items():
        found += routes_in(child_resolver, f"{namespace}:{child}")
    return sorted(set(found), key=lambda r: (r.name, r.params))


def module_routes(code: str) -> list[Route]:
    entry = get_resolver().namespace_dict.get(code)
    return routes_in(entry[1], code) if entry else []


CODES = [d.code for d in get_registry()]
ROUTED = [code for code in CODES if module_routes(code)]
UNROUTED = [code for code in CODES if code not in ROUTED]
SWITCHABLE = [code for code in ROUTED if not get_registry().is_core(code)]
ALWAYS_ON = [code for code in ROUTED if get_registry().is_core(code)]


@pytest.fixture(autouse=True)
def _vendor_on_platform(request):
    """Vendor-scoped routes (portal, storefront) need the vendor they name to exist on the
    platform, or they would 404 for a reason that has nothing to do with the gate."""
    if "platform" not in request.fixturenames or not apps.is_installed("modules.tenancy"):
        return
    from modules.tenancy.factories import VendorFactory, VendorPlatformFactory

    platform = request.getfixturevalue("platform")
    VendorPlatformFactory(vendor=VendorFactory(code=VENDOR_CODE), platform=platform)


def served(code: str, outcome: str) -> float:
    labels = {"module": code, "outcome": outcome}
    return REGISTRY.get_sample_value("orion_module_requests_total", labels) or 0.0


def test_every_module_is_in_exactly_one_group():
    assert sorted(ROUTED + UNROUTED) == sorted(CODES)


def test_modules_without_routes_claim_no_namespace():
    # One test over the list rather than one per module: every module may have routes (as now),
    # and an empty parametrization would be a skip.
    resolver = get_resolver()
    for code in UNROUTED:
        assert code not in resolver.namespace_dict, code
        assert code not in resolver.app_dict, code


@pytest.mark.parametrize("code", ROUTED)
def test_module_routes_live_under_its_own_code(code):
    prefix, _resolver = get_resolver().namespace_dict[code]
    assert prefix == ""
    for route in module_routes(code):
        assert route.name.startswith(f"{code}:")
        assert get_resolver().resolve(route.url()).namespaces[0] == code


@pytest.mark.django_db
@pytest.mark.parametrize("code", SWITCHABLE)
def test_disabled_module_routes_all_404(client, platform, staff_user, code):
    assert code not in platform.modules.filter(is_enabled=True).values_list(
        "module_code", flat=True
    )
    routes = module_routes(code)
    before = served(code, "gated")

    for who in ("anonymous", "staff"):
        if who == "staff":
            client.force_login(staff_user)
        for route in routes:
            response = client.get(route.url(), HTTP_HOST=HOST)
            assert response.status_code == 404, f"{route.name} as {who}: {response.status_code}"

    # It was the gate that answered every time, not a view that happened to 404.
    assert served(code, "gated") == before + 2 * len(routes)


@pytest.mark.django_db
@pytest.mark.parametrize("code", SWITCHABLE)
def test_disabled_elsewhere_does_not_leak(client, platform, other_platform, staff_user, code):
    client.force_login(staff_user)
    with override_module(other_platform, code):
        for route in module_routes(code):
            assert client.get(route.url(), HTTP_HOST=HOST).status_code == 404, route.name


@pytest.mark.django_db
@pytest.mark.parametrize("code", ROUTED)
def test_enabled_module_routes_are_served_to_staff(client, platform, staff_user, code):
    routes = module_routes(code)
    client.force_login(staff_user)
    before = served(code, "served")

    with override_module(platform, code):
        for route in routes:
            response = client.get(route.url(), HTTP_HOST=HOST)
            if not route.needs_objects and "vendor_code" not in route.params:
                assert response.status_code == 200, f"{route.name}: {response.status_code}"
            else:
                assert response.status_code < 500, f"{route.name}: {response.status_code}"

    assert served(code, "served") == before + len(routes)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ROUTED)
def test_enabled_module_routes_for_anonymous_visitors(client, platform, code):
    internal = get_registry().is_internal(code)
    with override_module(platform, code):
        for route in module_routes(code):
            if route.needs_objects:
                continue
            response = client.get(route.url(), HTTP_HOST=HOST)
            if internal:
                assert response.status_code == 404, f"{route.name}: internal, yet served"
            else:
                assert response.status_code in (200, 302, 401, 403), route.name
                if response.status_code == 302:
                    assert "login" in response["Location"], response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ALWAYS_ON)
def test_core_module_routes_are_always_served(client, platform, staff_user, code):
    client.force_login(staff_user)
    for route in module_routes(code):
        if not route.needs_objects and "vendor_code" not in route.params:
            assert client.get(route.url(), HTTP_HOST=HOST).status_code == 200, route.name


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c in ROUTED if get_registry().is_internal(c)])
def test_internal_module_is_hidden_from_non_staff(client, platform, user, code):
    client.force_login(user)
    with override_module(platform, code):
        for route in module_routes(code):
            assert client.get(route.url(), HTTP_HOST=HOST).status_code == 404, route.name


# --- menus: every declared item follows its module and its permission ------------------------

VENDOR_ITEMS = declared_items(FrontendType.VENDOR)
ADMIN_ITEMS = declared_items(FrontendType.ADMIN)


def sidebar(response) -> str:
    html = response.content.decode()
    start = html.find('<nav class="sidebar-nav"')
    return html[start : html.find("</nav>", start)] if start != -1 else ""


def item_href(declared, **kwargs: str) -> str:
    return 'href="{}"'.format(reverse(f"{declared.module}:{declared.item.url_name}", kwargs=kwargs))


def portal_client(platform, role: str):
    """A logged-in member of the contract vendor with ``role``, and the portal home's URL."""
    from django.test import Client

    from modules.tenancy.factories import MembershipFactory, VendorFactory
    from orion_core.testing import UserFactory

    user = UserFactory()
    MembershipFactory(user=user, vendor=VendorFactory(code=VENDOR_CODE), role=role)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client, reverse("tenancy:dashboard", kwargs={"vendor_code": VENDOR_CODE})


@pytest.mark.django_db
@pytest.mark.parametrize("declared", VENDOR_ITEMS, ids=lambda d: d.key)
def test_vendor_menu_item_follows_module_and_permission(platform, declared):
    href = item_href(declared, vendor_code=VENDOR_CODE)
    roles = ("owner", "manager", "staff", "viewer")
    with override_module(platform, declared.module):
        for role in roles:
            client, home = portal_client(platform, role)
            holds = not declared.item.permission or (
                role == "owner" or role in permission_roles(declared.item.permission)
            )
            shown = href in sidebar(client.get(home))
            assert shown == holds, f"{declared.key} for {role}: shown={shown}"
    if not get_registry().is_core(declared.module):
        client, home = portal_client(platform, "owner")
        assert href not in sidebar(client.get(home)), f"{declared.key}: module off, still shown"


@pytest.mark.django_db
@pytest.mark.parametrize("declared", ADMIN_ITEMS, ids=lambda d: d.key)
def test_staff_menu_item_follows_its_module(platform, staff_user, client, declared):
    href = item_href(declared)
    client.force_login(staff_user)
    with override_module(platform, declared.module):
        assert href in sidebar(client.get(reverse("core:dashboard"), HTTP_HOST=HOST))
    if not get_registry().is_core(declared.module):
        assert href not in sidebar(client.get(reverse("core:dashboard"), HTTP_HOST=HOST))


def permission_roles(code: str) -> tuple[str, ...]:
    for definition in get_registry():
        for permission in definition.permissions:
            if permission.code == code:
                return permission.roles
    pytest.fail(f"menu item needs undeclared permission {code}")
    return ()
