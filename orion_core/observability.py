"""Sentry, only when ``SENTRY_DSN`` is set: Django and Celery integrations, no personal data."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

# Customer fields never to leave the process, on top of sentry-sdk's defaults.
CUSTOMER_DENYLIST = [
    "email",
    "phone",
    "address",
    "first_name",
    "last_name",
    "full_name",
    "iban",
    "card_number",
]
UNSAMPLED_PATHS = ("/health", "/metrics")


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data: send_default_pii is left unset (the SDK's default is off; setting
        # it is deprecated), and the scrubber below removes customer fields on top.
        event_scrubber=EventScrubber(
            denylist=DEFAULT_DENYLIST + CUSTOMER_DENYLIST,
            pii_denylist=DEFAULT_PII_DENYLIST + CUSTOMER_DENYLIST,
            # Customer data usually sits inside payloads ({"order": {"email": ...}}), not at
            # the top level, which is all a non-recursive scrubber looks at.
            recursive=True,
        ),
        traces_sampler=lambda context: _sample(context, traces_sample_rate),
    )


def _sample(context: dict[str, Any], rate: float) -> float:
    # WSGI requests carry their environ, ASGI requests their scope (config.asgi serves both).
    path = (context.get("wsgi_environ") or {}).get("PATH_INFO") or (
        context.get("asgi_scope") or {}
    ).get("path", "")
    return 0.0 if path.startswith(UNSAMPLED_PATHS) else rate


def tag_request(platform_code: str | None, module_code: str | None) -> None:
    """Tag the current Sentry scope; a no-op when Sentry is not initialised."""
    if not sentry_sdk.get_client().is_active():
        return
    scope = sentry_sdk.get_isolation_scope()
    if platform_code:
        scope.set_tag("platform", platform_code)
    if module_code:
        scope.set_tag("module", module_code)
