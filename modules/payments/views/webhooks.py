"""The providers' webhook endpoints: ``/api/v1/payments/webhooks/<gateway>/``.

Mounted in ``api_urlpatterns`` (the platform-wide API, no vendor in the URL): a provider posts
for the platform whose domain it calls, the platform's config holds the secret the signature
is checked with, and the event itself names the payment (and so the vendor). It is neither a
vendor nor a storefront page, so the tenant guard does not apply; there is no session and no
CSRF token, only the provider's signature on the raw body. While payments is off on the
platform the gate answers 404 like every other route of the module.

Answers: 200 when the event was handled, replayed, out of date, ignored or names no payment
of ours (the provider stops retrying); 400 for a bad signature (nothing is recorded); 404 for
a gateway that is not registered or sends no webhooks; 503 when the provider's state cannot be
stored now (the provider retries later).
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from modules.payments import gateways, services
from orion_core.contracts.payments import GatewayError, InvalidSignature

logger = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # bytes: providers' events are a few kilobytes


@csrf_exempt
@require_POST
def receive(request: HttpRequest, gateway: str) -> JsonResponse:
    """Verify and apply one webhook of ``gateway`` for the request's platform."""
    info = gateways.GATEWAYS.get(gateway)
    if info is None or not info.has_webhooks:
        raise Http404("No such payment provider.")
    platform = getattr(request, "platform", None)
    if platform is None:
        raise Http404("No platform here.")
    body = request.body
    if len(body) > MAX_BODY:
        return JsonResponse({"detail": "Too large."}, status=400)
    try:
        record = services.handle_webhook(platform, gateway, body, request.headers)
    except InvalidSignature as exc:
        logger.warning("payments: refused a %s webhook on %s: %s", gateway, platform.code, exc)
        return JsonResponse({"detail": "Invalid signature."}, status=400)
    except GatewayError as exc:
        logger.error("payments: %s webhook on %s not handled: %s", gateway, platform.code, exc)
        return JsonResponse({"detail": "Try again later."}, status=503)
    return JsonResponse({"received": True, "outcome": record.outcome})
