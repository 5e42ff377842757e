"""The permissions contract: providers of enabled modules decide; undecided → staff on ADMIN
hold every permission of the enabled modules, everybody else none."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from orion_core import permissions
from orion_core.modules.definition import (
    FrontendType,
    ModuleDefinition,
    PermissionDefinition,
    Tier,
)
from orion_core.modules.registry import ModuleRegistry
from orion_core.permissions import (
    effective_permissions,
    granted_permissions,
    has_permission,
)

CALLS: list[str] = []


class Grants:
    def __init__(self, name: str, codes: list[str] | None) -> None:
        self.name, self.codes = name, codes

    def get_permissions(self, request: Any) -> list[str] | None:
        CALLS.append(self.name)
        if self.codes is None or not getattr(request.user, "is_authenticated", False):
            return None
        return list(self.codes)


class Broken:
    def get_permissions(self, request: Any) -> list[str]:
        CALLS.append("broken")
        raise RuntimeError("roles table is on fire")


# Tenancy-like: grants its own and other modules' codes (one of a module that is off).
roles_permissions = Grants("roles", ["orders.view", "billing.view", "gone.view"])
undecided_permissions = Grants("undecided", None)
broken_permissions = Broken()
extra_permissions = Grants("extra", ["orders.edit"])


def perms(*codes: str) -> tuple[PermissionDefinition, ...]:
    return tuple(PermissionDefinition(code, code) for code in codes)


def module(code: str, provider: str | None = None, **kw: Any) -> ModuleDefinition:
    providers = {"permissions": f"{__name__}.{provider}_permissions"} if provider else {}
    return ModuleDefinition(code=code, name=code, providers=providers, **kw)


@pytest.fixture
def registry() -> ModuleRegistry:
    CALLS.clear()
    return ModuleRegistry(
        [
            module("roles", "roles", tier=Tier.CORE),
            module("orders", permissions=perms("orders.view", "orders.edit")),
            module("billing", permissions=perms("billing.view", "billing.manage")),
            module("gone", "extra", permissions=perms("gone.view")),
            module("undecided", "undecided"),
            module("broken", "broken"),
        ]
    )


class StaffUser:
    is_authenticated = True
    is_staff = True
    is_active = True


class MemberUser:
    is_authenticated = True
    is_staff = False
    is_active = True


def make_request(user: Any, modules: set[str], frontend: FrontendType | None = None):
    request = RequestFactory().get("/")
    request.user, request.modules, request.frontend = user, frozenset(modules), frontend
    return request


def test_no_provider_decides_gives_none(registry):
    request = make_request(MemberUser(), {"orders", "billing", "undecided"})
    assert granted_permissions(request, registry=registry) is None
    assert CALLS == ["undecided"]  # only enabled modules' providers are asked


def test_undecided_staff_hold_every_enabled_permission_on_admin_only(registry):
    request = make_request(StaffUser(), {"orders", "undecided"}, FrontendType.ADMIN)
    assert effective_permissions(request, registry=registry) == {"orders.view", "orders.edit"}
    assert effective_permissions(request, FrontendType.VENDOR, registry=registry) == frozenset()
    assert has_permission(request, "orders.edit", registry=registry)
    assert not has_permission(request, "billing.view", registry=registry)  # billing is off


def test_undecided_non_staff_hold_nothing(registry):
    for user in (MemberUser(), AnonymousUser()):
        request = make_request(user, {"orders"}, FrontendType.ADMIN)
        assert effective_permissions(request, registry=registry) == frozenset()


def test_inactive_staff_hold_nothing(registry):
    user = StaffUser()
    user.is_active = False
    request = make_request(user, {"orders"}, FrontendType.ADMIN)
    assert effective_permissions(request, registry=registry) == frozenset()


def test_provider_grants_only_permissions_of_enabled_modules(registry):
    request = make_request(MemberUser(), {"roles", "orders"}, FrontendType.VENDOR)
    # billing.view and gone.view are granted, but billing and gone are off on this platform.
    assert granted_permissions(request, registry=registry) == {"orders.view"}
    assert effective_permissions(request, registry=registry) == {"orders.view"}


def test_answers_are_combined_and_undecided_ones_ignored(registry):
    enabled = {"roles", "orders", "billing", "gone", "undecided"}
    request = make_request(MemberUser(), enabled, FrontendType.VENDOR)
    assert granted_permissions(request, registry=registry) == {
        "orders.view",
        "orders.edit",
        "billing.view",
        "gone.view",
    }
    assert sorted(CALLS) == ["extra", "roles", "undecided"]


def test_a_decision_overrides_the_staff_fallback(registry):
    # A provider that decided (even "nothing") wins over "staff hold everything".
    empty = Grants("empty", [])
    reg = ModuleRegistry([*registry.all(), module("empty", None)])
    reg._provider_cache[("empty", "permissions")] = empty
    request = make_request(StaffUser(), {"orders", "empty"}, FrontendType.ADMIN)
    assert granted_permissions(request, registry=reg) == frozenset()
    assert effective_permissions(request, registry=reg) == frozenset()


def test_a_failing_provider_is_left_out(registry, caplog):
    request = make_request(MemberUser(), {"roles", "orders", "broken"}, FrontendType.VENDOR)
    assert granted_permissions(request, registry=registry) == {"orders.view"}
    assert "permissions provider of module broken failed" in caplog.text


def test_answer_is_memoised_on_the_request(registry):
    request = make_request(MemberUser(), {"roles", "orders"}, FrontendType.VENDOR)
    first = granted_permissions(request, registry=registry)
    effective_permissions(request, registry=registry)
    assert granted_permissions(request, registry=registry) is first
    assert CALLS == ["roles"]
    permissions.forget(request)
    granted_permissions(request, registry=registry)
    assert CALLS == ["roles", "roles"]


def test_the_installed_registry_answers_for_an_anonymous_user():
    """The real registry answers (None while no module offers a permissions provider)."""
    from orion_core.modules.registry import get_registry

    registry = get_registry()
    request = make_request(AnonymousUser(), set(registry.codes()), FrontendType.ADMIN)
    answer = granted_permissions(request)
    assert answer is None or isinstance(answer, frozenset)
    assert effective_permissions(request, registry=registry) == (answer or frozenset())
