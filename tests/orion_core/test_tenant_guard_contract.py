"""Every vendor-portal, vendor-API, storefront and storefront-API route of every module is behind
the tenant guard (ARCHITECTURE.md §10: a new module is covered for free).

The routes come from what ``orion_core.urls`` mounted, not from a list: a module that adds a
vendor or storefront view is walked here the day it exists. For each route and method, every
case below must be refused *by the guard* (the ``orion_tenant_guard_total`` counter says who
answered), before the view could run:

portal and vendor API        storefront and storefront API
- a logged-in non-member     - a suspended vendor
- a removed team member      - a vendor not on this platform
- a suspended vendor         - a vendor that does not exist
- a vendor not on this       - a vendor still pending approval
  platform
- a vendor that does not exist
- an anonymous visitor (the login page; 401/403 from the API)

and the vendor's own team (portal) or anybody (storefront) must be admitted.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from prometheus_client import REGISTRY

from modules.tenancy.factories import MembershipFactory, VendorFactory, VendorPlatformFactory
from modules.tenancy.models import Membership, Vendor
from orion_core.exceptions import OrionError
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, UserFactory
from orion_core.urls import MountedView, mounted_views

HOST = "guard.test"
METHODS = ("get", "post", "delete")


def guarded_views(frontend: FrontendType) -> dict[str, list[MountedView]]:
    by_module: dict[str, list[MountedView]] = {}
    for view in mounted_views():
        if view.guard is not None and view.guard.frontend is frontend and view.name:
            by_module.setdefault(view.name.split(":", 1)[0], []).append(view)
    return by_module


PORTAL = guarded_views(FrontendType.VENDOR)
STOREFRONT = guarded_views(FrontendType.STOREFRONT)


def url_for(view: MountedView, vendor_code: str) -> str:
    """The view's URL for ``vendor_code``, other arguments filled with plausible values (the
    guard decides before the view looks at them)."""
    others = [p for p in view.params if p != "vendor_code"]
    for value in (1, "x", str(uuid.UUID(int=1))):
        kwargs: dict[str, Any] = dict.fromkeys(others, value)
        kwargs.update(vendor_code=vendor_code, **({"format": "json"} if "format" in others else {}))
        with contextlib.suppress(NoReverseMatch):
            return reverse(view.name, kwargs=kwargs)
    pytest.fail(f"cannot build a URL for {view.name} ({view.route})")
    return ""


def decided(module: str, frontend: FrontendType, outcome: str) -> float:
    labels = {"module": module, "frontend": frontend.value, "outcome": outcome}
    return REGISTRY.get_sample_value("orion_tenant_guard_total", labels) or 0.0


@pytest.fixture
def world(db, settings):
    """One platform with every module on, and vendors in each state the guard must tell apart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    platform = PlatformFactory(code="guarded", domains=[HOST])
    elsewhere = PlatformFactory(code="elsewhere", domains=["elsewhere.test"])
    service, registry = ModuleService(), get_registry()
    for code in registry.dependency_order():
        if not registry.get(code).is_core:
            with contextlib.suppress(OrionError):  # a module needing config it cannot have
                service.enable(platform, code, source="test")
    from orion_core import state

    state.invalidate()
    owner, stranger, removed = UserFactory(), UserFactory(), UserFactory()
    vendors = {
        "open": VendorFactory(code="open-shop", platforms=[platform]),
        "suspended": VendorFactory(code="suspended-shop", platforms=[platform]),
        "elsewhere": VendorFactory(code="elsewhere-shop", platforms=[elsewhere]),
        "pending": VendorFactory(code="pending-shop", status=Vendor.Status.PENDING),
    }
    VendorPlatformFactory(vendor=vendors["pending"], platform=platform, status="pending")
    for vendor in vendors.values():
        MembershipFactory(user=owner, vendor=vendor, role=Membership.Role.OWNER)
    MembershipFactory(
        user=removed, vendor=vendors["open"], role="manager", status=Membership.Status.REMOVED
    )
    Vendor.objects.filter(pk=vendors["suspended"].pk).update(status=Vendor.Status.SUSPENDED)
    state.invalidate()

    def client(user=None) -> Client:
        c = Client(HTTP_HOST=HOST)
        if user is not None:
            c.force_login(user)
        return c

    return {
        "owner": client(owner),
        "stranger": client(stranger),
        "removed": client(removed),
        "anonymous": client(),
        "codes": {name: vendor.code for name, vendor in vendors.items()} | {"missing": "no-shop"},
    }


