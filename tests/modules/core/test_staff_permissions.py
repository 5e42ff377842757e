"""Every staff user reads module state; changing it takes a Django permission (docs/roles.md),
on the dashboard, the menu page and the admin API alike, and a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orion_core.models import ModuleAuditEntry, PlatformMenuConfig
from orion_core.services import ModuleService

HOST = "acme.test"


def staff_client(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def audit_count() -> int:
    return ModuleAuditEntry.objects.count()


def enabled(platform, code: str) -> bool:
    """From the table: the state cache is refreshed on commit, which a test never reaches."""
    return platform.modules.filter(module_code=code, is_enabled=True).exists()


@pytest.mark.django_db
def test_readonly_staff_reads_every_page(platform, readonly_staff):
    client = staff_client(readonly_staff)
    for name in ("core:dashboard", "core:modules", "core:module-history", "core:menus"):
        assert client.get(reverse(name)).status_code == 200, name
    confirm = client.get(reverse("core:module-enable", kwargs={"code": "billing"}))
    assert confirm.status_code == 200  # the plan is readable; acting on it is not


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("core:module-enable", {}),
        ("core:module-disable", {}),
        ("core:module-config", {"payment_terms_days": "30"}),
    ],
)
def test_readonly_staff_cannot_change_modules(platform, readonly_staff, name, data):
    ModuleService().enable(platform, "inventory")  # so disable has something to do
    before = audit_count()
    code = "inventory" if name == "core:module-disable" else "billing"
    response = staff_client(readonly_staff).post(reverse(name, kwargs={"code": code}), data)
    assert response.status_code == 403
    assert audit_count() == before
    assert enabled(platform, "inventory")
    assert not enabled(platform, "billing")


@pytest.mark.django_db
def test_readonly_staff_cannot_change_menus(platform, readonly_staff):
    response = staff_client(readonly_staff).post(
        reverse("core:menus"), {"frontend": "admin", "hidden": ["core:history"]}
    )
    assert response.status_code == 403
    assert not PlatformMenuConfig.objects.exists()


@pytest.mark.django_db
def test_permission_granted_through_a_group_allows_the_change(platform, readonly_staff):
    group = Group.objects.create(name="Module managers")
    group.permissions.add(Permission.objects.get(codename="change_platformmodule"))
    readonly_staff.groups.add(group)
    response = staff_client(readonly_staff).post(
        reverse("core:module-enable", kwargs={"code": "billing"})
    )
    assert response.status_code == 302
    assert enabled(platform, "billing")


@pytest.mark.django_db
def test_admin_api_reads_for_staff_and_writes_with_the_permission(platform, readonly_staff):
    api = APIClient(HTTP_HOST=HOST)
    api.force_authenticate(readonly_staff)
    base = reverse("core:api-modules", kwargs={"platform_code": platform.code})
    assert api.get(base).status_code == 200
    enable = reverse(
        "core:api-module-enable", kwargs={"platform_code": platform.code, "module_code": "billing"}
    )
    refused = api.post(enable)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to change modules."}
    assert not enabled(platform, "billing")

    readonly_staff.user_permissions.add(Permission.objects.get(codename="change_platformmodule"))
    api.force_authenticate(type(readonly_staff).objects.get(pk=readonly_staff.pk))
    assert api.post(enable).status_code == 200
    assert enabled(platform, "billing")


@pytest.mark.django_db
def test_confirmation_page_offers_no_button_without_the_permission(platform, readonly_staff):
    url = reverse("core:module-enable", kwargs={"code": "billing"})
    html = staff_client(readonly_staff).get(url).content.decode()
    assert 'id="confirm"' not in html
    assert "Can change platform module" in html
