"""Giftcards business logic.

Views, the API and tasks call these functions for every change.

Inside a vendor page or API view the vendor scope is active, so ``GiftCard.objects`` holds that
vendor's rows only. Staff pages, providers and tasks work across vendors: they disable the
scope explicitly and filter by platform themselves.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.giftcards.models import GiftCard
from orion_core.services import ModuleService

CENT = Decimal("0.01")


def settings_for(platform) -> dict[str, Any]:
    """This module's effective config on ``platform`` (defaults merged)."""
    return ModuleService().get_config(platform, "giftcards", reveal_secrets=True)


def code_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    """Whether the vendor in scope already has a card with this ``code``."""
    return GiftCard.objects.filter(code=code).exclude(pk=exclude_pk).exists()


def issue_card(vendor, platform, *, code: str, balance: Decimal) -> GiftCard:
    """A new card, valid for the platform's ``validity_days`` from today."""
    days = settings_for(platform)["validity_days"]
    expires_on = timezone.localdate() + datetime.timedelta(days=days)
    return GiftCard.objects.create(vendor=vendor, code=code, balance=balance, expires_on=expires_on)


def platform_cards(platform) -> QuerySet[GiftCard]:
    """Cards of every vendor selling on ``platform``, outside any vendor scope (staff, tasks)."""
    with scopes_disabled():
        return GiftCard.objects.filter(vendor__platforms__platform=platform)


def outstanding_balance(platform) -> Decimal:
    """What is left on the cards of ``platform``'s vendors, in total."""
    total = platform_cards(platform).aggregate(total=Sum("balance"))["total"] or 0
    return Decimal(total).quantize(CENT)


def cards_per_vendor(platform) -> list[dict[str, Any]]:
    """``{"vendor__code", "vendor__name", "cards", "outstanding"}`` for each vendor on
    ``platform`` that has cards, by vendor name."""
    rows = (
        platform_cards(platform)
        .values("vendor__code", "vendor__name")
        .annotate(cards=Count("pk"), outstanding=Sum("balance"))
        .order_by("vendor__name")
    )
    return list(rows)


def expire_cards(platform) -> int:
    """Empty the cards whose validity ended before today; how many were emptied. Running it
    twice changes nothing more (safe to retry)."""
    expired = platform_cards(platform).filter(expires_on__lt=timezone.localdate(), balance__gt=0)
    return expired.update(balance=Decimal("0.00"))
