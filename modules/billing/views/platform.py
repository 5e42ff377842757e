"""The pricing page on the platform's public site (/pricing/): the tiers it offers, built from
the tiers themselves (prices, trial, features, limits), so it never disagrees with billing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from modules.billing.services import subscriptions, tiers


def yearly_saving(monthly: Decimal, yearly: Decimal) -> int:
    """How much cheaper paying yearly is than twelve months, in whole percent (0: not)."""
    full = monthly * 12
    if full <= 0 or yearly >= full:
        return 0
    return int(((full - yearly) * 100 / full).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class PricingView(TemplateView):
    template_name = "billing/platform/pricing.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "platform", None) is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        platform = self.request.platform  # type: ignore[attr-defined]
        offered = list(tiers.offered_tiers(platform))
        limit_names = [
            limit.name
            for limit in tiers.enabled_limits(platform)
            if any(limit.name in tier.limits for tier in offered)
        ]
        cards = [
            {
                "tier": tier,
                "saving": yearly_saving(tier.monthly_price, tier.yearly_price),
                "features": tiers.describe_features(tier),
                "limits": tiers.describe_limits(tier, limit_names),
            }
            for tier in offered
        ]
        try:
            signup_url = reverse("tenancy:signup")
        except NoReverseMatch:
            signup_url = ""
        return super().get_context_data(
            cards=cards,
            trial_days=subscriptions.trial_days(platform),
            signup_url=signup_url,
            **kwargs,
        )
