"""The module dependency graph as data, text, Graphviz dot or Mermaid (CLI and dev tools).

Works on a broken registry too (a cycle, an unknown requirement), because that is when an
operator most needs to see it: unknown requirements appear as nodes of tier ``unknown``.
"""

from __future__ import annotations

from typing import Any

from orion_core.modules.definition import TIER_RANK
from orion_core.modules.registry import ModuleRegistry

FORMATS = ("text", "dot", "mermaid")
_DOT_STYLES = {"core": "bold", "optional": "solid", "internal": "dashed", "unknown": "dotted"}


def graph_data(registry: ModuleRegistry) -> dict[str, Any]:
    """Nodes (code, tier) core first, then optional, then internal; edges module → requirement."""
    modules = sorted(registry, key=lambda d: (TIER_RANK[d.tier], d.code))
    unknown = sorted({r for d in modules for r in d.requires if r not in registry})
    return {
        "nodes": [{"code": d.code, "tier": str(d.tier)} for d in modules]
        + [{"code": code, "tier": "unknown"} for code in unknown],
        "edges": [{"from": d.code, "to": r} for d in modules for r in d.requires],
    }


def render_graph(registry: ModuleRegistry, fmt: str = "text") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown graph format '{fmt}'; choose one of {', '.join(FORMATS)}.")
    data = graph_data(registry)
    nodes, edges = data["nodes"], data["edges"]
    if fmt == "dot":
        lines = ["digraph modules {", "  rankdir=LR;", "  node [shape=box];"]
        lines += [
            f'  "{n["code"]}" [label="{n["code"]}\\n{n["tier"]}", style={_DOT_STYLES[n["tier"]]}];'
            for n in nodes
        ]
        lines += [f'  "{e["from"]}" -> "{e["to"]}";' for e in edges]
        return "\n".join([*lines, "}"])
    if fmt == "mermaid":
        lines = ["graph LR"]
        lines += [f'  {n["code"]}["{n["code"]} ({n["tier"]})"]:::{n["tier"]}' for n in nodes]
        lines += [f"  {e['from']} --> {e['to']}" for e in edges]
        lines += [
            "  classDef core font-weight:bold;",
            "  classDef optional stroke-width:1px;",
            "  classDef internal stroke-dasharray: 5 5;",
            "  classDef unknown stroke:#c00;",
        ]
        return "\n".join(lines)
    width = max((len(n["code"]) for n in nodes), default=0)
    requires: dict[str, list[str]] = {n["code"]: [] for n in nodes}
    for edge in edges:
        requires[edge["from"]].append(edge["to"])
    return "\n".join(
        f"{n['code'].ljust(width)}  [{n['tier']}]"
        + (f" -> {', '.join(requires[n['code']])}" if requires[n["code"]] else "")
        for n in nodes
    )