def refused(world, frontend: FrontendType, module: str, views, who: str, vendor: str) -> list:
    """Requests of every view and method as ``who`` for the ``vendor`` case; the problems."""
    problems = []
    client = world[who]
    for view in views:
        url = url_for(view, world["codes"][vendor])
        for method in METHODS:
            before = decided(module, frontend, "not_found")
            response = getattr(client, method)(url)
            if response.status_code != 404:
                problems.append(f"{method.upper()} {url} as {who}: {response.status_code}")
            elif decided(module, frontend, "not_found") != before + 1:
                problems.append(f"{method.upper()} {url} as {who}: a 404, but not the guard's")
    return problems


def admitted(world, frontend: FrontendType, module: str, views, who: str, vendor: str) -> list:
    problems = []
    for view in views:
        url = url_for(view, world["codes"][vendor])
        before = decided(module, frontend, "admitted")
        response = world[who].get(url)
        if response.status_code >= 500 or decided(module, frontend, "admitted") != before + 1:
            problems.append(f"GET {url} as {who}: {response.status_code}, not admitted")
    return problems


@pytest.mark.parametrize("module", sorted(PORTAL))
def test_portal_routes_refuse_everyone_outside_the_team(world, module):
    views, frontend = PORTAL[module], FrontendType.VENDOR
    problems = [
        *refused(world, frontend, module, views, "stranger", "open"),
        *refused(world, frontend, module, views, "removed", "open"),
        *refused(world, frontend, module, views, "owner", "suspended"),
        *refused(world, frontend, module, views, "owner", "elsewhere"),
        *refused(world, frontend, module, views, "owner", "missing"),
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(PORTAL))
def test_portal_routes_send_anonymous_visitors_to_log_in(world, module):
    problems = []
    for view in PORTAL[module]:
        url = url_for(view, world["codes"]["open"])
        before = decided(module, FrontendType.VENDOR, "login")
        response = world["anonymous"].get(url)
        login = response.status_code == 302 and "login" in response["Location"]
        if not (view.guard.api and response.status_code in (401, 403)) and not login:
            problems.append(f"GET {url}: {response.status_code}")
        if decided(module, FrontendType.VENDOR, "login") != before + 1:
            problems.append(f"GET {url}: not answered by the guard")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(PORTAL))
def test_portal_routes_admit_the_team_while_the_vendor_is_active_or_pending(world, module):
    views, frontend = PORTAL[module], FrontendType.VENDOR
    problems = [
        *admitted(world, frontend, module, views, "owner", "open"),
        *admitted(world, frontend, module, views, "owner", "pending"),
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(STOREFRONT))
def test_storefront_routes_refuse_vendors_not_open_here(world, module):
    views, frontend = STOREFRONT[module], FrontendType.STOREFRONT
    problems = [
        *refused(world, frontend, module, views, "anonymous", "suspended"),
        *refused(world, frontend, module, views, "anonymous", "elsewhere"),
        *refused(world, frontend, module, views, "anonymous", "missing"),
        *refused(world, frontend, module, views, "owner", "pending"),
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(STOREFRONT))
def test_storefront_routes_admit_anybody_for_an_open_vendor(world, module):
    problems = admitted(
        world, FrontendType.STOREFRONT, module, STOREFRONT[module], "anonymous", "open"
    )
    assert not problems, "\n".join(problems)


def test_the_walk_finds_the_guarded_routes_of_the_modules():
    names = {view.name for views in PORTAL.values() for view in views}
    assert {"tenancy:dashboard", "tenancy:api-members", "customers:vendor-list"} <= names
    assert {"customers:home", "cms:theme"} <= {
        view.name for views in STOREFRONT.values() for view in views
    }
    api = [view for views in PORTAL.values() for view in views if view.guard.api]
    assert {view.name for view in api} >= {"tenancy:api-members", "customers:api-customer-list"}
