"""Module health over time: one sample per (platform, module) each time the scheduled health
check runs, kept for ``RETENTION`` and pruned by that same task."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION = timedelta(days=14)


class HealthSample(models.Model):
    platform = models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("platform"),
    )
    module_code = models.CharField(_("module"), max_length=64)
    ok = models.BooleanField(_("healthy"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("health sample")
        verbose_name_plural = _("health samples")
        indexes = [
            models.Index(fields=["checked_at"], name="monitoring_sample_checked"),
            models.Index(
                fields=["platform", "module_code", "checked_at"], name="monitoring_sample_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module_code}@{self.platform_id} {'ok' if self.ok else 'failing'}"
