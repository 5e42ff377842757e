"""Staff pages of the developer tools: the module registry as this platform sees it, the
component library and the icon browser."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from modules.dev_tools.components import component_templates, specimens
from modules.dev_tools.icons import menu_icons
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


class SpecimenForm(forms.Form):
    """A form shown bound with errors, to see fields, help texts and error lists together."""

    name = forms.CharField(label=_("Name"), help_text=_("As customers will see it."))
    email = forms.EmailField(label=_("E-mail"))
    active = forms.BooleanField(label=_("Active"), required=False)

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError(_("This is how an error of the whole form looks."))


@method_decorator(staff_member_required, name="dispatch")
class ComponentLibraryView(TemplateView):
    """Every shared template component of ``templates/`` in each of its states, next to the
    stylesheet's building blocks (buttons, badges, messages, cards, tables, forms, pagination,
    empty states). Components without a specimen are listed as missing."""

    template_name = "dev_tools/components.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        components: dict[str, list[dict[str, str]]] = {t: [] for t in component_templates()}
        for specimen in specimens():
            html = render_to_string(specimen.template, specimen.context, request=self.request)
            components.setdefault(specimen.template, []).append(
                {"state": specimen.state, "html": html}
            )
        return super().get_context_data(
            components=components,
            missing=[name for name, states in components.items() if not states],
            form=SpecimenForm(data={"name": "", "email": "not-an-address", "active": "on"}),
            page=Paginator(range(95), 10).page(4),
            **kwargs,
        )


@method_decorator(staff_member_required, name="dispatch")
class IconBrowserView(TemplateView):
    """Every icon name the modules' menus use, where, and how the sidebar renders it."""

    template_name = "dev_tools/icons.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        icons = menu_icons()
        return super().get_context_data(
            icons=icons, unstyled=sum(1 for icon in icons if not icon.styled), **kwargs
        )
