"""Tenancy's URLs. ``url_prefixes`` on TenancyConfig mounts them at:

- platform: ``/accounts/…`` and ``/vendor/invitations/<token>/`` (no vendor in the path);
- vendor: the portal root ``/vendor/<vendor_code>/`` (dashboard, ``team/``, ``settings/``); other
  modules' pages live at ``/vendor/<vendor_code>/<module>/``, so no path here is a module code;
- vendor_api: ``/api/v1/vendor/<vendor_code>/team/…``.
"""

from django.urls import include, path

from modules.tenancy import api
from modules.tenancy.views import auth, vendor

platform_urlpatterns = [
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/home/", auth.HomeView.as_view(), name="home"),
    path("vendor/invitations/<str:token>/", auth.InvitationView.as_view(), name="invitation"),
    path("", include("modules.tenancy.urls_signup")),
]

admin_urlpatterns = [
    path("", include("modules.tenancy.urls_staff")),
]

vendor_urlpatterns = [
    path("", vendor.DashboardView.as_view(), name="dashboard"),
    path("team/", vendor.TeamView.as_view(), name="team"),
    path("team/invite/", vendor.InviteView.as_view(), name="team-invite"),
    path("team/members/<int:member_id>/role/", vendor.MemberRoleView.as_view(), name="member-role"),
    path(
        "team/members/<int:member_id>/remove/",
        vendor.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path(
        "team/invitations/<int:invitation_id>/revoke/",
        vendor.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("settings/", vendor.SettingsView.as_view(), name="settings"),
    path("settings/domains/", vendor.DomainAddView.as_view(), name="domain-add"),
]

vendor_api_urlpatterns = [
    path("team/", api.MemberListView.as_view(), name="api-members"),
    path("team/<int:pk>/", api.MemberDetailView.as_view(), name="api-member"),
    path("team/invitations/", api.InvitationListView.as_view(), name="api-invitations"),
    path("team/invitations/<int:pk>/", api.InvitationDetailView.as_view(), name="api-invitation"),
]
