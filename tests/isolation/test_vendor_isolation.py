"""Vendor isolation across every vendor-portal and vendor-API route, present and future.

The routes are found by walking the root URLconf (``get_resolver()``) for patterns under
``vendor/<slug:vendor_code>/`` and ``api/v1/vendor/<slug:vendor_code>/``, so a module that adds
vendor pages is covered without touching this file. As an owner of vendor A, every route is
requested with vendor B's object ids in its other parameters (first with A's code, then with
B's), by GET, and by POST for portal routes and PATCH/DELETE for API routes that take ids.
None of B's marker strings may appear in any response, no request may fail with a 5xx, and
B's data must be unchanged at the end.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django_scopes import scopes_disabled

from modules.tenancy.factories import (
    InvitationFactory,
    MembershipFactory,
    VendorDomainFactory,
    VendorFactory,
)
from modules.tenancy.models import Invitation, Membership, Vendor, VendorDomain
from orion_core.exceptions import OrionError
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, UserFactory

PREFIXES = ("vendor/<slug:vendor_code>/", "api/v1/vendor/<slug:vendor_code>/")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
HOST = "isolation.test"

MARK = "zqxmark"
B_NAME = f"Beta {MARK} Vendor"
B_MEMBER_EMAILS = [f"member{i}-{MARK}@beta.example" for i in range(3)]
B_INVITATION_EMAILS = [f"invitee{i}-{MARK}@beta.example" for i in range(2)]
B_DOMAINS = [f"shop{i}-{MARK}.beta.example" for i in range(2)]
MARKERS = [MARK, B_NAME, *B_MEMBER_EMAILS, *B_INVITATION_EMAILS, *B_DOMAINS]


def as_route(pattern: object) -> str:
    """A pattern as a ``path()``-style route; regex patterns (e.g. DRF routers') included:
    ``^(?P<pk>[^/.]+)/$`` becomes ``<re:pk>/``."""
    if not isinstance(pattern, RegexPattern):
        return str(pattern)
    regex = str(pattern).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<re:\1>", regex)
    return regex.replace("\\.", ".").replace("/?", "/")


def vendor_routes() -> list[tuple[str, str]]:
    """(route, view name) of every vendor-portal and vendor-API pattern, in URLconf order."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + as_route(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace or ""
                if pattern.namespace is None:
                    ns = namespace
                yield from walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and route.startswith(PREFIXES):
                yield route, f"{namespace}:{pattern.name}" if namespace else str(pattern.name)

    return list(dict.fromkeys(walk(get_resolver().url_patterns, "", "")))


def vendor_owned_models() -> list[type[models.Model]]:
    """Every model with a foreign key to Vendor (the tenancy ones and later modules')."""
    return [
        model
        for model in apps.get_models()
        if any(
            isinstance(field, models.ForeignKey) and field.related_model is Vendor
            for field in model._meta.get_fields()
        )
    ]


def ids_of(vendor: Vendor) -> list[int]:
    """The primary keys of every row vendor B owns, in any vendor-owned model, plus its own."""
    found = {vendor.pk}
    with scopes_disabled():
        for model in vendor_owned_models():
            fk = next(
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.ForeignKey) and f.related_model is Vendor
            )
            manager = model._base_manager
            found.update(
                pk
                for pk in manager.filter(**{fk: vendor}).values_list("pk", flat=True)
                if isinstance(pk, int)
            )
    return sorted(found)


def fill(route: str, vendor_code: str, value: object) -> str:
    def substitute(match: re.Match) -> str:
        if match["name"] == "vendor_code":
            return vendor_code
        if match["name"] == "format":
            return "json"
        return str(value)

    return "/" + PARAM.sub(substitute, route)


