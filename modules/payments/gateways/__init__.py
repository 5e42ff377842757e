"""The gateway registry: which payment providers a platform may choose, code → adapter.

Each platform picks one gateway in the module config (``provider``, a choice of the codes
registered here); its credentials are write-only secrets of that config. An adapter
implements ``orion_core.contracts.payments.PaymentGateway`` and is built per call from the
platform's ``GatewaySettings`` by a factory named by dotted path, so a provider's SDK is
imported only when a platform uses it (and never at start-up).

To add a provider: write ``gateways/<code>.py`` with a ``gateway(settings)`` factory and add a
``GatewayInfo`` below; the config's choices, the webhook endpoint and the pages follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orion_core.contracts.payments import GatewayError, GatewaySettings, PaymentGateway

Factory = Callable[[GatewaySettings], PaymentGateway]


@dataclass(frozen=True)
class GatewayInfo:
    """A registered gateway: its code (stored on payments and in the config), the label the
    staff form shows, the factory's dotted path, whether it needs an API key, and whether it
    sends webhooks (a gateway without them has no webhook endpoint), and whether it needs a
    client id besides its key (PayPal's REST credentials are a pair)."""

    code: str
    label: str | Promise
    factory: str
    needs_api_key: bool
    has_webhooks: bool
    needs_client_id: bool = False


GATEWAYS: dict[str, GatewayInfo] = {
    info.code: info
    for info in (
        GatewayInfo(
            "manual",
            gettext_lazy("Manual (bank transfer, cash)"),
            "modules.payments.gateways.manual.gateway",
            needs_api_key=False,
            has_webhooks=False,
        ),
        GatewayInfo(
            "stripe",
            "Stripe",
            "modules.payments.gateways.stripe.gateway",
            needs_api_key=True,
            has_webhooks=True,
        ),
        GatewayInfo(
            "paypal",
            "PayPal",
            "modules.payments.gateways.paypal.gateway",
            needs_api_key=True,
            has_webhooks=True,
            needs_client_id=True,
        ),
    )
}


def choices() -> list[tuple[str, str | Promise]]:
    """The config's choices: every registered gateway."""
    return [(info.code, info.label) for info in GATEWAYS.values()]


def info(code: str) -> GatewayInfo:
    """The registered gateway ``code``, else ``GatewayError`` (a payment of a gateway that was
    since unregistered can no longer be moved)."""
    try:
        return GATEWAYS[code]
    except KeyError:
        raise GatewayError(
            _("The payment provider “%(code)s” is not available.") % {"code": code}
        ) from None


def build(code: str, settings: GatewaySettings) -> PaymentGateway:
    """The adapter of gateway ``code`` for a platform's ``settings``."""
    registered = info(code)
    try:
        factory = cast(
            Callable[[GatewaySettings], PaymentGateway], import_string(registered.factory)
        )
    except ImportError:
        raise GatewayError(
            _("The payment provider “%(code)s” is not available.") % {"code": code}
        ) from None
    return factory(settings)
