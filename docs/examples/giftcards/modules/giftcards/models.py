"""Giftcards models.

Every row belongs to one vendor and carries the vendor key itself (ARCHITECTURE.md §12). Read
through ``ScopedManager(vendor="vendor")``: inside a vendor page or API view (the tenant guard
sets the scope) ``GiftCard.objects`` holds that vendor's rows only; outside any scope a query
raises ``ScopeError`` unless it is wrapped in ``django_scopes.scopes_disabled()``.

After changing a model: ``manage.py makemigrations giftcards``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager


class GiftCard(models.Model):
    """A card a vendor issued: the code a customer types at checkout, and what is left on it."""

    # By string: a module imports another module's code only if it requires it.
    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("giftcards", "vendor"),
    )
    code = models.CharField(
        pgettext_lazy("giftcards", "code"),
        max_length=20,
    )
    balance = models.DecimalField(_("balance"), max_digits=10, decimal_places=2)
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(
        pgettext_lazy("giftcards", "created"),
        auto_now_add=True,
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "code"],
                name="giftcards_card_code",
                violation_error_message=_("A gift card with this code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.code
