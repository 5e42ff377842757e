"""Provider aggregation (orion_core.providers): only enabled modules are asked, in dependency
order, and a provider that raises is logged, counted and left out while the others answer."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from prometheus_client import REGISTRY

from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import ModuleRegistry
from orion_core.providers import (
    ContextProvider,
    Metric,
    MetricsProvider,
    Widget,
    WidgetProvider,
    collect_context,
    collect_metrics,
    collect_widgets,
)

HERE = __name__
CALLS: list[str] = []


class Answering:
    def __init__(self, code: str) -> None:
        self.code = code

    def get_metrics(self, platform: Any) -> list[Metric]:
        CALLS.append(self.code)
        return [Metric(f"{self.code}.count", self.code.title(), 1, module=self.code)]

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        CALLS.append(self.code)
        order = {"base": 50, "middle": 10, "top": 10}.get(self.code, 100)
        return [Widget(f"{self.code}.panel", self.code, "w.html", {}, order=order)]

    def get_context(self, request: Any) -> dict[str, Any]:
        CALLS.append(self.code)
        return {"name": self.code}


class Raising:
    def get_metrics(self, platform: Any) -> list[Metric]:
        CALLS.append("broken")
        raise RuntimeError("metrics backend exploded")

    def get_widgets(self, platform: Any, user: Any) -> list[Widget]:
        CALLS.append("broken")
        raise RuntimeError("widget exploded")

    def get_context(self, request: Any) -> dict[str, Any]:
        CALLS.append("broken")
        raise RuntimeError("context exploded")


class Lazy:
    """A provider that fails only while its generator is consumed."""

    def get_metrics(self, platform: Any) -> Any:
        CALLS.append("lazy")
        yield Metric("lazy.one", "One", 1)
        raise RuntimeError("half-way")


base_provider = Answering("base")
middle_provider = Answering("middle")
top_provider = Answering("top")
off_provider = Answering("off")
broken_provider = Raising()
lazy_provider = Lazy()


def definition(code: str, *, requires: tuple[str, ...] = (), provider: str = "", **kw: Any):
    provider = provider or f"{HERE}.{code}_provider"
    return ModuleDefinition(
        code=code,
        name=code.title(),
        requires=requires,
        providers={"metrics": provider, "widgets": provider, "context": provider},
        **kw,
    )


@pytest.fixture
def registry() -> ModuleRegistry:
    CALLS.clear()
    # Declared out of dependency order on purpose: top needs middle needs base.
    return ModuleRegistry(
        [
            definition("top", requires=("middle",)),
            definition("off"),
            definition("middle", requires=("base",)),
            definition("base", tier=Tier.CORE),
            definition("broken", requires=("base",)),
            definition("silent", provider=f"{HERE}.no_such_provider_at_all"),
            ModuleDefinition(code="plain", name="Plain"),
        ]
    )


def failures(code: str, kind: str) -> float:
    labels = {"module": code, "kind": kind}
    return REGISTRY.get_sample_value("orion_provider_failures_total", labels) or 0.0


def test_the_fixture_providers_satisfy_the_protocols():
    assert isinstance(base_provider, MetricsProvider)
    assert isinstance(base_provider, WidgetProvider)
    assert isinstance(base_provider, ContextProvider)


def test_only_enabled_modules_are_asked_in_dependency_order(registry):
    metrics = collect_metrics(None, {"top", "middle", "base", "plain"}, registry=registry)

    assert CALLS == ["base", "middle", "top"]
    assert [m.key for m in metrics] == ["base.count", "middle.count", "top.count"]
    assert "off" not in CALLS


def test_unknown_codes_are_ignored(registry):
    assert collect_metrics(None, {"base", "uninstalled"}, registry=registry)[0].key == "base.count"


def test_a_raising_provider_is_logged_counted_and_left_out(registry, caplog):
    before = failures("broken", "metrics")
    with caplog.at_level(logging.ERROR, logger="orion_core.providers"):
        metrics = collect_metrics(None, {"base", "broken", "middle"}, registry=registry)

    assert [m.key for m in metrics] == ["base.count", "middle.count"]
    assert "broken" in CALLS  # it was asked, and its failure did not stop the others
    assert failures("broken", "metrics") == before + 1
    [record] = [r for r in caplog.records if r.name == "orion_core.providers"]
    assert "broken" in record.getMessage() and "metrics" in record.getMessage()
    assert record.exc_info is not None


def test_a_provider_that_cannot_be_imported_is_isolated_too(registry, caplog):
    before = failures("silent", "context")
    with caplog.at_level(logging.ERROR, logger="orion_core.providers"):
        context = collect_context(object(), {"base", "silent"}, registry=registry)
    assert context == {"base": {"name": "base"}}
    assert failures("silent", "context") == before + 1


def test_a_provider_failing_while_its_results_are_read_is_left_out_whole(registry):
    registry = ModuleRegistry([definition("lazy"), definition("base", tier=Tier.CORE)])
    before = failures("lazy", "metrics")
    metrics = collect_metrics(None, {"lazy", "base"}, registry=registry)
    assert [m.key for m in metrics] == ["base.count"]  # no half answer from lazy
    assert failures("lazy", "metrics") == before + 1


def test_widgets_are_sorted_by_order_then_key_and_failures_isolated(registry):
    before = failures("broken", "widgets")
    widgets = collect_widgets(None, None, {"base", "middle", "top", "broken"}, registry=registry)
    assert [w.key for w in widgets] == ["middle.panel", "top.panel", "base.panel"]
    assert failures("broken", "widgets") == before + 1


def test_context_is_keyed_by_module_code(registry):
    context = collect_context(object(), {"base", "top", "middle", "broken"}, registry=registry)
    assert context == {
        "base": {"name": "base"},
        "middle": {"name": "middle"},
        "top": {"name": "top"},
    }


def test_modules_without_providers_are_skipped_quietly(registry, caplog):
    with caplog.at_level(logging.ERROR, logger="orion_core.providers"):
        assert collect_metrics(None, {"plain"}, registry=registry) == []
    assert not caplog.records


def test_conventional_providers_module_is_found():
    """Without an explicit path, ``<kind>_provider`` in the module's providers module answers."""
    registry = ModuleRegistry(
        [ModuleDefinition(code="conv", name="Conv", tier=Tier.CORE, providers_module=HERE)]
    )
    CALLS.clear()
    assert [w.key for w in collect_widgets(None, None, {"conv"}, registry=registry)] == [
        "conventional.panel"
    ]
    assert collect_metrics(None, {"conv"}, registry=registry) == []  # no metrics_provider here


widgets_provider = Answering("conventional")  # the conventional name, found by convention


def test_default_registry_is_used_when_none_is_given(monkeypatch, registry):
    monkeypatch.setattr("orion_core.providers.get_registry", lambda: registry)
    assert [m.key for m in collect_metrics(None, {"base"})] == ["base.count"]
