"""Platforms and the per-platform state of their modules (ARCHITECTURE.md §5).

``PlatformModule`` is the truth about which module is on where; ``ModuleAuditEntry`` is its
append-only history. Both are written only by ``orion_core.services.ModuleService``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_-]*$",
    _("Use lowercase letters, digits, '-' and '_', starting with a letter."),
)


class Platform(models.Model):
    """A business product on its own domain(s), with its own set of enabled modules."""

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def primary_domain(self) -> str | None:
        domains = list(self.domains.all())
        primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
        return primary.domain if primary else None

    def absolute_url(self, path: str) -> str:
        """``path`` on the platform's primary domain, for links that leave the request (an
        e-mail); the path alone when the platform has no domain yet."""
        domain = self.primary_domain
        if not path or not domain:
            return path
        scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
        return f"{scheme}://{domain}{path}"


class PlatformDomain(models.Model):
    """A host name that resolves to a platform (``Host`` header, without the port)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="domains", verbose_name=_("platform")
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["platform", "-is_primary", "domain"]
        verbose_name = _("platform domain")
        verbose_name_plural = _("platform domains")
        constraints = [
            models.UniqueConstraint(
                fields=["platform"],
                condition=models.Q(is_primary=True),
                name="orion_one_primary_domain_per_platform",
            )
        ]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class PlatformModule(models.Model):
    """One module's state on one platform: on or off, why, by whom, and its config."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="modules", verbose_name=_("platform")
    )
    module_code = models.CharField(_("module"), max_length=100)
    is_enabled = models.BooleanField(_("enabled"), default=False)
    enabled_explicitly = models.BooleanField(
        _("enabled explicitly"),
        default=False,
        help_text=_("Enabled by a person, rather than only as another module's requirement."),
    )
    required_by = models.CharField(
        _("required by"),
        max_length=100,
        blank=True,
        help_text=_("The module whose requirement switched this one on."),
    )
    enabled_at = models.DateTimeField(_("enabled at"), null=True, blank=True)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enabled by"),
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disabled by"),
    )
    config = models.JSONField(_("config"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["platform", "module_code"]
        verbose_name = _("platform module")
        verbose_name_plural = _("platform modules")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "module_code"], name="orion_platform_module_unique"
            )
        ]
        indexes = [
            models.Index(fields=["platform", "is_enabled"], name="orion_pm_platform_enabled"),
            models.Index(fields=["module_code", "is_enabled"], name="orion_pm_module_enabled"),
        ]

    def __str__(self) -> str:
        state = _("on") if self.is_enabled else _("off")
        return f"{self.module_code} @ {self.platform_id}: {state}"

    @property
    def cause(self) -> str:
        if not self.is_enabled:
            return ""
        if self.enabled_explicitly:
            return "explicit"
        return f"required by {self.required_by}" if self.required_by else "core"


class ModuleAuditEntry(models.Model):
    """One change of a platform's module state, appended and never edited."""

    class Action(models.TextChoices):
        ENABLED = "enabled", _("enabled")
        DISABLED = "disabled", _("disabled")
        CONFIG_CHANGED = "config_changed", _("config changed")
        PURGED = "purged", _("data purged")

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="module_audit", verbose_name=_("platform")
    )
    module_code = models.CharField(_("module"), max_length=100)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    cause = models.CharField(
        _("cause"),
        max_length=200,
        help_text=_('Why it happened: "explicit", "required by billing", "dependent of payments".'),
    )
    cause_module = models.CharField(_("cause module"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    source = models.CharField(
        _("source"), max_length=20, blank=True, help_text=_("cli, api, admin, dashboard, system…")
    )
    old_config = models.JSONField(_("old config"), null=True, blank=True)
    new_config = models.JSONField(_("new config"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("module audit entry")
        verbose_name_plural = _("module audit entries")
        indexes = [
            models.Index(
                fields=["platform", "module_code", "-created_at"], name="orion_audit_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.module_code} {self.action} ({self.cause})"


class PlatformMenuConfig(models.Model):
    """Which menu items a platform hides on one frontend (``"module:item_id"`` keys).

    Written only by ``orion_core.services.menus.set_hidden_items``, which refuses unknown and
    mandatory items and makes every process see the change on commit.
    """

    FRONTEND_CHOICES = [
        ("platform", _("platform pages")),
        ("admin", _("staff dashboard")),
        ("vendor", _("vendor portal")),
        ("storefront", _("storefront")),
    ]

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="menu_configs", verbose_name=_("platform")
    )
    frontend = models.CharField(_("frontend"), max_length=20, choices=FRONTEND_CHOICES)
    hidden_items = models.JSONField(
        _("hidden items"),
        default=list,
        blank=True,
        help_text=_('Menu items hidden on this platform, as "module:item_id".'),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["platform", "frontend"]
        verbose_name = _("platform menu configuration")
        verbose_name_plural = _("platform menu configurations")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "frontend"], name="orion_platform_menu_config_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.frontend}: {len(self.hidden_items)} hidden"
