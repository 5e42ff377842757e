"""Staff page of monitoring: the health of every module enabled on this platform."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from modules.monitoring.services import module_health


@method_decorator(staff_member_required, name="dispatch")
class OverviewView(TemplateView):
    template_name = "monitoring/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        results = module_health(self.request.modules)
        return super().get_context_data(
            results=results, failing=sum(1 for r in results if not r.ok), **kwargs
        )
