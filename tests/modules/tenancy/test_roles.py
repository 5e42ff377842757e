"""The role matrix, the permissions provider and the scope guard."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_scopes import ScopeError

from modules.tenancy.models import Invitation, Membership, VendorDomain, VendorPlatform
from modules.tenancy.providers import permissions_provider
from modules.tenancy.resolution import granted
from modules.tenancy.roles import permissions_for
from modules.tenancy.scoping import vendor_scope
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.testing import override_module
from tests.modules.tenancy.conftest import member

MATRIX = {
    "owner": {"team.view", "team.manage", "settings.edit"},
    "manager": {"team.view", "team.manage", "settings.edit"},
    "staff": {"team.view"},
    "viewer": {"team.view"},
}
TENANCY_PERMS = ("team.view", "team.manage", "settings.edit")


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("perm", TENANCY_PERMS)
def test_role_matrix(role, perm):
    held = permissions_for(role, get_registry().dependency_order())
    assert (perm in held) is (perm in MATRIX[role])


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.django_db
def test_role_matrix_through_the_portal(role, vendor, login):
    user = member(vendor, role)
    client = login(user)
    team = client.get(f"/vendor/{vendor.code}/team/")
    settings = client.get(f"/vendor/{vendor.code}/settings/")
    assert team.status_code == (200 if "team.view" in MATRIX[role] else 403)
    assert settings.status_code == (200 if "settings.edit" in MATRIX[role] else 403)
    invite = client.post(f"/vendor/{vendor.code}/team/invite/", {"email": "x@example.com"})
    assert (invite.status_code == 403) is ("team.manage" not in MATRIX[role])


def _optional_module_with_permissions():
    registry = get_registry()
    for code in registry.dependency_order():
        definition = registry.get(code)
        if not definition.is_core and not definition.is_internal and definition.permissions:
            return definition
    pytest.skip("no optional module declares permissions")


@pytest.mark.django_db
def test_a_disabled_modules_permission_is_never_granted(platform, vendor, owner):
    definition = _optional_module_with_permissions()
    codes = set(definition.permission_codes())
    request = RequestFactory().get("/", HTTP_HOST="acme.test")
    request.user, request.vendor, request.membership = owner, vendor, None
    with vendor_scope(vendor):
        request.membership = Membership.objects.get(user=owner)
    request.modules = frozenset(get_registry().dependency_order()) - {definition.code}
    request.frontend = FrontendType.VENDOR
    assert not codes & granted(request), "even the owner"
    assert not codes & permissions_for("owner", request.modules)
    with override_module(platform, definition.code, enabled=True):
        assert codes <= permissions_for("owner", [*request.modules, definition.code])


@pytest.mark.django_db
def test_permissions_provider_only_answers_vendor_requests(vendor, staff_member):
    request = RequestFactory().get("/")
    request.user, request.modules = staff_member, frozenset(get_registry().dependency_order())
    request.frontend = FrontendType.ADMIN
    assert permissions_provider.get_permissions(request) is None
    request.frontend = FrontendType.VENDOR
    assert permissions_provider.get_permissions(request) is None  # no vendor resolved
    with vendor_scope(vendor):
        request.vendor, request.membership = vendor, Membership.objects.get(user=staff_member)
    answer = permissions_provider.get_permissions(request)
    assert answer == set(permissions_for("staff", request.modules))
    assert "team.view" in answer and "team.manage" not in answer


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Membership, Invitation, VendorDomain, VendorPlatform])
def test_vendor_scoped_models_refuse_queries_without_a_scope(model, vendor):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(vendor=vendor).exists()
    with vendor_scope(vendor):
        model.objects.count()


def test_vendor_scope_refuses_none():
    with pytest.raises(ValueError), vendor_scope(None):
        pass


@pytest.mark.django_db
def test_lazy_template_responses_render_inside_the_vendor_scope(vendor, owner, other_vendor):
    """A template reading a queryset renders while the guarded view's vendor scope is active."""
    from django.template import engines
    from django.template.response import TemplateResponse
    from django.views.generic import View

    from orion_core.guards import guard_view, permission

    member(other_vendor, "owner", email="other@beta.example")
    template = engines["django"].from_string(
        "{% for m in members %}[{{ m.user.email }}]{% endfor %}"
    )

    class Page(View):
        def get(self, request, **kwargs):
            return TemplateResponse(request, template, {"members": Membership.objects.all()})

    @permission("team.view")
    def page(request, vendor_code):
        return TemplateResponse(request, template, {"members": Membership.objects.all()})

    for view in (Page.as_view(), page):
        guarded = guard_view(view, FrontendType.VENDOR, api=False)
        request = RequestFactory().get("/", HTTP_HOST="acme.test")
        request.user, request.platform = (
            owner,
            vendor.platforms.with_scopes_disabled().get().platform,
        )
        request.modules = frozenset(get_registry().dependency_order())
        response = guarded(request, vendor_code=vendor.code)
        assert response.is_rendered
        assert response.content.decode() == f"[{owner.email}]"
