"""The vendor portal's own pages: dashboard, team and settings (thin: the rules are in services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from modules.tenancy import roles, services
from modules.tenancy.forms import DomainForm, InviteForm, RoleForm, VendorProfileForm
from modules.tenancy.models import Invitation, Membership, VendorDomain
from modules.tenancy.resolution import granted
from orion_core import derived
from orion_core.menus import module_links
from orion_core.providers import (
    ProviderFailure,
    RenderedWidget,
    cards_key,
    collect_widgets,
    failed_cards,
    render_widgets,
    with_links,
)


class PortalMixin:
    """Common context: the vendor, the user's role and permissions there (the tenant guard has
    admitted the request and set ``request.vendor`` and ``request.membership``)."""

    def actor_role(self) -> str | None:
        request = self.request
        if request.user.is_staff:
            return Membership.Role.OWNER
        return request.membership.role if request.membership else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        role = self.actor_role()
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            vendor=request.vendor,
            membership=request.membership,
            role=role,
            role_label=Membership.Role(role).label if role else "",
            perms_granted=granted(request),
        )
        return context

    def portal_url(self, name: str) -> str:
        return reverse(f"tenancy:{name}", kwargs={"vendor_code": self.request.vendor.code})


class DashboardView(PortalMixin, TemplateView):
    """The portal home: the widgets of the platform's enabled modules, each linking to its
    module's page in the portal. A failing provider drops only its own widget; staff visiting
    the portal read which module failed, vendors see nothing of it."""

    template_name = "tenancy/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request = self.request
        failures: list[ProviderFailure] = []
        widgets: list[RenderedWidget] = []
        if request.platform is not None:
            widgets, failures = derived.get_or_derive(
                cards_key(request, "portal", request.vendor.pk),
                self.widgets,
                keep_if=lambda built: not built[1],  # a failed card is asked again
            )
        return super().get_context_data(
            widgets=widgets,
            failed_cards=failed_cards(failures) if request.user.is_staff else [],
            **kwargs,
        )

    def widgets(self) -> tuple[list[RenderedWidget], list[ProviderFailure]]:
        """The enabled modules' widgets, rendered (kept whole while current: ``derived``)."""
        request = self.request
        failures: list[ProviderFailure] = []
        found = collect_widgets(request.platform, request.user, request.modules, failures=failures)
        rendered = render_widgets(
            request, with_links(found, module_links(request)), failures=failures
        )
        return rendered, failures


class TeamView(PortalMixin, TemplateView):
    """Members with their roles, pending invitations; the forms for those allowed to manage."""

    template_name = "tenancy/team.html"
    permission = "team.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        role = self.actor_role()
        rank = services.ROLE_RANK.get(role, 0)
        can_manage = "team.manage" in granted(self.request)
        members = list(
            Membership.objects.filter(status=Membership.Status.ACTIVE)
            .select_related("user")
            .order_by("user__username", "pk")
        )
        rows = [
            {
                "membership": m,
                "can_manage": can_manage and services.ROLE_RANK[m.role] <= rank,
            }
            for m in members
        ]
        invitations = list(
            Invitation.objects.filter(accepted_at=None, revoked_at=None).order_by("-created_at")
        )
        for invitation in invitations:
            invitation.state = services.invitation_state(invitation)
        kwargs.setdefault("invite_form", InviteForm(actor_role=role))
        return super().get_context_data(
            rows=rows,
            invitations=invitations,
            can_manage=can_manage,
            role_choices=services.assignable_roles(role),
            role_labels=Membership.Role.labels,
            role_matrix=roles.role_matrix(self.request.modules, Membership.Role.values),
            **kwargs,
        )


class TeamActionView(PortalMixin, View):
    """POST-only team changes; a broken rule comes back as a message on the team page."""

    permission = "team.manage"
    http_method_names = ["post"]

    def done(self, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return HttpResponseRedirect(self.portal_url("team"))

    def refused(self, error: services.TeamError) -> HttpResponse:
        for message in error.messages:
            messages.error(self.request, message)
        return HttpResponseRedirect(self.portal_url("team"))


class InviteView(TeamView):
    permission = "team.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = InviteForm(request.POST, actor_role=self.actor_role())
        if form.is_valid():
            try:
                invitation = services.invite(
                    request.vendor,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    link_base=request.build_absolute_uri("/"),
                )
            except services.TeamError as error:
                form.add_error(error.field, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return HttpResponseRedirect(self.portal_url("team"))
        # The team page again, with the form's errors.
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class MemberRoleView(TeamActionView):
    def post(self, request: HttpRequest, *args: Any, member_id: int, **kwargs: Any) -> HttpResponse:
        membership = get_object_or_404(
            Membership.objects.select_related("user", "vendor"),
            pk=member_id,
            status=Membership.Status.ACTIVE,
        )
        form = RoleForm(request.POST, actor_role=self.actor_role())
        if not form.is_valid():
            return self.refused(services.TeamError(_("Choose a role you may grant."), code="role"))
        try:
            services.change_role(membership, form.cleaned_data["role"], actor=request.user)
        except services.TeamError as error:
            return self.refused(error)
        return self.done(
            _("%(user)s is now %(role)s.")
            % {
                "user": membership.user.get_username(),
                "role": Membership.Role(form.cleaned_data["role"]).label,
            }
        )


class MemberRemoveView(TeamActionView):
    def post(self, request: HttpRequest, *args: Any, member_id: int, **kwargs: Any) -> HttpResponse:
        membership = get_object_or_404(
            Membership.objects.select_related("user", "vendor"),
            pk=member_id,
            status=Membership.Status.ACTIVE,
        )
        try:
            services.remove_member(membership, actor=request.user)
        except services.TeamError as error:
            return self.refused(error)
        return self.done(
            _("%(user)s was removed from the team.") % {"user": membership.user.get_username()}
        )


class InvitationRevokeView(TeamActionView):
    def post(
        self, request: HttpRequest, *args: Any, invitation_id: int, **kwargs: Any
    ) -> HttpResponse:
        invitation = get_object_or_404(
            Invitation.objects.select_related("vendor"), pk=invitation_id
        )
        try:
            services.revoke(invitation, actor=request.user)
        except services.TeamError as error:
            return self.refused(error)
        return self.done(
            _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
        )


class SettingsView(PortalMixin, TemplateView):
    """The vendor's profile and storefront domains."""

    template_name = "tenancy/settings.html"
    permission = "settings.edit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("profile_form", VendorProfileForm(instance=self.request.vendor))
        kwargs.setdefault("domain_form", DomainForm())
        return super().get_context_data(
            domains=list(VendorDomain.objects.order_by("domain")), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = VendorProfileForm(request.POST, instance=request.vendor)
        if form.is_valid():
            form.save()
            messages.success(request, _("Settings saved."))
            return HttpResponseRedirect(self.portal_url("settings"))
        return self.render_to_response(self.get_context_data(profile_form=form), status=400)


class DomainAddView(SettingsView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DomainForm(request.POST)
        if form.is_valid():
            domain = services.add_domain(request.vendor, form.cleaned_data["domain"])
            messages.success(
                request,
                _("Domain %(domain)s added: publish its TXT record to verify it.")
                % {"domain": domain.domain},
            )
            return HttpResponseRedirect(self.portal_url("settings"))
        return self.render_to_response(self.get_context_data(domain_form=form), status=400)
