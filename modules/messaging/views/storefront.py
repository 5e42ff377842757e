"""Storefront pages of messaging, at /shop/<vendor_code>/messaging/: a logged-in customer's
conversations with the shop (linked from their account page), each thread, and the forms
starting one and answering.

The tenant guard admits the request for an open shop and runs the view in its scope; the
customer's login is checked by customers' ``CustomerRequiredMixin`` (others go to the shop's
login page). A thread that is not the customer's own is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.views.generic import ListView, TemplateView

from modules.customers.views.storefront import CustomerRequiredMixin
from modules.messaging import forms
from modules.messaging.models import Conversation, Message
from modules.messaging.services import conversations
from modules.messaging.views.common import PAGE_SIZE
from modules.messaging.views.vendor import apply_errors


def shop_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    code = request.vendor.code  # type: ignore[attr-defined]
    return reverse(f"messaging:{name}", kwargs={"vendor_code": code, **kwargs})


class _ConversationList(ListView):
    template_name = "messaging/storefront/conversation_list.html"
    context_object_name = "conversations"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> Any:
        return conversations.of_customer(self.customer)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", forms.NewConversationForm(with_recipient=False))
        crumbs = [{"name": pgettext("messaging", "My messages"), "url": ""}]
        return super().get_context_data(breadcrumbs=crumbs, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        customer = self.customer  # type: ignore[attr-defined]
        form = forms.NewConversationForm(request.POST, with_recipient=False)
        if form.is_valid():
            try:
                started = conversations.start(
                    vendor_id=request.vendor.pk,  # type: ignore[attr-defined]
                    platform_id=request.platform.pk,  # type: ignore[attr-defined]
                    author=conversations.Author(Message.Side.CUSTOMER, customer=customer),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    customer=customer,
                    language=get_language() or "",
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(shop_url(request, "shop-conversation", pk=started.pk))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ConversationListView(CustomerRequiredMixin, _ConversationList):
    """The customer's conversations with the shop, and the form starting one."""


class _Conversation(TemplateView):
    template_name = "messaging/storefront/conversation.html"

    def get_conversation(self) -> Conversation:
        found = conversations.of_customer(self.customer).filter(pk=self.kwargs["pk"]).first()  # type: ignore[attr-defined]
        if found is None:
            raise Http404
        return found

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("pk", None)
        conversation = kwargs.pop("conversation", None) or self.get_conversation()
        conversations.mark_read(conversation, Message.Side.CUSTOMER)
        kwargs.setdefault("form", forms.MessageForm())
        crumbs = [
            {"name": pgettext("messaging", "My messages"),
             "url": shop_url(self.request, "shop-conversations")},
            {"name": conversation.subject, "url": ""},
        ]  # fmt: skip
        return super().get_context_data(
            conversation=conversation,
            messages_shown=conversations.thread(conversation),
            breadcrumbs=crumbs,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        conversation = self.get_conversation()
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            try:
                conversations.write(
                    conversation,
                    conversations.Author(Message.Side.CUSTOMER, customer=self.customer),  # type: ignore[attr-defined]
                    form.cleaned_data["body"],
                    language=get_language() or "",
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(request.path)
        context = self.get_context_data(conversation=conversation, form=form)
        return self.render_to_response(context, status=400)


class ConversationView(CustomerRequiredMixin, _Conversation):
    """One of the customer's conversations, and the reply form."""
