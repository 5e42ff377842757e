"""Accounts, companies, vendors and vendor teams.

The custom user model exists from the first migration, as Django advises. Everything that
belongs to one vendor is read through ``ScopedManager(vendor=...)`` (django-scopes): a query
on such a model with no vendor scope active raises ``ScopeError`` instead of returning every
vendor's rows. Code that must see all vendors (staff pages, the admin, tasks) says so with
``scopes_disabled()``, which is easy to grep for.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from orion_core.models import Platform, code_validator


class User(AbstractUser):
    """A person: staff (``is_staff``), vendor team member, or both."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Company(models.Model):
    """The legal entity behind one or more vendors."""

    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class Vendor(models.Model):
    """A shop. Its ``code`` is its URL: /vendor/<code>/ for its team, /shop/<code>/ for buyers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending approval")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="vendors", verbose_name=_("company")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    owner_email = models.EmailField(
        _("owner e-mail"),
        blank=True,
        help_text=_("Given at sign-up; invited to the team as owner when the vendor is approved."),
    )
    theme = models.JSONField(
        _("storefront theme"),
        default=dict,
        blank=True,
        help_text=_('Colours of the storefront, e.g. {"primary": "#0b5fff"}.'),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


# Where a vendor's portal and its storefront are open: the vendor's own status and its status on
# the request's platform must both be one of these.
PORTAL_OPEN = (Vendor.Status.ACTIVE, Vendor.Status.PENDING)
STOREFRONT_OPEN = (Vendor.Status.ACTIVE,)


class VendorPlatform(models.Model):
    """A vendor selling on one platform, with its own status there."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="platforms", verbose_name=_("vendor")
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="vendors", verbose_name=_("platform")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Vendor.Status.choices, default=Vendor.Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["vendor", "platform"]
        verbose_name = _("vendor on platform")
        verbose_name_plural = _("vendors on platforms")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "platform"], name="tenancy_vendor_platform")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} @ {self.platform}"


def _verification_token() -> str:
    return f"orion-verify={secrets.token_urlsafe(24)}"


class VendorDomain(models.Model):
    """A custom storefront domain, served only once a DNS TXT record proves the vendor owns it."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="domains", verbose_name=_("vendor")
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    verification_token = models.CharField(
        _("verification token"), max_length=100, default=_verification_token, editable=False
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["domain"]
        verbose_name = _("vendor domain")
        verbose_name_plural = _("vendor domains")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Membership(models.Model):
    """A user's place in a vendor's team. A user may belong to several vendors."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        STAFF = "staff", _("staff")
        VIEWER = "viewer", _("viewer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REMOVED = "removed", _("removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("vendor")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["vendor", "user"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "vendor"], name="tenancy_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) @ {self.vendor}"


class Invitation(models.Model):
    """An e-mailed invitation to join a vendor's team with a role, accepted via a signed link."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("vendor")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.vendor} ({self.role})"
