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


class ErrorRecord(models.Model):
    """One burst of an application error: the first occurrence in full (message, traceback,
    where it happened) and how many times the same error (``fingerprint``) repeated while it kept
    recurring within ``modules.monitoring.errors.REPEAT_WINDOW``. Written by the logging handler
    in ``modules.monitoring.logging``; kept for ``MONITORING_ERROR_RETENTION_DAYS``.

    Deliberately no personal data beyond the user's id: no request body, cookies, headers or
    query string are kept.
    """

    fingerprint = models.CharField(_("fingerprint"), max_length=40)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    level = models.CharField(_("level"), max_length=10)
    logger_name = models.CharField(_("logger"), max_length=200)
    message = models.TextField(_("message"))
    exception_type = models.CharField(_("exception type"), max_length=200, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    request_method = models.CharField(_("request method"), max_length=10, blank=True)
    request_path = models.CharField(_("request path"), max_length=500, blank=True)
    request_host = models.CharField(_("host"), max_length=255, blank=True)
    platform_code = models.CharField(_("platform"), max_length=64, blank=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    task_name = models.CharField(_("task"), max_length=200, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("error record")
        verbose_name_plural = _("error records")
        indexes = [
            models.Index(fields=["-last_seen"], name="monitoring_error_last_seen"),
            models.Index(fields=["fingerprint", "-last_seen"], name="monitoring_error_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.exception_type or self.level} in {self.logger_name} ×{self.occurrences}"
