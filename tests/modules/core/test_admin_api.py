"""The staff API for module management at /api/v1/admin/platforms/{code}/modules/."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService

HOST = "acme.test"
SECRET = "sk_live_API_SECRET_987"


def api(user=None) -> APIClient:
    client = APIClient(HTTP_HOST=HOST)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return api(staff_user)


def url(name: str, platform: str = "acme", module: str | None = None) -> str:
    kwargs = {"platform_code": platform}
    if module is not None:
        kwargs["module_code"] = module
    return reverse(f"core:{name}", kwargs=kwargs)


def state(platform) -> tuple:
    rows = PlatformModule.objects.filter(platform=platform).values_list(
        "module_code", "is_enabled", "config"
    )
    return sorted(rows), ModuleAuditEntry.objects.count()


@pytest.mark.django_db
def test_list(staff_api, platform):
    ModuleService().enable(platform, "billing", source="test")
    response = staff_api.get(url("api-modules"))
    assert response.status_code == 200
    data = {m["code"]: m for m in response.json()}
    assert list(data) == get_registry().codes()
    assert data["billing"]["enabled"] is True and data["billing"]["cause"] == "explicit"
    assert data["payments"]["cause"] == "required by billing"
    assert data["payments"]["dependents"] == sorted(
        get_registry().dependents("payments", transitive=False)
    )
    assert data["billing"]["requires"] == ["payments"]
    assert data["core"]["cause"] == "core" and data["core"]["tier"] == "core"
    assert data["catalog"]["enabled"] is False and data["catalog"]["cause"] == ""
    assert set(data["billing"]) >= {"code", "name", "tier", "enabled", "cause", "requires"}


@pytest.mark.django_db
def test_retrieve(staff_api, platform):
    response = staff_api.get(url("api-module", module="billing"))
    assert response.status_code == 200
    assert response.json()["code"] == "billing"
    assert response.json()["enabled"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "module", "detail"),
    [
        ("api-modules", "get", None, "Unknown platform 'nope'."),
        ("api-module", "get", "billing", "Unknown platform 'nope'."),
        ("api-module-enable", "post", "billing", "Unknown platform 'nope'."),
        ("api-module-config", "put", "billing", "Unknown platform 'nope'."),
    ],
)
def test_unknown_platform_is_404(staff_api, platform, name, method, module, detail):
    before = state(platform)
    response = getattr(staff_api, method)(url(name, "nope", module), {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": detail}
    assert state(platform) == before, "nothing is written anywhere"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["api-module", "api-module-enable", "api-module-disable", "api-module-config"]
)
def test_unknown_module_is_404(staff_api, platform, name):
    method = "get" if name in ("api-module", "api-module-config") else "post"
    before = state(platform)
    response = getattr(staff_api, method)(url(name, module="nope"))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Unknown module 'nope'.")
    assert state(platform) == before


@pytest.mark.django_db
def test_enable_dry_run_writes_nothing(staff_api, platform):
    before = state(platform)
    response = staff_api.post(url("api-module-enable", module="billing") + "?dry_run=1")
    assert response.status_code == 200
    plan = response.json()
    assert plan["dry_run"] is True and plan["has_changes"] is True
    assert [(s["code"], s["cause"]) for s in plan["steps"]] == [
        ("payments", "required by billing"),
        ("billing", "explicit"),
    ]
    assert state(platform) == before


@pytest.mark.django_db
def test_enable(staff_api, platform, staff_user):
    response = staff_api.post(url("api-module-enable", module="billing"))
    assert response.status_code == 200
    assert response.json()["dry_run"] is False
    assert ModuleService().records(platform)["billing"].is_enabled
    entry = ModuleAuditEntry.objects.get(platform=platform, module_code="billing")
    assert (entry.source, entry.actor) == ("api", staff_user)


@pytest.mark.django_db
def test_disable_dry_run_and_prune(staff_api, platform):
    ModuleService().enable(platform, "billing", source="test")
    before = state(platform)
    plan = staff_api.post(url("api-module-disable", module="billing") + "?dry_run=1").json()
    assert plan["suggestions"] == ["payments"] and plan["dry_run"] is True
    assert state(platform) == before
    response = staff_api.post(
        url("api-module-disable", module="billing"), {"prune": True}, format="json"
    )
    assert response.status_code == 200
    assert [s["code"] for s in response.json()["steps"]] == ["billing", "payments"]
    records = ModuleService().records(platform)
    assert not records["billing"].is_enabled and not records["payments"].is_enabled


@pytest.mark.django_db
def test_disable_core_is_refused(staff_api, platform):
    before = state(platform)
    response = staff_api.post(url("api-module-disable", module="tenancy"))
    assert response.status_code == 400
    assert response.json() == {"detail": "'tenancy' is a core module and cannot be disabled."}
    assert state(platform) == before


@pytest.mark.django_db
def test_config_get_masks_secrets(staff_api, platform):
    ModuleService().set_config(platform, "payments", {"api_key": SECRET}, source="test")
    response = staff_api.get(url("api-module-config", module="payments"))
    assert response.status_code == 200
    assert response.json()["api_key"] == "********"
    assert SECRET not in response.content.decode()


@pytest.mark.django_db
def test_config_put_invalid_is_400_per_field_and_saves_nothing(staff_api, platform):
    before = state(platform)
    response = staff_api.put(
        url("api-module-config", module="billing"),
        {"payment_terms_days": 999, "bogus": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "bogus": ["Unknown setting."],
        "payment_terms_days": ["Ensure this value is less than or equal to 365."],
    }
    assert state(platform) == before


@pytest.mark.django_db
def test_config_put_cross_field_error(staff_api, platform):
    response = staff_api.put(
        url("api-module-config", module="payments"), {"provider": "stripe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"api_key": ["An API key is required for this provider."]}


@pytest.mark.django_db
def test_config_put_saves_and_never_returns_the_secret(staff_api, platform):
    response = staff_api.put(
        url("api-module-config", module="payments"),
        {"provider": "stripe", "api_key": SECRET},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["api_key"] == "********"
    assert SECRET not in response.content.decode()
    service = ModuleService()
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == SECRET
    # The mask sent back keeps the stored secret.
    response = staff_api.put(
        url("api-module-config", module="payments"),
        {"currency": "USD", "api_key": "********"},
        format="json",
    )
    assert response.status_code == 200
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == SECRET
    assert ModuleAuditEntry.objects.filter(action="config_changed", source="api").count() == 2


@pytest.mark.django_db
def test_platforms_are_isolated(staff_api, platform, other_platform):
    before = state(platform)
    staff_api.post(url("api-module-enable", "globex", "billing"))
    staff_api.put(
        url("api-module-config", "globex", "billing"), {"invoice_prefix": "GLX-"}, format="json"
    )
    assert ModuleService().records(other_platform)["billing"].is_enabled
    rows, _ = state(platform)
    assert rows == before[0]
    assert ModuleService().get_config(platform, "billing")["invoice_prefix"] == "INV-"


@pytest.mark.django_db
def test_non_staff_is_forbidden(platform, user):
    client = api(user)
    assert client.get(url("api-modules")).status_code == 403
    assert client.post(url("api-module-enable", module="billing")).status_code == 403
    assert client.put(url("api-module-config", module="billing"), {}).status_code == 403
    assert not ModuleService().records(platform).get("billing")


@pytest.mark.django_db
def test_anonymous_is_refused(platform):
    client = api()
    for response in (
        client.get(url("api-modules")),
        client.post(url("api-module-enable", module="billing")),
    ):
        assert response.status_code in (401, 403)
        assert "detail" in response.json()


@pytest.mark.django_db
def test_token_authentication(platform, staff_user, user):
    client = APIClient(HTTP_HOST=HOST)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    assert client.get(url("api-modules")).status_code == 200
    # Token requests are not CSRF-checked; a change works from a script.
    assert client.post(url("api-module-enable", module="billing")).status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get(url("api-modules")).status_code == 403
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(url("api-modules")).status_code in (401, 403)


@pytest.mark.django_db
def test_session_auth_enforces_csrf(platform, staff_user):
    client = APIClient(HTTP_HOST=HOST, enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.get(url("api-modules")).status_code == 200
    response = client.post(url("api-module-enable", module="billing"))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


@pytest.mark.django_db
def test_schema_validates_and_documents_the_admin_api(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/v1/admin/platforms/{platform_code}/modules/{module_code}/enable/" in schema
