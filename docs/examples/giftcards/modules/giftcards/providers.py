"""What Giftcards adds to dashboards and pages, found by convention: ``<kind>_provider``.

Kinds: ``metrics_provider`` (get_metrics), ``widgets_provider`` (get_widgets) and
``context_provider`` (get_context); see orion_core/providers.py for the protocols. Only
platforms with the module enabled are asked; a provider that raises is logged and left out.
"""

from django.utils.translation import gettext_lazy as _

from modules.giftcards import services
from orion_core.providers import Metric


class GiftcardsMetrics:
    def get_metrics(self, platform):
        return [
            Metric(
                "giftcards.outstanding",
                _("Outstanding gift card balance"),
                str(services.outstanding_balance(platform)),
                module="giftcards",
            ),
        ]


metrics_provider = GiftcardsMetrics()
