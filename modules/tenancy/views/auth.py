"""Account pages on the platform (no vendor in the path): log in and out, where to go after
logging in, and the page an invitation link opens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from modules.tenancy import services
from modules.tenancy.forms import JoinForm
from modules.tenancy.models import Invitation
from modules.tenancy.resolution import vendors_of


def destination_after_login(request: HttpRequest) -> str:
    """The first vendor portal of the user on this platform, the staff dashboard for staff,
    else the account home page (which says there is no team yet)."""
    vendors = vendors_of(request.user, getattr(request, "platform", None))
    if vendors:
        return reverse("tenancy:dashboard", kwargs={"vendor_code": vendors[0].code})
    if request.user.is_staff:
        try:
            return reverse("core:dashboard")
        except NoReverseMatch:
            return reverse("admin:index")
    return reverse("tenancy:home")


class LoginView(auth_views.LoginView):
    template_name = "tenancy/login.html"

    def get_default_redirect_url(self) -> str:
        # Without ?next=, straight to where the user works rather than via LOGIN_REDIRECT_URL.
        if self.next_page:
            return super().get_default_redirect_url()
        return destination_after_login(self.request)


class LogoutView(auth_views.LogoutView):
    """GET asks for confirmation (a page with a POST form); POST logs out."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "tenancy/logout.html")


class HomeView(View):
    """``LOGIN_REDIRECT_URL``: where to go from here — the user's vendor portals on this
    platform and, for staff, the staff dashboard."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        dashboard = ""
        if request.user.is_staff:
            try:
                dashboard = reverse("core:dashboard")
            except NoReverseMatch:
                dashboard = reverse("admin:index")
        vendors = vendors_of(request.user, getattr(request, "platform", None))
        return render(request, "tenancy/home.html", {"vendors": vendors, "dashboard": dashboard})


class InvitationView(View):
    """What an invitation link opens: the vendor and role; accept (logged in) or sign up."""

    template_name = "tenancy/invitation.html"

    def load(self, token: str) -> Invitation | HttpResponse:
        try:
            return services.invitation_for_token(token)
        except Invitation.DoesNotExist:
            raise Http404(_("No such invitation.")) from None
        except services.InvitationInvalid as error:
            return render(
                self.request,
                "tenancy/invitation_invalid.html",
                {"reason": error.messages[0], "code": error.code},
                status=410,
            )

    def page(
        self, invitation: Invitation, form: JoinForm | None, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "invitation": invitation,
                "vendor": invitation.vendor,
                "role_label": invitation.get_role_display(),
                "form": form,
            },
            status=status,
        )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self.load(token)
        if isinstance(invitation, HttpResponse):
            return invitation
        form = (
            None if request.user.is_authenticated else JoinForm(invitation_email=invitation.email)
        )
        return self.page(invitation, form)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self.load(token)
        if isinstance(invitation, HttpResponse):
            return invitation
        if request.user.is_authenticated:
            user = request.user
            try:
                services.accept(invitation, user)
            except services.InvitationInvalid as error:
                return render(
                    request,
                    "tenancy/invitation_invalid.html",
                    {"reason": error.messages[0], "code": error.code},
                    status=410 if error.code != "already_member" else 400,
                )
        else:
            form = JoinForm(request.POST, invitation_email=invitation.email)
            if not form.is_valid():
                return self.page(invitation, form, status=400)
            try:
                membership = services.create_user_and_accept(
                    invitation,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            except services.InvitationInvalid as error:
                return render(
                    request,
                    "tenancy/invitation_invalid.html",
                    {"reason": error.messages[0], "code": error.code},
                    status=410,
                )
            user = membership.user
            login(request, user, backend="modules.tenancy.backends.CachedUserBackend")
        messages.success(
            request, _("Welcome to the team of %(vendor)s.") % {"vendor": invitation.vendor.name}
        )
        return HttpResponseRedirect(
            reverse("tenancy:dashboard", kwargs={"vendor_code": invitation.vendor.code})
        )
