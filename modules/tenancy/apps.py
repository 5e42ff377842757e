from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from orion_core.modules import (
    FrontendType,
    LimitDefinition,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleConfig,
    PermissionDefinition,
    ScheduledTask,
    Tier,
)

if TYPE_CHECKING:
    from orion_core.models import Platform


class TenancyConfig(ModuleConfig):
    name = "modules.tenancy"
    label = "tenancy"
    verbose_name = _("Tenancy")
    description = _("Users, companies, vendors, vendor teams and their roles.")
    tier = Tier.CORE
    requires = ("core",)
    features = ("accounts", "vendors", "teams", "roles")
    # A plan may cap the seats of a vendor's team: members plus pending invitations (invite asks).
    # Billing shows the usage on every dashboard visit: the count from the shared cache.
    limits = (
        LimitDefinition(
            "max_team_members",
            _("team members"),
            usage="modules.tenancy.cache.seat_count",
        ),
    )
    # The vendor portal's own pages sit at the portal root (/vendor/<code>/team/...), next to
    # other modules' /vendor/<code>/<module>/; account pages and invitation links at the root.
    url_prefixes = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        "platform": "",
        "vendor": "vendor/<slug:vendor_code>/",
        "vendor_api": "api/v1/vendor/<slug:vendor_code>/",
        "admin": "dashboard/vendors/",
    }
    scheduled_tasks = (
        ScheduledTask(
            name="verify-vendor-domains",
            task="tenancy.verify_vendor_domains",
            schedule="*/10 * * * *",
            description="Check the DNS proof of every unverified vendor domain.",
        ),
    )
    menus = {  # noqa: RUF012 - a ClassVar declared on ModuleConfig
        FrontendType.ADMIN: (
            MenuSectionDefinition(
                id="vendors",
                label=_("Vendors"),
                order=200,
                items=(
                    MenuItemDefinition(
                        id="vendors", label=_("Vendors"), url_name="staff-vendors", icon="store"
                    ),
                ),
            ),
        ),
        # The vendor portal's own pages (the sidebar of /vendor/<vendor_code>/...).
        FrontendType.VENDOR: (
            MenuSectionDefinition(
                id="vendor",
                label=_("Your shop"),
                order=10,
                items=(
                    MenuItemDefinition(
                        id="dashboard",
                        label=_("Dashboard"),
                        url_name="dashboard",
                        icon="home",
                        order=10,
                        mandatory=True,
                    ),
                    MenuItemDefinition(
                        id="team",
                        label=_("Team"),
                        url_name="team",
                        icon="users",
                        order=20,
                        permission="team.view",
                    ),
                    MenuItemDefinition(
                        id="settings",
                        label=_("Settings"),
                        url_name="settings",
                        icon="settings",
                        order=30,
                        permission="settings.edit",
                    ),
                ),
            ),
        ),
    }
    permissions = (
        PermissionDefinition("team.view", _("View the team"), roles=("manager", "staff", "viewer")),
        PermissionDefinition(
            "team.manage", _("Invite and manage team members"), roles=("manager",)
        ),
        PermissionDefinition("settings.edit", _("Edit vendor settings"), roles=("manager",)),
    )

    def seed_demo(self, platforms: dict[str, Platform]) -> list[str]:
        """Demo vendors with owner logins on the oms and loyalty platforms (see demo.py)."""
        from modules.tenancy.demo import seed_demo_vendors

        return seed_demo_vendors(platforms)

    def ready(self) -> None:
        # Tenant context travelling into Celery tasks (before_task_publish / task_prerun).
        # Vendors, memberships and domain routes are cached: the receivers that make them stale.
        from modules.tenancy import (
            cache,  # noqa: F401
            signals,  # noqa: F401
        )
