"""ModuleService on the installed registry (and on small custom ones): cascades, causes, dry runs,
config, secrets, purge, rollback of a failing hook, core modules on new platforms."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from orion_core.exceptions import (
    ModuleConfigError,
    ModuleStateError,
    UnknownModuleError,
    UnknownPlatformError,
)
from orion_core.models import ModuleAuditEntry, Platform, PlatformDomain, PlatformModule
from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.services import Action, ModuleService
from orion_core.services.config import SECRET_MASK
from orion_core.testing import PlatformFactory

pytestmark = pytest.mark.django_db

CORE = {"core", "tenancy", "cms", "customers"}
Audit = ModuleAuditEntry.Action


@pytest.fixture
def service() -> ModuleService:
    return ModuleService()


def enabled_rows(platform) -> set[str]:
    return set(
        PlatformModule.objects.filter(platform=platform, is_enabled=True).values_list(
            "module_code", flat=True
        )
    )


def audit(platform, *codes: str) -> list[tuple[str, str, str, str]]:
    """(module, action, cause, cause_module) in the order written."""
    entries = ModuleAuditEntry.objects.filter(platform=platform).order_by("id")
    if codes:
        entries = entries.filter(module_code__in=codes)
    return list(entries.values_list("module_code", "action", "cause", "cause_module"))


def counts() -> tuple[int, int, list]:
    return (
        PlatformModule.objects.count(),
        ModuleAuditEntry.objects.count(),
        list(
            PlatformModule.objects.order_by("id").values_list("module_code", "is_enabled", "config")
        ),
    )


def make(
    code: str, tier: Tier = Tier.OPTIONAL, requires: tuple[str, ...] = (), **kw
) -> ModuleDefinition:
    return ModuleDefinition(code=code, name=code.title(), tier=tier, requires=requires, **kw)


# --- new platforms and core modules -----------------------------------------------------------


def test_a_new_platform_has_every_core_module_enabled(platform, service):
    records = service.records(platform)
    assert {c for c, r in records.items() if r.is_enabled} == CORE
    for code in CORE:
        assert records[code].cause == "core"
        assert not records[code].enabled_explicitly
    entries = ModuleAuditEntry.objects.filter(platform=platform)
    assert {(e.module_code, e.action, e.cause, e.source) for e in entries} == {
        (code, Audit.ENABLED, "core", "system") for code in CORE
    }
    assert service.enabled_codes(platform) == frozenset(CORE)


def test_ensure_core_is_idempotent(platform, service):
    before = counts()
    assert service.ensure_core(platform) == []
    assert counts() == before


def test_ensure_core_repairs_a_disabled_core_row(platform, service):
    PlatformModule.objects.filter(platform=platform, module_code="cms").update(is_enabled=False)
    PlatformModule.objects.filter(platform=platform, module_code="tenancy").delete()
    assert sorted(service.ensure_core(platform)) == ["cms", "tenancy"]
    assert enabled_rows(platform) == CORE
    assert service.ensure_core(platform) == []


def test_ensure_core_runs_hooks_in_dependency_order():
    calls = []
    reg = ModuleRegistry(
        [
            make(
                "zz_top",
                Tier.CORE,
                ("aa_base", "mm_mid"),
                on_enable=lambda p, u: calls.append("zz_top"),
            ),
            make("mm_mid", Tier.CORE, ("aa_base",), on_enable=lambda p, u: calls.append("mm_mid")),
            make("aa_base", Tier.CORE, on_enable=lambda p, u: calls.append("aa_base")),
        ]
    )
    platform = PlatformFactory(code="hooks")
    assert ModuleService(registry=reg).ensure_core(platform) == ["aa_base", "mm_mid", "zz_top"]
    assert calls == ["aa_base", "mm_mid", "zz_top"]


def test_enabling_a_core_module_without_a_row_stores_it_enabled(platform, service):
    PlatformModule.objects.filter(platform=platform, module_code="cms").delete()
    service.enable(platform, "cms")
    assert PlatformModule.objects.get(platform=platform, module_code="cms").is_enabled


def test_an_explicit_empty_registry_is_used():
    empty = ModuleRegistry([])
    assert ModuleService(registry=empty).registry is empty
    assert ModuleService().registry is get_registry()


# --- enable --------------------------------------------------------------------------------------


def test_enable_cascades_to_requirements_with_causes(platform, service, user):
    plan = service.enable(platform, "billing", user=user, source="cli")
    assert plan.dry_run is False
    assert plan.action is Action.ENABLE
    assert plan.codes == ["payments", "billing"]
    payments, billing = plan.steps
    assert (payments.cause, payments.cause_module, payments.was_enabled) == (
        "required by billing",
        "billing",
        False,
    )
    assert (billing.cause, billing.cause_module) == ("explicit", "")

    records = service.records(platform)
    assert records["billing"].is_enabled and records["billing"].enabled_explicitly
    assert records["billing"].required_by == ""
    assert records["billing"].cause == "explicit"
    assert records["billing"].enabled_by == user
    assert records["billing"].enabled_at is not None
    assert records["payments"].is_enabled and not records["payments"].enabled_explicitly
    assert records["payments"].required_by == "billing"
    assert records["payments"].cause == "required by billing"

    assert audit(platform, "payments", "billing") == [
        ("payments", Audit.ENABLED, "required by billing", "billing"),
        ("billing", Audit.ENABLED, "explicit", ""),
    ]
    entry = ModuleAuditEntry.objects.filter(platform=platform, module_code="billing").get()
    assert entry.actor == user and entry.source == "cli"
    assert entry.old_config is None and entry.new_config is None


def test_enable_orders_pulls_in_both_requirements_in_order(platform, service):
    plan = service.enable(platform, "orders")
    assert plan.codes == ["catalog", "payments", "orders"]
    assert [s.cause for s in plan.steps] == ["required by orders", "required by orders", "explicit"]
    assert enabled_rows(platform) == CORE | {"catalog", "payments", "orders"}


def test_enable_marketplace_transitive_requirements(platform, service):
    plan = service.enable(platform, "marketplace")
    assert plan.codes == ["catalog", "inventory", "marketplace"]
    causes = {s.code: s.cause_module for s in plan.steps}
    assert causes == {"catalog": "marketplace", "inventory": "marketplace", "marketplace": ""}
    for step in plan.steps:
        for req in get_registry().requirements(step.code):
            assert plan.codes.index(req) < plan.codes.index(step.code)


def test_enable_skips_requirements_already_on(platform, service):
    service.enable(platform, "inventory")
    plan = service.enable(platform, "marketplace")
    assert plan.codes == ["marketplace"]
    # inventory keeps its own (explicit) cause
    assert service.records(platform)["inventory"].enabled_explicitly


def test_enable_twice_changes_nothing(platform, service):
    service.enable(platform, "analytics")
    before = counts()
    plan = service.enable(platform, "analytics")
    assert not plan.has_changes
    assert counts() == before


def test_enabling_an_implicit_module_marks_it_explicit(platform, service):
    service.enable(platform, "billing")
    plan = service.enable(platform, "payments")
    assert plan.codes == ["payments"]
    assert plan.steps[0].was_enabled and plan.steps[0].cause == "explicit"
    record = service.records(platform)["payments"]
    assert record.is_enabled and record.enabled_explicitly and record.cause == "explicit"
    # Now that a person wants it, pruning billing's requirements keeps it.
    plan = service.disable(platform, "billing", prune=True)
    assert plan.codes == ["billing"]
    assert "payments" in enabled_rows(platform)


def test_enable_unknown_module_or_platform(platform, service):
    with pytest.raises(UnknownModuleError):
        service.enable(platform, "billin")
    with pytest.raises(UnknownPlatformError):
        service.enable(Platform(pk=999_999, code="ghost"), "billing")


def test_is_enabled_after_commit(platform, service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "billing")
    assert service.is_enabled(platform, "billing")
    assert service.is_enabled(platform.pk, "payments")
    assert service.is_enabled(platform, "core")
    assert not service.is_enabled(platform, "orders")
    with django_capture_on_commit_callbacks(execute=True):
        service.disable(platform, "payments")
    assert service.enabled_codes(platform) == frozenset(CORE)


# --- disable -------------------------------------------------------------------------------------


def test_disable_cascades_to_dependents(platform, service, user):
    service.enable(platform, "marketplace")
    service.enable(platform, "orders")
    plan = service.disable(platform, "catalog", user=user)
    assert plan.codes[-1] == "catalog"
    assert set(plan.codes) == {"catalog", "inventory", "orders", "marketplace"}
    for step in plan.steps:  # dependents go before what they require
        for req in get_registry().requirements(step.code) & set(plan.codes):
            assert plan.codes.index(step.code) < plan.codes.index(req)
    assert {s.code: s.cause for s in plan.steps} == {
        "catalog": "explicit",
        "inventory": "dependent of catalog",
        "orders": "dependent of catalog",
        "marketplace": "dependent of catalog",
    }
    assert enabled_rows(platform) == CORE | {"payments"}
    # payments was only on for orders: offered, not switched off.
    assert plan.suggestions == ("payments",)
    record = service.records(platform)["orders"]
    assert not record.is_enabled and not record.enabled_explicitly and record.required_by == ""
    assert record.disabled_by == user and record.disabled_at is not None
    disabled = audit(platform)[-4:]
    assert [e[1] for e in disabled] == [Audit.DISABLED] * 4
    assert [e[0] for e in disabled] == plan.codes


def test_disable_a_disabled_module_is_a_noop(platform, service):
    before = counts()
    plan = service.disable(platform, "billing")
    assert not plan.has_changes
    assert plan.notes == ("billing is already disabled.",)
    assert counts() == before


@pytest.mark.parametrize("code", sorted(CORE))
@pytest.mark.parametrize("dry_run", [False, True])
def test_core_modules_cannot_be_disabled(platform, service, code, dry_run):
    before = counts()
    with pytest.raises(ModuleStateError, match="core module"):
        service.disable(platform, code, dry_run=dry_run)
    assert counts() == before


def test_prune_disables_orphaned_requirements_only(platform, service):
    service.enable(platform, "catalog")  # explicitly
    service.enable(platform, "orders")  # pulls in payments only
    dry = service.disable(platform, "orders", dry_run=True)
    assert dry.suggestions == ("payments",)
    plan = service.disable(platform, "orders", prune=True)
    assert plan.codes == ["orders", "payments"]
    assert plan.steps[1].cause == "no longer needed"
    assert plan.steps[1].cause_module == "orders"
    assert plan.suggestions == ()
    assert enabled_rows(platform) == CORE | {"catalog"}


def test_prune_keeps_requirements_another_module_still_needs(platform, service):
    service.enable(platform, "billing")
    service.enable(platform, "orders")
    plan = service.disable(platform, "orders", prune=True)
    assert plan.codes == ["orders", "catalog"]
    assert enabled_rows(platform) == CORE | {"billing", "payments"}


def test_without_prune_requirements_stay(platform, service):
    service.enable(platform, "billing")
    plan = service.disable(platform, "billing")
    assert plan.codes == ["billing"]
    assert plan.suggestions == ("payments",)
    assert enabled_rows(platform) == CORE | {"payments"}


# --- dry runs ------------------------------------------------------------------------------------


def test_dry_run_enable_matches_the_real_run_and_writes_nothing(platform, service):
    service.enable(platform, "catalog")
    before = counts()
    dry = service.enable(platform, "marketplace", dry_run=True)
    assert counts() == before
    assert dry.dry_run is True
    real = service.enable(platform, "marketplace")
    assert real.dry_run is False
    assert real.steps == dry.steps
    assert real.codes == ["inventory", "marketplace"]
    assert dry.describe()[0].startswith("Plan: enable marketplace on acme")
    assert real.describe()[0].startswith("Done: enable marketplace on acme")


def test_dry_run_disable_matches_the_real_run_and_writes_nothing(platform, service):
    service.enable(platform, "marketplace")
    service.enable(platform, "billing")
    for prune in (False, True):
        before = counts()
        dry = service.disable(platform, "catalog", dry_run=True, prune=prune)
        assert counts() == before
        assert dry.dry_run
    real = service.disable(platform, "catalog", prune=True)
    assert real.steps == dry.steps
    assert real.suggestions == dry.suggestions


def test_plan_lists_scheduled_tasks(platform, service):
    plan = service.enable(platform, "monitoring", dry_run=True)
    assert plan.steps[0].tasks == ("check-module-health", "purge-errors")
    assert "starts tasks: check-module-health, purge-errors" in plan.describe()[1]


# --- required config -----------------------------------------------------------------------------


class GatewaySchema(serializers.Serializer):
    api_key = serializers.CharField(write_only=True)  # required, no default
    retries = serializers.IntegerField(min_value=0, default=3)


@pytest.fixture
def gateway_service() -> ModuleService:
    return ModuleService(
        registry=ModuleRegistry(
            [
                make("gateway", config_schema=GatewaySchema),
                make("shop", requires=("gateway",)),
            ]
        )
    )


def test_enable_refused_when_required_config_is_missing(platform, gateway_service):
    before = counts()
    with pytest.raises(ModuleConfigError) as excinfo:
        gateway_service.enable(platform, "gateway")
    assert set(excinfo.value.errors) == {"api_key"}
    with pytest.raises(ModuleConfigError) as excinfo:
        gateway_service.enable(platform, "shop")
    assert set(excinfo.value.errors) == {"__all__"}
    assert "gateway: api_key" in str(excinfo.value)
    assert counts() == before

    dry = gateway_service.enable(platform, "shop", dry_run=True)
    assert dry.missing_config == {"gateway": ("api_key",)}
    assert "required config missing: api_key" in dry.describe()[1]


def test_enable_with_the_missing_config(platform, gateway_service):
    dry = gateway_service.enable(platform, "gateway", dry_run=True, config={"api_key": "k-1"})
    assert dry.missing_config == {}
    plan = gateway_service.enable(platform, "gateway", config={"api_key": "k-1"})
    assert plan.steps == dry.steps
    record = gateway_service.records(platform)["gateway"]
    assert record.is_enabled and record.config == {"api_key": "k-1", "retries": 3}
    assert gateway_service.get_config(platform, "gateway") == {"api_key": SECRET_MASK, "retries": 3}
    # Now shop can come on.
    assert gateway_service.enable(platform, "shop").codes == ["shop"]


def test_config_set_first_then_enable(platform, gateway_service):
    gateway_service.set_config(platform, "gateway", {"api_key": "k-2"})
    assert gateway_service.enable(platform, "shop").codes == ["gateway", "shop"]


# --- config --------------------------------------------------------------------------------------

BILLING_DEFAULTS = {
    "invoice_prefix": "INV-",
    "payment_terms_days": 14,
    "tax_rate_percent": "20.00",
    "dunning_days": 14,
    "trial_days": 14,
}


def test_get_config_merges_defaults(platform, service):
    assert service.get_config(platform, "billing") == BILLING_DEFAULTS
    service.set_config(platform, "billing", {"payment_terms_days": 30})
    assert service.get_config(platform, "billing") == {**BILLING_DEFAULTS, "payment_terms_days": 30}
    assert service.get_config(platform, "dev_tools") == {}


def test_set_config_returns_and_audits_the_change(platform, service, user):
    result = service.set_config(
        platform, "billing", {"invoice_prefix": "B-"}, user=user, source="api"
    )
    assert result == {**BILLING_DEFAULTS, "invoice_prefix": "B-"}
    entry = ModuleAuditEntry.objects.get(platform=platform, action=Audit.CONFIG_CHANGED)
    assert entry.module_code == "billing"
    assert entry.actor == user and entry.source == "api"
    # Effective values on both sides: the first change reads "INV- → B-", not "— → B-".
    assert entry.old_config == BILLING_DEFAULTS
    assert entry.new_config == {**BILLING_DEFAULTS, "invoice_prefix": "B-"}
    # The same values again are not a change.
    before = counts()
    service.set_config(platform, "billing", {"invoice_prefix": "B-"})
    assert counts() == before


def test_set_config_validates_per_field_and_stores_nothing(platform, service):
    service.set_config(platform, "billing", {"payment_terms_days": 30})
    before = counts()
    with pytest.raises(ModuleConfigError) as excinfo:
        service.set_config(
            platform, "billing", {"payment_terms_days": 999, "invoice_prefix": "lower case"}
        )
    assert set(excinfo.value.errors) == {"payment_terms_days", "invoice_prefix"}
    assert excinfo.value.code == "billing"
    with pytest.raises(ModuleConfigError) as excinfo:
        service.set_config(platform, "billing", {"payment_term_days": 3})
    assert excinfo.value.errors == {"payment_term_days": ["Unknown setting."]}
    with pytest.raises(ModuleConfigError):
        service.set_config(platform, "dev_tools", {"anything": 1})
    assert counts() == before
    assert service.get_config(platform, "billing")["payment_terms_days"] == 30


def test_set_config_on_a_disabled_module_does_not_enable_it(platform, service):
    service.set_config(platform, "billing", {"payment_terms_days": 1})
    assert not service.records(platform)["billing"].is_enabled


def test_secrets_are_masked_everywhere(platform, service):
    result = service.set_config(
        platform, "payments", {"provider": "stripe", "api_key": "sk_live_1"}
    )
    assert result["api_key"] == SECRET_MASK
    assert result["provider"] == "stripe"
    assert service.get_config(platform, "payments")["api_key"] == SECRET_MASK
    assert service.get_config(platform, "payments", reveal_secrets=True)["api_key"] == "sk_live_1"
    assert service.records(platform)["payments"].config["api_key"] == "sk_live_1"

    # Sending the mask back keeps the secret.
    service.set_config(platform, "payments", {"api_key": SECRET_MASK, "currency": "USD"})
    stored = service.records(platform)["payments"].config
    assert stored["api_key"] == "sk_live_1" and stored["currency"] == "USD"

    # Changing only the secret is a change, audited with masked values.
    service.set_config(platform, "payments", {"api_key": "sk_live_2"})
    assert service.records(platform)["payments"].config["api_key"] == "sk_live_2"

    entries = list(ModuleAuditEntry.objects.filter(platform=platform, action=Audit.CONFIG_CHANGED))
    assert len(entries) == 3
    for entry in entries:
        assert "sk_live" not in repr(entry.old_config) + repr(entry.new_config)
        assert entry.new_config["api_key"] == SECRET_MASK


def test_unset_secret_is_not_masked(platform, service):
    assert "api_key" not in service.get_config(platform, "payments")
    service.set_config(platform, "payments", {"api_key": ""})
    assert service.get_config(platform, "payments")["api_key"] == ""


def test_provider_needs_a_key(platform, service):
    with pytest.raises(ModuleConfigError) as excinfo:
        service.set_config(platform, "payments", {"provider": "stripe"})
    assert set(excinfo.value.errors) == {"api_key"}


def test_disable_is_soft_and_enable_brings_config_back(platform, service):
    service.enable(platform, "billing", config={"payment_terms_days": 45})
    service.disable(platform, "payments")
    assert enabled_rows(platform) == CORE
    assert service.records(platform)["billing"].config["payment_terms_days"] == 45
    assert service.get_config(platform, "billing")["payment_terms_days"] == 45
    service.enable(platform, "billing")
    assert service.get_config(platform, "billing")["payment_terms_days"] == 45
    assert enabled_rows(platform) == CORE | {"billing", "payments"}


def test_enable_with_invalid_config_writes_nothing(platform, service):
    before = counts()
    with pytest.raises(ModuleConfigError):
        service.enable(platform, "billing", config={"payment_terms_days": -1})
    assert counts() == before


# --- purge ---------------------------------------------------------------------------------------


def test_purge_refuses_enabled_and_core_modules(platform, service):
    service.enable(platform, "billing", config={"payment_terms_days": 9})
    before = counts()
    with pytest.raises(ModuleStateError, match="Disable 'billing'"):
        service.purge(platform, "billing")
    with pytest.raises(ModuleStateError, match="core module"):
        service.purge(platform, "cms")
    assert counts() == before


def test_purge_clears_config_of_a_disabled_module(platform, service, user):
    service.enable(platform, "payments", config={"provider": "stripe", "api_key": "sk_9"})
    service.disable(platform, "payments")
    service.purge(platform, "payments", user=user, source="cli")
    assert service.records(platform)["payments"].config == {}
    assert service.get_config(platform, "payments")["provider"] == "manual"
    entry = ModuleAuditEntry.objects.filter(platform=platform).order_by("id").last()
    assert (entry.module_code, entry.action, entry.actor, entry.source) == (
        "payments",
        Audit.PURGED,
        user,
        "cli",
    )
    assert entry.old_config["api_key"] == SECRET_MASK
    assert entry.old_config["provider"] == "stripe"
    assert entry.new_config is None


def test_purge_runs_the_modules_hook(platform):
    purged = []
    reg = ModuleRegistry([make("notes", on_purge=lambda p, u: purged.append(p.code))])
    ModuleService(registry=reg).purge(platform, "notes")
    assert purged == ["acme"]
    assert audit(platform, "notes") == [("notes", Audit.PURGED, "explicit", "")]


# --- hooks and rollback --------------------------------------------------------------------------


def _boom(platform, user):
    raise RuntimeError("cannot reach the ledger")


def _writes_a_domain(platform, user):
    PlatformDomain.objects.create(platform=platform, domain="hook-write.test")


def test_a_failing_enable_hook_rolls_back_the_whole_cascade(platform):
    reg = ModuleRegistry(
        [
            make("ledger", on_enable=_writes_a_domain),
            make("books", requires=("ledger",), on_enable=_boom),
        ]
    )
    service = ModuleService(registry=reg)
    before = counts()
    with pytest.raises(
        ModuleStateError, match="books: on_enable hook failed on acme: cannot reach"
    ):
        service.enable(platform, "books")
    assert counts() == before
    assert not PlatformModule.objects.filter(module_code__in=["ledger", "books"]).exists()
    assert not ModuleAuditEntry.objects.filter(module_code__in=["ledger", "books"]).exists()
    assert not PlatformDomain.objects.filter(domain="hook-write.test").exists()


def test_a_failing_disable_hook_rolls_back(platform):
    reg = ModuleRegistry(
        [
            make("ledger", on_disable=_boom),
            make("books", requires=("ledger",), on_disable=_writes_a_domain),
        ]
    )
    service = ModuleService(registry=reg)
    service.enable(platform, "books")
    before = counts()
    with pytest.raises(ModuleStateError, match="ledger: on_disable hook failed"):
        service.disable(platform, "ledger")
    assert counts() == before
    assert {c for c, r in service.records(platform).items() if r.is_enabled} >= {"ledger", "books"}
    assert not PlatformDomain.objects.filter(domain="hook-write.test").exists()


def test_hooks_run_once_per_real_change(platform):
    calls = []
    reg = ModuleRegistry(
        [
            make(
                "ledger",
                on_enable=lambda p, u: calls.append("+ledger"),
                on_disable=lambda p, u: calls.append("-ledger"),
            ),
            make(
                "books",
                requires=("ledger",),
                on_enable=lambda p, u: calls.append("+books"),
                on_disable=lambda p, u: calls.append("-books"),
            ),
        ]
    )
    service = ModuleService(registry=reg)
    service.enable(platform, "books")
    service.enable(platform, "books")
    service.enable(platform, "ledger")  # marks it explicit, no hook
    service.disable(platform, "ledger")
    assert calls == ["+ledger", "+books", "-books", "-ledger"]


# --- reading back --------------------------------------------------------------------------------


def test_history_newest_first_and_per_module(platform, service, user):
    service.enable(platform, "billing", user=user)
    service.disable(platform, "billing", user=user)
    history = list(service.history(platform, "billing"))
    assert [(e.action, e.cause) for e in history] == [
        (Audit.DISABLED, "explicit"),
        (Audit.ENABLED, "explicit"),
    ]
    assert all(e.actor == user for e in history)
    assert {e.module_code for e in service.history(platform)} == CORE | {"billing", "payments"}


def test_platforms_are_independent(platform, other_platform, service):
    service.enable(platform, "orders")
    service.enable(other_platform, "analytics")
    assert enabled_rows(platform) == CORE | {"orders", "payments", "catalog"}
    assert enabled_rows(other_platform) == CORE | {"analytics"}
    service.disable(other_platform, "analytics")
    service.set_config(other_platform, "billing", {"payment_terms_days": 2})
    assert service.get_config(platform, "billing") == BILLING_DEFAULTS
    assert enabled_rows(platform) == CORE | {"orders", "payments", "catalog"}


def test_dry_run_refuses_invalid_config_like_the_real_run(platform, service):
    service.set_config(platform, "billing", {"invoice_prefix": "B-"})
    before = counts()
    for dry_run in (True, False):
        with pytest.raises(ModuleConfigError) as excinfo:
            service.enable(platform, "billing", dry_run=dry_run, config={"payment_terms_days": -1})
        assert set(excinfo.value.errors) == {"payment_terms_days"}
    assert counts() == before
    plan = service.enable(platform, "billing", dry_run=True, config={"payment_terms_days": 1})
    assert plan.codes == ["payments", "billing"]
    assert counts() == before