def slug_values(vendor: Vendor) -> list[str]:
    # Not markers: a 404 page may echo the path it did not find.
    return [vendor.code]


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    platform = PlatformFactory(code="isolation", domains=[HOST])
    service = ModuleService()
    registry = get_registry()
    for code in registry.dependency_order():  # every module's vendor routes must be reachable
        if not registry.get(code).is_core:
            # A module needing config it cannot have here stays off (its routes 404).
            with contextlib.suppress(OrionError):
                service.enable(platform, code, source="test")
    from orion_core import state

    state.invalidate()
    a = VendorFactory(code="alpha", name="Alpha Vendor", platforms=[platform])
    b = VendorFactory(
        code="beta", name=B_NAME, platforms=[platform], contact_email=f"hello-{MARK}@beta.example"
    )
    owner = UserFactory(username="alpha-owner", email="owner@alpha.example")
    MembershipFactory(user=owner, vendor=a, role=Membership.Role.OWNER)
    MembershipFactory(vendor=a, role=Membership.Role.STAFF)
    InvitationFactory(vendor=a, email="invitee@alpha.example")
    VendorDomainFactory(vendor=a, domain="shop.alpha.example")
    for i, email in enumerate(B_MEMBER_EMAILS):
        MembershipFactory(
            vendor=b,
            role=Membership.Role.OWNER if i == 0 else Membership.Role.STAFF,
            user=UserFactory(username=f"beta-{MARK}-{i}", email=email),
        )
    for email in B_INVITATION_EMAILS:
        InvitationFactory(vendor=b, email=email)
    for domain in B_DOMAINS:
        VendorDomainFactory(vendor=b, domain=domain)
    client = Client(HTTP_HOST=HOST)
    client.force_login(owner)
    return a, b, client


def snapshot(vendor: Vendor) -> dict:
    with scopes_disabled():
        return {
            "vendor": Vendor.objects.filter(pk=vendor.pk).values().get(),
            "members": list(Membership.objects.filter(vendor=vendor).values().order_by("pk")),
            "invitations": list(Invitation.objects.filter(vendor=vendor).values().order_by("pk")),
            "domains": list(VendorDomain.objects.filter(vendor=vendor).values().order_by("pk")),
        }


def test_the_walk_finds_the_vendor_routes():
    names = {name for _route, name in vendor_routes()}
    assert {"tenancy:dashboard", "tenancy:team", "tenancy:settings", "tenancy:api-member"} <= names


def test_no_route_shows_or_changes_another_vendors_data(world):
    a, b, client = world
    before = snapshot(b)
    b_ids = ids_of(b)
    routes = vendor_routes()
    assert routes
    problems: list[str] = []
    requested = 0

    def check(method: str, url: str, response) -> None:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", "replace")
        location = response.get("Location", "")
        if response.status_code >= 500:
            problems.append(f"{method} {url}: {response.status_code}")
        for marker in MARKERS:
            if marker in body or marker in location:
                problems.append(f"{method} {url}: shows B's {marker!r}")

    for route, _name in routes:
        params = [m for m in PARAM.finditer(route) if m["name"] not in {"vendor_code", "format"}]
        converters = {m["converter"] or "str" for m in params}
        is_api = route.startswith("api/")
        if not params:
            values: list[object] = [None]
        elif converters <= {"int", "re"}:  # router ids are usually integer primary keys
            values = b_ids
        else:
            values = [*b_ids, *slug_values(b)] if "int" in converters else slug_values(b)
        for vendor_code, value in itertools.product((a.code, b.code), values):
            url = fill(route, vendor_code, value)
            calls = [("get", {})]
            if params:
                if is_api:
                    calls += [
                        (
                            "patch",
                            {
                                "data": json.dumps({"role": "viewer"}),
                                "content_type": "application/json",
                            },
                        ),
                        ("delete", {}),
                    ]
                else:
                    calls += [("post", {"data": {"role": "viewer"}})]
            for method, kwargs in calls:
                requested += 1
                check(method, url, getattr(client, method)(url, **kwargs))
    assert not problems, "\n".join(problems)
    assert requested > len(routes)
    assert snapshot(b) == before, "B's data changed"
