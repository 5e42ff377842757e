"""Vendor-portal pages of messaging, at /vendor/<vendor_code>/messaging/.

The tenant guard admits the vendor's team only and runs each view in the vendor's scope with
``request.vendor`` set, so another vendor's rows are simply not found (404). A team member's
own notifications and preferences need no permission (every role may be told things); the
sending log, the e-mail templates and the sender settings need ``messaging.view``; sending a
failed e-mail again and changing a template or the sender settings need ``messaging.send``.
Conversations: reading needs ``messaging.view``, writing ``messaging.send``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from modules.customers.models import Customer
from modules.messaging import forms, media
from modules.messaging.models import Conversation, Message
from modules.messaging.services import common as common_services
from modules.messaging.services import conversations, senders, templates
from modules.messaging.services.common import LANGUAGE_CODES
from modules.messaging.views import common
from orion_core.guards import read_write
from orion_core.permissions import has_permission


class PortalMixin(common.FrontendMixin):
    def vendor_id(self) -> int | None:
        return self.request.vendor.pk  # type: ignore[attr-defined]

    def url(self, name: str, **kwargs: Any) -> str:
        code = self.request.vendor.code  # type: ignore[attr-defined]
        return reverse(f"messaging:vendor-{name}", kwargs={"vendor_code": code, **kwargs})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(  # type: ignore[misc]
            vendor=self.request.vendor,  # type: ignore[attr-defined]
            can_send=has_permission(self.request, "messaging.send"),
            **kwargs,
        )


class NotificationListView(PortalMixin, common.NotificationListMixin, ListView):
    template_name = "messaging/vendor/notification_list.html"


class NotificationReadView(PortalMixin, common.NotificationReadMixin):
    pass


class PreferencesView(PortalMixin, common.PreferencesMixin, TemplateView):
    template_name = "messaging/vendor/preferences.html"


class DeliveryListView(PortalMixin, common.DeliveryListMixin, ListView):
    permission = "messaging.view"
    template_name = "messaging/vendor/delivery_list.html"


class DeliveryRetryView(PortalMixin, common.DeliveryRetryMixin, ListView):
    permission = "messaging.send"
    template_name = "messaging/vendor/delivery_list.html"


# --- e-mail templates -------------------------------------------------------------------------


class TemplateListView(PortalMixin, TemplateView):
    """Every notification type the shop may word itself, and in which languages it did."""

    permission = "messaging.view"
    template_name = "messaging/vendor/template_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = templates.overview(self.request.vendor.pk)  # type: ignore[attr-defined]
        return super().get_context_data(rows=rows, **kwargs)


class TemplateEditView(PortalMixin, TemplateView):
    """One type's template in one language (``?language=``, default the page's): the form
    (the shop's template, else the platform default), its variables, and three actions:
    ``preview`` (rendered with sample values, nothing saved), ``save``, ``reset`` (back to the
    default). A template that cannot be used comes back with the reason at its field and a
    400; nothing is saved."""

    permission = read_write("messaging.view", "messaging.send")
    template_name = "messaging/vendor/template_edit.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.ntype = templates.editable(kwargs.get("kind", ""))
        self.language = request.GET.get("language") or common_services.language()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.ntype is None or self.language not in LANGUAGE_CODES:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("kind", None)  # the URL's, given by TemplateView.get
        vendor = self.request.vendor  # type: ignore[attr-defined]
        source = templates.current(vendor.pk, self.ntype, self.language)
        kwargs.setdefault(
            "form",
            forms.EmailTemplateForm(
                ntype=self.ntype,
                initial={"subject": source.subject, "body": source.body,
                         "html_body": source.html},
            ),
        )  # fmt: skip
        return super().get_context_data(
            ntype=self.ntype,
            language=self.language,
            language_name=dict(settings.LANGUAGES)[self.language],
            custom=source.custom,
            variables=sorted(self.ntype.all_variables().items()),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        action = request.POST.get("action", "save")
        if action == "reset":
            templates.reset(vendor.pk, self.ntype, self.language)
            messages.success(request, _("The platform's default is used again."))
            return HttpResponseRedirect(request.get_full_path())
        form = forms.EmailTemplateForm(request.POST, ntype=self.ntype)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if action == "preview":
            try:
                shown = templates.preview(
                    vendor.pk,
                    self.ntype,
                    self.language,
                    form.cleaned_data,
                    request.platform.pk,  # type: ignore[attr-defined]
                )
            except ValidationError as error:
                apply_errors(form, error)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            return self.render_to_response(self.get_context_data(form=form, preview=shown))
        try:
            templates.save(vendor.pk, self.ntype, self.language, form.cleaned_data, request.user)
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("The template is saved."))
        return HttpResponseRedirect(self.url("templates"))


def apply_errors(form: Any, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


# --- sender settings --------------------------------------------------------------------------


class SenderView(PortalMixin, TemplateView):
    """The name the shop's e-mails come from and the address replies go to; the sending
    address stays the platform's (see ``services.senders``)."""

    permission = read_write("messaging.view", "messaging.send")
    template_name = "messaging/vendor/sender.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        vendor = self.request.vendor  # type: ignore[attr-defined]
        current = senders.settings_of(vendor.pk)
        kwargs.setdefault("form", forms.SenderSettingsForm(instance=current))
        shown = senders.sender_for(self.request.platform.pk, common_services.shop_of(vendor.pk))  # type: ignore[attr-defined]
        return super().get_context_data(sender=shown, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        form = forms.SenderSettingsForm(request.POST, instance=senders.settings_of(vendor.pk))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        senders.save(vendor.pk, **form.cleaned_data)
        messages.success(request, _("The sender settings are saved."))
        return HttpResponseRedirect(self.url("sender"))


# --- conversations ----------------------------------------------------------------------------


class ConversationListView(PortalMixin, ListView):
    """The shop's conversations, the latest first, with their unread counts (``?kind=customer``
    or ``staff``), and the form starting one (``messaging.send``)."""

    permission = read_write("messaging.view", "messaging.send")
    template_name = "messaging/vendor/conversation_list.html"
    context_object_name = "conversations"
    paginate_by = common.PAGE_SIZE

    def get_queryset(self) -> Any:
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in Conversation.Kind.values else ""
        return conversations.of_vendor(self.request.vendor.pk, kind)  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        vendor = self.request.vendor  # type: ignore[attr-defined]
        kwargs.setdefault("form", forms.NewConversationForm(pictures=media.library(vendor.pk)))
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = request.vendor  # type: ignore[attr-defined]
        form = forms.NewConversationForm(request.POST, pictures=media.library(vendor.pk))
        if form.is_valid():
            data = form.cleaned_data
            customer = None
            if data["recipient"] != form.STAFF:
                customer = Customer.objects.filter(email__iexact=data["recipient"]).first()
                if customer is None:
                    form.add_error("recipient", _("No customer of your shop has this e-mail."))
            if form.is_valid():
                try:
                    started = conversations.start(
                        vendor_id=vendor.pk,
                        platform_id=request.platform.pk,  # type: ignore[attr-defined]
                        author=conversations.Author(Message.Side.VENDOR, user=request.user),
                        subject=data["subject"],
                        body=data["body"],
                        customer=customer,
                        media_ids=data.get("attachments") or [],
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    return HttpResponseRedirect(self.url("conversation", pk=started.pk))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ConversationView(PortalMixin, TemplateView):
    """A conversation of the shop: its messages (read by the shop once shown) and the reply
    form (``messaging.send``)."""

    permission = read_write("messaging.view", "messaging.send")
    template_name = "messaging/vendor/conversation.html"

    def get_conversation(self) -> Conversation:
        found = Conversation.objects.select_related("customer")
        return get_object_or_404(found, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("pk", None)
        conversation = kwargs.pop("conversation", None) or self.get_conversation()
        conversations.mark_read(conversation, Message.Side.VENDOR)
        vendor = self.request.vendor  # type: ignore[attr-defined]
        kwargs.setdefault("form", forms.MessageForm(pictures=media.library(vendor.pk)))
        return super().get_context_data(
            conversation=conversation, messages_shown=conversations.thread(conversation), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        conversation = self.get_conversation()
        vendor = request.vendor  # type: ignore[attr-defined]
        form = forms.MessageForm(request.POST, pictures=media.library(vendor.pk))
        if form.is_valid():
            try:
                conversations.write(
                    conversation,
                    conversations.Author(Message.Side.VENDOR, user=request.user),
                    form.cleaned_data["body"],
                    media_ids=form.cleaned_data.get("attachments") or [],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(request.path)
        context = self.get_context_data(conversation=conversation, form=form)
        return self.render_to_response(context, status=400)
