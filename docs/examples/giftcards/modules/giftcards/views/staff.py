"""Staff dashboard pages, mounted at /dashboard/giftcards/."""

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from modules.giftcards import services


@method_decorator(staff_member_required, name="dispatch")
class OverviewView(TemplateView):
    """How many gift cards each vendor on this platform has issued, and what is left on them."""

    template_name = "giftcards/staff/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = services.cards_per_vendor(self.request.platform)
        return super().get_context_data(rows=rows, **kwargs)
