"""Staff pages of the developer tools: the module registry as this platform sees it."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from orion_core.modules.definition import TIER_RANK
from orion_core.modules.graph import render_graph
from orion_core.modules.registry import get_registry


@method_decorator(staff_member_required, name="dispatch")
class RegistryView(TemplateView):
    template_name = "dev_tools/registry.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registry = get_registry()
        enabled = self.request.modules
        rows = [
            {
                "definition": definition,
                "enabled": definition.code in enabled,
                "dependents": sorted(registry.dependents(definition.code, transitive=False)),
            }
            for definition in sorted(registry, key=lambda d: (TIER_RANK[d.tier], d.code))
        ]
        return super().get_context_data(
            rows=rows, graph=render_graph(registry, "mermaid"), **kwargs
        )
