"""The Django admin's enable/disable actions go through ModuleService: cascades, audit entries
and refusals are the same as on the command line and the dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.services import ModuleService
from orion_core.testing import StaffUserFactory

CHANGELIST = reverse("admin:orion_core_platformmodule_changelist")


@pytest.fixture
def admin_client_for(db):
    def make(*codenames: str) -> Client:
        user = StaffUserFactory()
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        client = Client()
        client.force_login(user)
        return client

    return make


def run_action(client: Client, action: str, *records: PlatformModule):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=True,
    )


def enabled(platform, code: str) -> bool:
    return platform.modules.filter(module_code=code, is_enabled=True).exists()


@pytest.mark.django_db
def test_disable_action_cascades_and_is_audited_as_admin(platform, admin_client_for):
    ModuleService().enable(platform, "billing")  # and payments, as a requirement
    payments = platform.modules.get(module_code="payments")
    client = admin_client_for("view_platformmodule", "change_platformmodule")

    response = run_action(client, "disable_modules", payments)

    assert response.status_code == 200
    assert not enabled(platform, "payments") and not enabled(platform, "billing")
    entries = ModuleAuditEntry.objects.filter(platform=platform, source="admin")
    assert {e.module_code for e in entries} == {"payments", "billing"}
    assert "billing" in response.content.decode()  # the cascade is reported


@pytest.mark.django_db
def test_enable_action_brings_requirements_back(platform, admin_client_for):
    service = ModuleService()
    service.enable(platform, "billing")
    service.disable(platform, "payments")
    billing = platform.modules.get(module_code="billing")
    client = admin_client_for("view_platformmodule", "change_platformmodule")

    run_action(client, "enable_modules", billing)

    assert enabled(platform, "billing") and enabled(platform, "payments")


@pytest.mark.django_db
def test_core_module_disable_is_refused_with_a_message(platform, admin_client_for):
    core = platform.modules.get(module_code="tenancy")
    client = admin_client_for("view_platformmodule", "change_platformmodule")
    before = ModuleAuditEntry.objects.count()

    response = run_action(client, "disable_modules", core)

    assert enabled(platform, "tenancy")
    assert ModuleAuditEntry.objects.count() == before
    assert "core module" in response.content.decode()


@pytest.mark.django_db
def test_actions_need_the_change_permission(platform, admin_client_for):
    ModuleService().enable(platform, "billing")
    client = admin_client_for("view_platformmodule")
    page = client.get(CHANGELIST).content.decode()
    assert "disable_modules" not in page
    run_action(client, "disable_modules", platform.modules.get(module_code="billing"))
    assert enabled(platform, "billing")
