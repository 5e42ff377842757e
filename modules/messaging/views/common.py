"""What the vendor portal's and the staff dashboard's messaging pages share: a user's
notifications (mark read), their preferences, and the sending log. Each frontend's view says
which vendor it reads (the portal: its own, in its scope; staff: every vendor of the chosen
platform, scopes disabled) and which URL names it uses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from modules.messaging import forms
from modules.messaging.models import Delivery
from modules.messaging.services import deliveries, notifications

PAGE_SIZE = 25


class FrontendMixin:
    """``vendor_id`` (None: every vendor) and ``url(name, **kwargs)`` for the frontend."""

    request: HttpRequest
    url_prefix = ""

    def vendor_id(self) -> int | None:
        raise NotImplementedError

    def url(self, name: str, **kwargs: Any) -> str:
        raise NotImplementedError


class NotificationListMixin(FrontendMixin):
    """The user's in-app notifications, newest first, paged; POST marks them all read."""

    paginate_by = PAGE_SIZE
    context_object_name = "notifications"

    def get_queryset(self) -> Any:
        return notifications.inbox(self.request.user, self.vendor_id()).select_related("vendor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        unread = notifications.unread_count(self.request.user, self.vendor_id())
        return super().get_context_data(unread=unread, **kwargs)  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = notifications.mark_read(request.user, vendor_id=self.vendor_id())
        if count:
            messages.success(request, _("All notifications are marked as read."))
        return HttpResponseRedirect(self.url("notifications"))


class NotificationReadMixin(FrontendMixin, View):
    """POST: the notification read, then its page (or back to the list)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = get_object_or_404(
            notifications.inbox(request.user, self.vendor_id()), pk=kwargs["pk"]
        )
        notifications.mark_read(request.user, vendor_id=self.vendor_id(), pk=found.pk)
        target = found.url if request.POST.get("open") else ""
        if not (
            target.startswith("/")
            and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
        ):
            target = self.url("notifications")
        return HttpResponseRedirect(target)


class PreferencesMixin(FrontendMixin):
    """The user's channels per notification type and their e-mail language."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", forms.PreferencesForm(user=self.request.user))
        return super().get_context_data(**kwargs)  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.PreferencesForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(  # type: ignore[attr-defined]
                self.get_context_data(form=form), status=400
            )
        notifications.save_choices(request.user, form.wanted(), form.cleaned_data["language"])
        messages.success(request, _("Your notification preferences are saved."))
        return HttpResponseRedirect(self.url("preferences"))


class DeliveryListMixin(FrontendMixin):
    """The sending log: newest first, filtered by status and recipient, paged."""

    paginate_by = PAGE_SIZE
    context_object_name = "deliveries"

    def deliveries(self) -> Any:
        return Delivery.objects.all()

    def get_queryset(self) -> Any:
        self.filter_form = forms.DeliveryFilterForm(self.request.GET or None)
        found = self.deliveries()
        if self.filter_form.is_valid():
            if self.filter_form.cleaned_data["status"]:
                found = found.filter(status=self.filter_form.cleaned_data["status"])
            if self.filter_form.cleaned_data["q"]:
                found = found.filter(to_email__icontains=self.filter_form.cleaned_data["q"])
        return found.select_related("vendor").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(  # type: ignore[misc]
            filter_form=self.filter_form, filter_query=query.urlencode(), **kwargs
        )


class DeliveryRetryMixin(DeliveryListMixin):
    """POST: a failed delivery queued again; any other is refused with the log and a 400."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = get_object_or_404(self.deliveries(), pk=kwargs["pk"])
        if deliveries.retry(found):
            messages.success(
                request, _("The e-mail to %(to)s is queued again.") % {"to": found.to_email}
            )
            return HttpResponseRedirect(self.url("deliveries"))
        messages.error(request, _("Only a failed e-mail can be sent again."))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(), status=400)  # type: ignore[attr-defined]
