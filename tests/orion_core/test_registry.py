"""The module registry: lookups, the dependency graph, the installed modules (ARCHITECTURE §2)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from orion_core.exceptions import UnknownModuleError
from orion_core.modules import registry as registry_module
from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import ModuleRegistry, get_registry


def make(
    code: str, tier: Tier = Tier.OPTIONAL, requires: tuple[str, ...] = (), **kw
) -> ModuleDefinition:
    return ModuleDefinition(code=code, name=code.title(), tier=tier, requires=requires, **kw)


@pytest.fixture
def registry() -> ModuleRegistry:
    #   base (core) <- site (core)
    #   money <- invoices <- reports
    #   goods <- stock <- market -> goods
    return ModuleRegistry(
        [
            make("base", Tier.CORE),
            make("site", Tier.CORE, ("base",)),
            make("money", features=("pay", "refund")),
            make("invoices", requires=("money",), features=("invoice",)),
            make("reports", requires=("invoices",)),
            make("goods"),
            make("stock", requires=("goods",)),
            make("market", requires=("stock", "goods")),
            make("tools", Tier.INTERNAL),
        ]
    )


# --- lookups ------------------------------------------------------------------------------------


def test_lookup_by_code_and_membership(registry):
    assert registry.get("money").name == "Money"
    assert "money" in registry
    assert "nope" not in registry
    assert len(registry) == 9
    assert registry.codes()[0] == "base"
    assert [d.code for d in registry] == registry.codes() == [d.code for d in registry.all()]


def test_unknown_code_names_it_and_lists_known(registry):
    with pytest.raises(UnknownModuleError) as excinfo:
        registry.get("bilRing")
    err = excinfo.value
    assert err.code == "bilRing"
    assert isinstance(err, LookupError)
    message = str(err)
    assert "'bilRing'" in message
    assert (
        "Known modules: base, goods, invoices, market, money, reports, site, stock, tools."
        in message
    )


@pytest.mark.parametrize("method", ["tier_of", "requirements", "dependents"])
def test_graph_lookups_refuse_unknown_codes(registry, method):
    with pytest.raises(UnknownModuleError):
        getattr(registry, method)("ghost")


def test_tiers(registry):
    assert registry.tier_of("base") is Tier.CORE
    assert registry.tier_of("money") is Tier.OPTIONAL
    assert registry.tier_of("tools") is Tier.INTERNAL
    assert registry.codes_by_tier(Tier.CORE) == ["base", "site"]
    assert registry.codes_by_tier("internal") == ["tools"]
    assert registry.codes_by_tier("optional") == [
        "money",
        "invoices",
        "reports",
        "goods",
        "stock",
        "market",
    ]
    assert [d.code for d in registry.by_tier("core")] == ["base", "site"]
    with pytest.raises(ValueError):
        registry.by_tier("premium")


def test_is_core_and_is_internal(registry):
    assert registry.is_core("base") and not registry.is_internal("base")
    assert registry.is_internal("tools") and not registry.is_core("tools")
    assert not registry.is_core("money") and not registry.is_internal("money")
    # Unknown codes are neither (no exception: callers use these as guards).
    assert not registry.is_core("ghost") and not registry.is_internal("ghost")


def test_module_for_feature(registry):
    assert registry.module_for_feature("refund").code == "money"
    assert registry.module_for_feature("invoice").code == "invoices"
    assert registry.module_for_feature("teleport") is None


def test_duplicates_are_recorded_first_one_wins():
    reg = ModuleRegistry(
        [make("a", description="first"), make("a", description="second"), make("b")]
    )
    assert reg.duplicates == ["a"]
    assert reg.get("a").description == "first"
    assert len(reg) == 2


# --- dependency graph ---------------------------------------------------------------------------


def test_requirements_direct_and_transitive(registry):
    assert registry.requirements("reports", transitive=False) == {"invoices"}
    assert registry.requirements("reports") == {"invoices", "money"}
    assert registry.requirements("market", transitive=False) == {"stock", "goods"}
    assert registry.requirements("market") == {"stock", "goods"}
    assert registry.requirements("money") == set()
    assert registry.requirements("site") == {"base"}


def test_requirements_ignore_unknown_codes():
    reg = ModuleRegistry([make("a", requires=("ghost", "b")), make("b", requires=("phantom",))])
    assert reg.requirements("a") == {"b"}
    assert reg.requirements("a", transitive=False) == {"b"}


def test_dependents_direct_and_transitive(registry):
    assert registry.dependents("money", transitive=False) == {"invoices"}
    assert registry.dependents("money") == {"invoices", "reports"}
    assert registry.dependents("goods", transitive=False) == {"stock", "market"}
    assert registry.dependents("goods") == {"stock", "market"}
    assert registry.dependents("base") == {"site"}
    assert registry.dependents("reports") == set()


def test_dependency_order_puts_requirements_first(registry):
    order = registry.dependency_order()
    assert sorted(order) == sorted(registry.codes())
    for definition in registry:
        for req in definition.requires:
            assert order.index(req) < order.index(definition.code), (req, definition.code)
    # Ties: core before optional before internal, then by code.
    assert order[:3] == ["base", "goods", "money"]


def test_dependency_order_of_a_subset(registry):
    assert registry.dependency_order({"market", "goods", "stock"}) == ["goods", "stock", "market"]
    # Requirements outside the subset do not block it.
    assert registry.dependency_order(["reports"]) == ["reports"]
    assert registry.dependency_order([]) == []


def test_dependency_order_refuses_a_cycle():
    reg = ModuleRegistry([make("a", requires=("b",)), make("b", requires=("a",)), make("c")])
    with pytest.raises(ValueError, match="cycle"):
        reg.dependency_order()


def test_find_cycle_returns_a_closed_path():
    reg = ModuleRegistry(
        [
            make("a", requires=("b",)),
            make("b", requires=("c",)),
            make("c", requires=("a",)),
            make("d"),
        ]
    )
    cycle = reg.find_cycle()
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}
    assert len(cycle) == 4
    for here, there in zip(cycle, cycle[1:], strict=False):
        assert there in reg.get(here).requires


def test_find_cycle_self_requirement():
    assert ModuleRegistry([make("a", requires=("a",))]).find_cycle() == ["a", "a"]


def test_find_cycle_none_for_a_dag(registry):
    assert registry.find_cycle() is None
    # A diamond is not a cycle.
    diamond = ModuleRegistry(
        [
            make("top", requires=("l", "r")),
            make("l", requires=("bottom",)),
            make("r", requires=("bottom",)),
            make("bottom"),
        ]
    )
    assert diamond.find_cycle() is None


# --- the installed registry (ARCHITECTURE.md §2) -------------------------------------------------

CORE = {"core", "tenancy", "cms", "customers"}
OPTIONAL = {
    "payments",
    "billing",
    "inventory",
    "catalog",
    "orders",
    "marketplace",
    "analytics",
    "messaging",
}
INTERNAL = {"dev_tools", "monitoring"}


# The modules Orion ships. A module added later joins the registry; these stay where they are, so
# every check below is "at least" (a new module must never need an edit here).


def test_installed_modules_and_tiers():
    reg = get_registry()
    assert set(reg.codes()) >= CORE | OPTIONAL | INTERNAL
    assert set(reg.codes_by_tier(Tier.CORE)) >= CORE
    assert set(reg.codes_by_tier(Tier.OPTIONAL)) >= OPTIONAL
    assert set(reg.codes_by_tier(Tier.INTERNAL)) >= INTERNAL
    assert reg.duplicates == []
    assert reg.find_cycle() is None
    for definition in reg:
        assert definition.code == definition.app_label


def test_installed_dependencies():
    reg = get_registry()
    assert reg.requirements("billing", transitive=False) == {"payments"}
    assert reg.requirements("orders", transitive=False) == {"payments", "catalog"}
    assert reg.requirements("marketplace", transitive=False) == {"inventory", "catalog"}
    assert reg.requirements("inventory", transitive=False) == {"catalog"}
    for code in ("payments", "catalog", "analytics", "messaging", "dev_tools", "monitoring"):
        assert reg.requirements(code) == set(), code
    assert reg.dependents("payments") >= {"billing", "orders"}
    assert reg.dependents("catalog") >= {"inventory", "orders", "marketplace"}
    assert reg.dependents("inventory") >= {"marketplace"}
    # Core modules may only require core modules.
    for code in reg.codes_by_tier(Tier.CORE):
        assert reg.requirements(code) <= set(reg.codes_by_tier(Tier.CORE))


def test_installed_dependency_order():
    reg = get_registry()
    order = reg.dependency_order()
    assert set(order) == set(reg.codes())
    for definition in reg:
        for req in definition.requires:
            assert order.index(req) < order.index(definition.code)
    assert order[0] == "core"


def test_installed_registry_is_built_once():
    assert get_registry() is get_registry()


def test_legacy_helpers_read_the_installed_registry():
    reg = get_registry()
    assert registry_module.get_core_module_codes() == reg.codes_by_tier(Tier.CORE)
    assert registry_module.get_optional_module_codes() == reg.codes_by_tier(Tier.OPTIONAL)
    assert registry_module.get_internal_module_codes() == reg.codes_by_tier(Tier.INTERNAL)
    assert registry_module.get_module_tier("billing") is Tier.OPTIONAL
    assert registry_module.get_module_tier("cms") is Tier.CORE
    assert registry_module.get_module_tier("dev_tools") is Tier.INTERNAL
    assert registry_module.is_core_module("tenancy")
    assert not registry_module.is_core_module("billing")
    assert not registry_module.is_core_module("ghost")
    assert registry_module.is_internal_module("monitoring")
    assert not registry_module.is_internal_module("orders")
    assert {d.code for d in registry_module.get_modules_by_tier("internal")} >= INTERNAL
    assert {d.code for d in registry_module.get_modules_by_tier(Tier.CORE)} >= CORE
    with pytest.raises(UnknownModuleError):
        registry_module.get_module_tier("dev-tools")


def test_installed_module_for_feature():
    reg = get_registry()
    assert reg.module_for_feature("invoices").code == "billing"
    assert reg.module_for_feature("refunds").code == "payments"
    assert reg.module_for_feature("stock_levels").code == "inventory"


def test_registry_rebuilt_when_installed_apps_change():
    before = get_registry()
    without = [app for app in settings.INSTALLED_APPS if app != "modules.messaging"]
    with override_settings(INSTALLED_APPS=without):
        assert "messaging" not in get_registry()
        assert len(get_registry()) == len(before) - 1
    assert "messaging" in get_registry()
    assert get_registry() is not before
