"""Staff dashboard pages of messaging, at /dashboard/messaging/: the staff user's own
notifications and preferences (across vendors), and the sending log of the platform the
dashboard manages (every vendor's e-mails there, and the platform's own), and the vendors'
conversations with staff (answered here, as staff). Staff only
(``DashboardMixin``); rows of every vendor are read on purpose, with scopes disabled, and
filtered by platform."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView, TemplateView
from django_scopes import scopes_disabled

from modules.core.views.dashboard import DashboardMixin
from modules.messaging import forms
from modules.messaging.models import Conversation, Delivery, Message
from modules.messaging.services import conversations
from modules.messaging.views import common
from modules.messaging.views.vendor import apply_errors


class StaffMixin(DashboardMixin, common.FrontendMixin):
    requires_platform = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with scopes_disabled():  # staff: across vendors, on purpose
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

    def vendor_id(self) -> int | None:
        return None

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"messaging:staff-{name}", kwargs=kwargs)


class NotificationListView(StaffMixin, common.NotificationListMixin, ListView):
    template_name = "messaging/staff/notification_list.html"


class NotificationReadView(StaffMixin, common.NotificationReadMixin):
    pass


class PreferencesView(StaffMixin, common.PreferencesMixin, TemplateView):
    template_name = "messaging/staff/preferences.html"


class PlatformPage(StaffMixin):
    """A page of the platform the dashboard manages (its e-mails, its conversations)."""

    requires_platform = True

    def deliveries(self) -> Any:
        return Delivery.objects.filter(platform=self.platform)


class DeliveryListView(PlatformPage, common.DeliveryListMixin, ListView):
    template_name = "messaging/staff/delivery_list.html"


class DeliveryRetryView(PlatformPage, common.DeliveryRetryMixin, ListView):
    template_name = "messaging/staff/delivery_list.html"


# --- conversations with vendors ---------------------------------------------------------------


class ConversationListView(PlatformPage, ListView):
    """The conversations of the platform's vendors with staff, the latest first."""

    template_name = "messaging/staff/conversation_list.html"
    context_object_name = "conversations"
    paginate_by = common.PAGE_SIZE

    def get_queryset(self) -> Any:
        return conversations.of_platform(self.platform)


class ConversationView(StaffMixin, TemplateView):
    """A vendor's conversation with staff: its messages (read by staff once shown), and the
    reply form."""

    template_name = "messaging/staff/conversation.html"

    def get_conversation(self) -> Conversation:
        found = Conversation.objects.filter(kind=Conversation.Kind.STAFF).select_related("vendor")
        return get_object_or_404(found, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("pk", None)
        conversation = kwargs.pop("conversation", None) or self.get_conversation()
        conversations.mark_read(conversation, Message.Side.STAFF)
        kwargs.setdefault("form", forms.MessageForm())
        return super().get_context_data(
            conversation=conversation, messages_shown=conversations.thread(conversation), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        conversation = self.get_conversation()
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            try:
                conversations.write(
                    conversation,
                    conversations.Author(Message.Side.STAFF, user=request.user),
                    form.cleaned_data["body"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(request.path)
        context = self.get_context_data(conversation=conversation, form=form)
        return self.render_to_response(context, status=400)
