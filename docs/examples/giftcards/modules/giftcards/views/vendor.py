"""Vendor portal pages, mounted at /vendor/<vendor_code>/giftcards/.

The tenant guard admits only the vendor's team (staff too) and runs the view with
``request.vendor`` set and the vendor's scope active; the view declares the permission it needs.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView

from modules.giftcards import services
from modules.giftcards.forms import GiftCardForm
from modules.giftcards.models import GiftCard
from orion_core.guards import read_write
from orion_core.permissions import has_permission


class CardListView(ListView):
    """The vendor's gift cards, and the form issuing one (issuing needs giftcards.issue)."""

    permission = read_write("giftcards.view", "giftcards.issue")
    template_name = "giftcards/vendor/card_list.html"
    context_object_name = "cards"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return GiftCard.objects.all()  # this vendor's only: the guard set the scope

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", GiftCardForm())
        can_issue = has_permission(self.request, "giftcards.issue")
        return super().get_context_data(vendor=self.request.vendor, can_issue=can_issue, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = GiftCardForm(request.POST)
        if form.is_valid():
            card = services.issue_card(request.vendor, request.platform, **form.cleaned_data)
            messages.success(request, _("Issued gift card “%(code)s”.") % {"code": card.code})
            return redirect("giftcards:vendor-list", vendor_code=request.vendor.code)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)
