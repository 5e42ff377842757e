"""Pages of a platform's public site, written by staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orion_core.models import Platform


class Page(models.Model):
    """A page of one platform's public site; ``home`` is its landing page.

    ``body`` is HTML written by staff. It is stored as written and sanitised every time it is
    shown (``modules.cms.services.render_body``), so it is never trusted.
    """

    HOME = "home"

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="pages", verbose_name=_("platform")
    )
    slug = models.SlugField(_("slug"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("HTML; scripts are removed."))
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["platform", "slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["platform", "slug"], name="cms_page_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title
