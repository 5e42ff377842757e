"""Module management pages: the list, enable/disable with the dry-run plan, the config form and
the audit history, always for the dashboard's chosen platform and always through
ModuleService."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from modules.core.views import dashboard
from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.services import Action, ModulePlan, ModuleService, PlanStep
from orion_core.services import modules as service_module
from orion_core.testing import PlatformFactory

HOST = "acme.test"
SECRET = "sk_live_VERY_SECRET_123"


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(staff_user)
    return client


def snapshot(platform) -> list[tuple]:
    return sorted(
        PlatformModule.objects.filter(platform=platform).values_list(
            "module_code", "is_enabled", "enabled_explicitly", "required_by", "config"
        )
    )


def row_html(html: str, code: str) -> str:
    start = html.index(f'id="module-{code}"')
    return html[start : html.index("</tr>", start)]


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_every_module_grouped_by_tier(staff_client, platform):
    ModuleService().enable(platform, "billing", source="test")
    response = staff_client.get(reverse("core:modules"))
    assert response.status_code == 200
    groups = response.context["groups"]
    registry = get_registry()
    assert [g["tier"] for g in groups] == ["core", "optional", "internal"]
    listed = [row["definition"].code for g in groups for row in g["rows"]]
    assert sorted(listed) == sorted(registry.codes())
    rows = {row["definition"].code: row for g in groups for row in g["rows"]}
    assert rows["billing"]["enabled"] and rows["billing"]["cause"] == "explicit"
    assert rows["payments"]["enabled"] and rows["payments"]["cause"] == "required by billing"
    assert rows["payments"]["dependents"] == sorted(
        registry.dependents("payments", transitive=False)
    )
    assert rows["billing"]["requires"] == ["payments"]
    assert not rows["catalog"]["enabled"]
    assert rows["core"]["cause"] == "core"

    html = response.content.decode()
    assert reverse("core:module-disable", args=["billing"]) in row_html(html, "billing")
    assert reverse("core:module-enable", args=["catalog"]) in row_html(html, "catalog")
    for code in registry.codes_by_tier("core"):  # core modules have no disable button
        assert "/disable/" not in row_html(html, code)
        assert "/enable/" not in row_html(html, code)


# --- enable / disable -------------------------------------------------------------------------


@pytest.mark.django_db
def test_enable_confirmation_shows_the_plan_and_changes_nothing(staff_client, platform):
    before = snapshot(platform)
    audit = ModuleAuditEntry.objects.count()
    response = staff_client.get(reverse("core:module-enable", args=["billing"]))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.codes == ["payments", "billing"]
    html = response.content.decode()
    assert "required by billing" in html
    assert 'data-module="payments"' in html and 'data-module="billing"' in html
    assert "csrfmiddlewaretoken" in html
    assert snapshot(platform) == before
    assert ModuleAuditEntry.objects.count() == audit


@pytest.mark.django_db
def test_enable_post_executes_and_audits(staff_client, platform, staff_user):
    response = staff_client.post(reverse("core:module-enable", args=["billing"]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("core:modules"))
    assert "Enabled on Acme: payments, billing." in response.content.decode()
    records = ModuleService().records(platform)
    assert records["billing"].is_enabled and records["billing"].enabled_explicitly
    assert records["payments"].is_enabled and records["payments"].required_by == "billing"
    entries = ModuleAuditEntry.objects.filter(platform=platform, source="dashboard")
    assert {(e.module_code, e.action, e.actor_id) for e in entries} == {
        ("billing", "enabled", staff_user.pk),
        ("payments", "enabled", staff_user.pk),
    }


@pytest.mark.django_db
def test_disable_confirmation_offers_pruning(staff_client, platform):
    ModuleService().enable(platform, "billing", source="test")
    before = snapshot(platform)
    response = staff_client.get(reverse("core:module-disable", args=["billing"]))
    assert response.status_code == 200
    assert response.context["plan"].suggestions == ("payments",)
    html = response.content.decode()
    assert 'name="prune"' in html
    assert "Disable them too: payments" in html
    assert snapshot(platform) == before


@pytest.mark.django_db
@pytest.mark.parametrize("prune", [False, True])
def test_disable_post(staff_client, platform, prune):
    ModuleService().enable(platform, "billing", source="test")
    data = {"prune": "1"} if prune else {}
    response = staff_client.post(
        reverse("core:module-disable", args=["billing"]), data, follow=True
    )
    assert "Disabled on Acme: billing" in response.content.decode()
    service = ModuleService()
    records = service.records(platform)
    assert not records["billing"].is_enabled
    assert records["payments"].is_enabled is not prune
    assert ModuleAuditEntry.objects.filter(
        platform=platform, module_code="billing", action="disabled", source="dashboard"
    ).exists()


@pytest.mark.django_db
def test_disable_cascades_to_dependents_in_the_plan(staff_client, platform):
    ModuleService().enable(platform, "orders", source="test")
    response = staff_client.get(reverse("core:module-disable", args=["payments"]))
    steps = {s.code: s.cause for s in response.context["plan"].steps}
    assert steps == {"payments": "explicit", "orders": "dependent of payments"}


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["core", "tenancy"])
def test_core_module_cannot_be_disabled(staff_client, platform, code):
    before = snapshot(platform)
    audit = ModuleAuditEntry.objects.count()
    response = staff_client.get(reverse("core:module-disable", args=[code]), follow=True)
    assert "core module and cannot be disabled" in response.content.decode()
    response = staff_client.post(reverse("core:module-disable", args=[code]), follow=True)
    assert response.status_code == 200
    assert "core module and cannot be disabled" in response.content.decode()
    assert snapshot(platform) == before
    assert ModuleAuditEntry.objects.count() == audit


@pytest.mark.django_db
def test_unknown_module_is_404(staff_client, platform):
    for name in ("core:module-enable", "core:module-disable", "core:module-config"):
        assert staff_client.get(reverse(name, args=["nope"])).status_code == 404


def failing_hook(platform, user):
    raise RuntimeError("cannot reach the ledger")


@pytest.fixture
def billing_hooks_fail(monkeypatch):
    """The real ModuleService, on a registry where billing's on_enable and on_disable raise
    (the installed definitions otherwise, so the cascade is the real one)."""
    installed = get_registry()
    billing = dataclasses.replace(
        installed.get("billing"), on_enable=failing_hook, on_disable=failing_hook
    )
    registry = ModuleRegistry(billing if d.code == "billing" else d for d in installed)
    monkeypatch.setattr(service_module, "get_registry", lambda: registry)
    assert ModuleService().registry is registry


def audit_entries(platform) -> list[tuple]:
    return list(
        ModuleAuditEntry.objects.filter(platform=platform)
        .order_by("pk")
        .values_list("module_code", "action", "cause")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["enable", "disable"])
def test_a_failing_hook_shows_its_error_and_changes_nothing(
    staff_client, platform, billing_hooks_fail, action
):
    if action == "disable":  # billing is on (enabled where its hooks still work)
        ModuleService(registry=get_registry()).enable(platform, "billing", source="test")
    before, audit = snapshot(platform), audit_entries(platform)
    response = staff_client.post(reverse(f"core:module-{action}", args=["billing"]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("core:modules"))
    html = response.content.decode()
    assert f"billing: on_{action} hook failed on acme: cannot reach the ledger" in html
    # Nothing is written: the change rolls back with its hook (enabling: payments, written
    # first as billing's requirement, too), and no audit entry stays behind.
    assert snapshot(platform) == before
    assert audit_entries(platform) == audit
    enabled = ModuleService().enabled_codes(platform)
    assert ("billing" in enabled, "payments" in enabled) == (
        (False, False) if action == "enable" else (True, True)
    )


@pytest.mark.django_db
def test_plan_with_missing_config_cannot_be_confirmed(staff_client, platform, monkeypatch):
    plan = ModulePlan(
        platform="acme",
        action=Action.ENABLE,
        module="payments",
        steps=(
            PlanStep(
                code="payments",
                action=Action.ENABLE,
                cause="explicit",
                missing_config=("api_key",),
            ),
        ),
    )
    monkeypatch.setattr(ModuleService, "plan_enable", lambda self, platform, code: plan)
    html = staff_client.get(reverse("core:module-enable", args=["payments"])).content.decode()
    assert "Required settings are missing" in html
    assert 'id="confirm"' not in html
    assert reverse("core:module-config", args=["payments"]) in html


# --- the config form ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_config_form_is_generated_from_the_schema(staff_client, platform):
    ModuleService().set_config(platform, "payments", {"api_key": SECRET}, source="test")
    response = staff_client.get(reverse("core:module-config", args=["payments"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<select id="id_provider" name="provider">' in html
    assert 'type="checkbox" id="id_capture_automatically"' in html
    assert 'type="text" id="id_currency" name="currency" value="EUR"' in html
    assert 'type="password" id="id_api_key" name="api_key" value=""' in html
    assert "Who processes card payments." in html  # help_text
    assert "Set — leave empty to keep it" in html
    assert SECRET not in html
    billing = staff_client.get(reverse("core:module-config", args=["billing"])).content.decode()
    assert 'type="number" id="id_payment_terms_days"' in billing
    assert 'max="365"' in billing
    assert 'step="0.01"' in billing  # the decimal tax rate


@pytest.mark.django_db
def test_config_errors_are_shown_per_field_and_nothing_is_saved(staff_client, platform):
    before = ModuleService().get_config(platform, "billing")
    audit = ModuleAuditEntry.objects.count()
    response = staff_client.post(
        reverse("core:module-config", args=["billing"]),
        {"invoice_prefix": "bad prefix", "payment_terms_days": "999", "tax_rate_percent": "5"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    fields = {f.name: f for f in response.context["form"].fields}
    assert fields["payment_terms_days"].errors == [
        "Ensure this value is less than or equal to 365."
    ]
    assert fields["invoice_prefix"].errors
    assert not fields["tax_rate_percent"].errors
    # The error sits inside the field's block, and what was typed is kept.
    block = html[html.index('id="field-payment_terms_days"') :]
    block = block[: block.index('id="field-', 10)]
    assert "less than or equal to 365" in block
    assert 'value="999"' in block
    assert 'value="bad prefix"' in html
    assert ModuleService().get_config(platform, "billing") == before
    assert ModuleAuditEntry.objects.count() == audit


@pytest.mark.django_db
def test_config_saves_through_the_service(staff_client, platform, staff_user):
    response = staff_client.post(
        reverse("core:module-config", args=["billing"]),
        {"invoice_prefix": "ACME-", "payment_terms_days": "30", "tax_rate_percent": "7.5"},
        follow=True,
    )
    assert "Settings of Billing saved for Acme." in response.content.decode()
    config = ModuleService().get_config(platform, "billing")
    assert config == {
        "invoice_prefix": "ACME-",
        "payment_terms_days": 30,
        "tax_rate_percent": "7.50",
        "dunning_days": 14,
        "trial_days": 14,
    }
    entry = ModuleAuditEntry.objects.get(platform=platform, action="config_changed")
    assert (entry.actor, entry.source) == (staff_user, "dashboard")
    # Nothing was stored before, so the history shows the defaults that applied.
    assert entry.old_config["payment_terms_days"] == 14
    assert entry.new_config["payment_terms_days"] == 30


@pytest.mark.django_db
def test_checkbox_left_unticked_is_false(staff_client, platform):
    staff_client.post(
        reverse("core:module-config", args=["payments"]),
        {"provider": "manual", "currency": "USD", "api_key": ""},
    )
    config = ModuleService().get_config(platform, "payments")
    assert config["capture_automatically"] is False
    assert config["currency"] == "USD"


@pytest.mark.django_db
def test_secret_is_kept_when_left_empty_and_never_rendered(staff_client, platform):
    service = ModuleService()
    service.set_config(platform, "payments", {"provider": "stripe", "api_key": SECRET}, source="t")
    url = reverse("core:module-config", args=["payments"])
    # Empty (or the mask) keeps the stored secret.
    for posted in ("", "********"):
        response = staff_client.post(
            url,
            {
                "provider": "stripe",
                "currency": "GBP",
                "capture_automatically": "true",
                "api_key": posted,
            },
            follow=True,
        )
        assert SECRET not in response.content.decode()
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == SECRET
    # A new secret typed along with an error is not echoed back either.
    response = staff_client.post(
        url, {"provider": "stripe", "currency": "nope", "api_key": "sk_new_TYPED_456"}
    )
    assert response.status_code == 400
    assert "sk_new_TYPED_456" not in response.content.decode()
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == SECRET
    # A new secret replaces the old one; the history shows it masked.
    staff_client.post(
        url, {"provider": "stripe", "currency": "GBP", "api_key": "sk_live_REPLACED_789"}
    )
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == (
        "sk_live_REPLACED_789"
    )
    history = staff_client.get(reverse("core:module-history")).content.decode()
    assert "sk_live_REPLACED_789" not in history and SECRET not in history
    assert "GBP" in history


@pytest.mark.django_db
def test_a_secret_can_be_cleared(staff_client, platform):
    service = ModuleService()
    service.set_config(platform, "payments", {"api_key": SECRET}, source="t")
    staff_client.post(
        reverse("core:module-config", args=["payments"]),
        {"provider": "manual", "currency": "EUR", "api_key": "", "api_key__clear": "1"},
    )
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == ""


# --- history ------------------------------------------------------------------------------------


def add_entries(platform, count: int, code: str = "billing") -> None:
    ModuleAuditEntry.objects.bulk_create(
        ModuleAuditEntry(
            platform=platform,
            module_code=code,
            action="config_changed",
            cause="explicit",
            source="test",
            old_config={"payment_terms_days": i},
            new_config={"payment_terms_days": i + 1},
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_history_is_paginated_and_filtered(staff_client, platform, other_platform):
    ModuleAuditEntry.objects.all().delete()
    add_entries(platform, 120)
    add_entries(platform, 3, code="analytics")
    add_entries(other_platform, 7)
    url = reverse("core:module-history")
    first = staff_client.get(url)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 123
    last = staff_client.get(url, {"page": 3})
    assert len(last.context["rows"]) == 23
    assert "Page 3 of 3" in last.content.decode()
    only = staff_client.get(url, {"module": "analytics"})
    assert only.context["page"].paginator.count == 3
    assert {r["entry"].module_code for r in only.context["rows"]} == {"analytics"}
    row = first.context["rows"][0]
    assert row["diff"] == [
        {
            "key": "payment_terms_days",
            "old": row["entry"].old_config["payment_terms_days"],
            "new": row["entry"].new_config["payment_terms_days"],
            "added": False,
        }
    ]


# --- platform isolation -------------------------------------------------------------------------


@pytest.mark.django_db
def test_managing_one_platform_never_changes_another(staff_client, platform, other_platform):
    acme_before = snapshot(platform)
    acme_audit = ModuleAuditEntry.objects.filter(platform=platform).count()
    staff_client.post(reverse("core:switch-platform"), {"platform": "globex"})
    assert staff_client.session[dashboard.SESSION_KEY] == "globex"

    assert (
        staff_client.get(reverse("core:module-enable", args=["billing"])).context["plan"].platform
        == "globex"
    )
    staff_client.post(reverse("core:module-enable", args=["billing"]))
    staff_client.post(
        reverse("core:module-config", args=["billing"]),
        {"invoice_prefix": "GLX-", "payment_terms_days": "60", "tax_rate_percent": "10"},
    )
    staff_client.post(reverse("core:module-disable", args=["billing"]))

    service = ModuleService()
    assert service.records(other_platform)["payments"].is_enabled
    assert service.get_config(other_platform, "billing")["invoice_prefix"] == "GLX-"
    assert snapshot(platform) == acme_before
    assert ModuleAuditEntry.objects.filter(platform=platform).count() == acme_audit
    assert service.get_config(platform, "billing")["invoice_prefix"] == "INV-"
    listed = staff_client.get(reverse("core:modules")).context
    assert listed["dashboard_platform"] == other_platform


# --- query budget -------------------------------------------------------------------------------

# Session, user, platforms (switcher), then one or two queries of the page's own; the platform
# state comes from the cache once warm.
PAGE_BUDGET = 6


def _build(size: str):
    if size == "small":
        return PlatformFactory(code="acme", name="Acme", domains=["acme.test"])
    registry = get_registry()
    optional = registry.codes_by_tier("optional") + registry.codes_by_tier("internal")
    big = PlatformFactory(code="acme", name="Acme", domains=["acme.test"], modules=optional)
    add_entries(big, 200)
    for index in range(5):
        PlatformFactory(code=f"tenant{index}", modules=optional)
    return big


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(
    "name", ["core:modules", "core:dashboard", "core:module-history", "core:module-config"]
)
def test_pages_make_the_same_queries_at_any_size(
    staff_client, size, name, django_assert_max_num_queries
):
    chosen = _build(size)
    url = reverse(name, args=["billing"]) if name == "core:module-config" else reverse(name)
    staff_client.get(url)  # warm the platform state cache
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["dashboard_platform"] == chosen
    if name == "core:modules" and size == "large":
        assert response.context["enabled_count"] == len(get_registry())
