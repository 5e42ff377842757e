"""Orion's own Prometheus metrics, exported at ``/metrics`` beside django-prometheus's.

Labels are module codes and fixed words only: never platform or vendor ids, whose number is
unbounded.
"""

from prometheus_client import Counter

module_toggles = Counter(
    "orion_module_toggles_total",
    "Module state changes committed, by module and action.",
    ["module", "action"],
)
module_requests = Counter(
    "orion_module_requests_total",
    "Requests routed to a module's views, by module and outcome (served or gated).",
    ["module", "outcome"],
)
provider_failures = Counter(
    "orion_provider_failures_total",
    "Module providers that raised and were left out, by module and provider kind.",
    ["module", "kind"],
)
cache_errors = Counter(
    "orion_state_cache_errors_total",
    "Module state cache operations that failed and fell back to the database.",
)
tenant_guard = Counter(
    "orion_tenant_guard_total",
    "Vendor-portal and storefront requests the tenant guard decided, by module, frontend and "
    "outcome (admitted, not_found, login, forbidden, error).",
    ["module", "frontend", "outcome"],
)
page_cache = Counter(
    "orion_page_cache_total",
    "Anonymous page requests the page cache considered, by outcome (hit, stored, passed).",
    ["outcome"],
)
