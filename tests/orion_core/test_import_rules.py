"""The import rules of ARCHITECTURE.md §1, derived from the registry so a new module is covered the
day it exists (no list of modules to keep up to date):

1. ``orion_core`` never imports a module's package.
2. A module imports another module's package only if it requires it (directly or through its
   requirements, which are then on too). Core modules are installed and on everywhere, so an
   optional or internal module may import them without listing them; a core module lists the
   core modules it imports, and can never import an optional or internal one (core modules may
   only require core modules: system check orion.E003).

Everything else between modules crosses ``orion_core``: contracts, events, providers, lazy dotted
paths. The graph is grimp's, the library behind import-linter (whose contracts in pyproject.toml
keep the rules that need no module names).
"""

from __future__ import annotations

from dataclasses import dataclass

import grimp
import pytest
from django.apps import apps

from orion_core.modules.config import ModuleConfig
from orion_core.modules.registry import ModuleRegistry, get_registry


@dataclass(frozen=True)
class Violation:
    importer: str
    imported: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}: {self.rule}"


def module_packages() -> dict[str, str]:
    """Module code → its package (``modules.billing``; a module may live in another package)."""
    return {
        config.label: config.name
        for config in apps.get_app_configs()
        if isinstance(config, ModuleConfig)
    }


def _imports(graph: grimp.ImportGraph, importer: str, imported: str) -> list[dict]:
    return graph.find_matching_direct_imports(import_expression=f"{importer}.** -> {imported}.**")


def violations(
    graph: grimp.ImportGraph, packages: dict[str, str], registry: ModuleRegistry
) -> list[Violation]:
    found = []

    def report(matches: list[dict], rule: str) -> None:
        for match in matches:
            for detail in graph.get_import_details(
                importer=match["importer"], imported=match["imported"]
            ):
                found.append(
                    Violation(match["importer"], match["imported"], detail["line_number"], rule)
                )

    core = {code for code in packages if registry.is_core(code)}
    for code, package in packages.items():
        report(_imports(graph, "orion_core", package), "orion_core never imports modules")
        allowed = registry.requirements(code) if code in registry else set()
        if code not in core:
            allowed |= core
        for other, other_package in packages.items():
            if other == code or other in allowed:
                continue
            rule = f"'{code}' does not require '{other}'"
            report(_imports(graph, package, other_package), rule)
    return sorted(found, key=lambda v: (v.importer, v.line))


@pytest.fixture(scope="module")
def project_graph() -> grimp.ImportGraph:
    roots = {"orion_core", "config"} | {p.split(".")[0] for p in module_packages().values()}
    return grimp.build_graph(*sorted(roots), cache_dir=None)


def test_no_import_crosses_a_rule(project_graph):
    found = violations(project_graph, module_packages(), get_registry())
    assert not found, "\n".join(map(str, found))


def test_the_graph_sees_the_imports_the_rules_allow(project_graph):
    """A rule that never matches anything proves nothing: customers does import tenancy (which it
    requires), and every module package is in the graph."""
    packages = module_packages()
    assert _imports(project_graph, packages["customers"], packages["tenancy"])
    assert set(packages.values()) <= set(project_graph.modules)


def test_an_import_of_a_module_not_required_is_reported():
    graph = grimp.ImportGraph()
    for name in ("orion_core", "orion_core.x", "pkg.billing", "pkg.billing.views", "pkg.payments",
                 "pkg.payments.api", "pkg.catalog", "pkg.catalog.models", "pkg.tenancy",
                 "pkg.tenancy.models"):  # fmt: skip
        graph.add_module(name)
    # An optional module may use a core one (always on); never the other way round.
    graph.add_import(importer="pkg.billing.views", imported="pkg.tenancy.models", line_number=5,
                     line_contents="from pkg.tenancy import models")  # fmt: skip
    graph.add_import(importer="pkg.tenancy.models", imported="pkg.billing.views", line_number=2,
                     line_contents="from pkg.billing import views")  # fmt: skip
    graph.add_import(importer="pkg.billing.views", imported="pkg.payments.api", line_number=3,
                     line_contents="from pkg.payments import api")  # fmt: skip
    graph.add_import(importer="pkg.billing.views", imported="pkg.catalog.models", line_number=4,
                     line_contents="from pkg.catalog import models")  # fmt: skip
    graph.add_import(importer="orion_core.x", imported="pkg.catalog.models", line_number=9,
                     line_contents="from pkg.catalog import models")  # fmt: skip
    registry = get_registry()
    packages = {
        "billing": "pkg.billing",
        "payments": "pkg.payments",
        "catalog": "pkg.catalog",
        "tenancy": "pkg.tenancy",
    }

    found = [str(v) for v in violations(graph, packages, registry)]

    assert found == [
        "orion_core.x:9 imports pkg.catalog.models: orion_core never imports modules",
        "pkg.billing.views:4 imports pkg.catalog.models: 'billing' does not require 'catalog'",
        "pkg.tenancy.models:2 imports pkg.billing.views: 'tenancy' does not require 'billing'",
    ]
