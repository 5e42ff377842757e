"""What Orion's platform and module resolution costs a request (ARCHITECTURE.md §6, §10).

Not a test: a script that prints ratios measured side by side in one process (``make bench``).

Two WSGI stacks serve the same trivial view, which renders a one-line template through a
``RequestContext`` so context processors run:

  (a) plain:  the project's middleware and context processors without Orion's
  (b) orion:  the same plus ``PlatformMiddleware``, ``ModuleGateMiddleware`` and Orion's
              ``platform`` / ``module_context`` context processors (i.e. the real settings)

The view sits in the ``billing`` namespace and billing is enabled on the platform, so the gate
does its full check. Requests alternate between the stacks in rounds (order flipped every
round); the median per-request time of each stack and their ratio are reported, with the SQL
queries of a warm (b) request (must be 0) and the cost of ``ModuleService().is_enabled``.
Local-memory cache always; Redis too when ``REDIS_URL`` is set.

    .venv/bin/python bench/resolution.py [--rounds 7] [--requests 2000] [--budget 10]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
import timeit
import types
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "acme.test"
PATH = "/billing/page/"
ORION_MIDDLEWARE = (
    "orion_core.middleware.PlatformMiddleware",
    "orion_core.middleware.ModuleGateMiddleware",
)
ORION_PROCESSORS = (
    "orion_core.context_processors.platform",
    "orion_core.context_processors.module_context",
)
TEMPLATE = (
    "<p>{{ platform.code|default:'-' }} {{ enabled_modules|length }}"
    " {{ module_context|length }}</p>"
)


def per_call(call, number: int = 500, repeat: int = 5) -> float:
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number


def configure_environment(workdir: str) -> str:
    """Environment for the settings module, set before Django reads it; returns REDIS_URL."""
    redis_url = os.environ.get("REDIS_URL", "")
    os.environ.update(
        REDIS_URL="",  # set, though empty: a .env file must not turn Redis on for pass one
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
        CACHE_URL="locmemcache://orion-bench",
        DEBUG="false",
        SECRET_KEY="bench-only-" + uuid.uuid4().hex,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        CELERY_BROKER_URL="",
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
        # Stack (b)'s warm anonymous page would be served whole by the page cache, skipping the
        # very resolution this measures (pages.py measures pages with it).
        ORION_PAGE_CACHE_TIMEOUT="0",
    )
    return redis_url


def build(redis_url: str, rounds: int, requests: int, budget: float) -> int:
    import django

    sys.path.insert(0, str(BASE_DIR))
    django.setup()

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.template import Engine, RequestContext
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import include, path, resolve

    from orion_core import state
    from orion_core.context_processors import module_context
    from orion_core.context_processors import platform as platform_cp
    from orion_core.middleware import ModuleGateMiddleware
    from orion_core.models import Platform, PlatformDomain
    from orion_core.services import ModuleService

    call_command("migrate", verbosity=0, interactive=False)
    platform = Platform.objects.create(code="acme", name="Acme")
    PlatformDomain.objects.create(platform=platform, domain=HOST, is_primary=True)
    ModuleService().enable(platform, "billing")

    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    engines = {
        "a": Engine(context_processors=[p for p in processors if p not in ORION_PROCESSORS]),
        "b": Engine(context_processors=list(processors)),
    }
    templates = {stack: engine.from_string(TEMPLATE) for stack, engine in engines.items()}

    def page(request):
        template = templates[request.META["bench.stack"]]
        return HttpResponse(template.render(RequestContext(request, {})))

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [
        path("", include(([path("billing/page/", page)], "billing"), namespace="billing"))
    ]
    sys.modules["bench_urls"] = urls

    plain_middleware = [m for m in settings.MIDDLEWARE if m not in ORION_MIDDLEWARE]
    assert len(plain_middleware) == len(settings.MIDDLEWARE) - len(ORION_MIDDLEWARE)
    # WSGIHandler reads MIDDLEWARE once, in load_middleware() at construction.
    with override_settings(MIDDLEWARE=plain_middleware):
        plain = WSGIHandler()
    orion = WSGIHandler()

    base_environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    stacks = {
        "a": (plain, {**base_environ, "bench.stack": "a"}),
        "b": (orion, {**base_environ, "bench.stack": "b"}),
    }
    seen: list[str] = []

    def start_response(status, headers, exc_info=None):
        seen.append(status)

    def serve(stack: str, n: int) -> float:
        handler, environ = stacks[stack]
        seen.clear()
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            for _ in range(n):
                handler({**environ, "wsgi.input": io.BytesIO()}, start_response).close()
            elapsed = time.perf_counter() - started
        finally:
            gc.enable()
        if set(seen) != {"200 OK"}:
            raise SystemExit(f"stack {stack} answered {sorted(set(seen))}, expected 200 OK")
        return elapsed / n

    def body(stack: str) -> str:
        handler, environ = stacks[stack]
        response = handler({**environ, "wsgi.input": io.BytesIO()}, start_response)
        content = b"".join(response).decode()
        response.close()
        return content

    def measure(label: str) -> dict[str, float]:
        state.invalidate()
        with CaptureQueriesContext(connection) as cold:
            serve("b", 1)
        cold_queries = len(cold)  # now: the log is reset by the next request
        assert body("a").startswith("<p>- 0 0"), body("a")
        assert body("b").startswith("<p>acme "), body("b")
        # Warm both stacks (caches, imports, resolver) and size the rounds to the time budget.
        warmup = max(50, requests // 10)
        per_pair = serve("a", warmup) + serve("b", warmup)
        n = max(100, min(requests, int(budget / (rounds * per_pair))))
        with CaptureQueriesContext(connection) as warm:
            serve("b", 100)
        warm_queries = len(warm) / 100
        times: dict[str, list[float]] = {"a": [], "b": []}
        for index in range(rounds):
            for stack in ("a", "b") if index % 2 == 0 else ("b", "a"):
                times[stack].append(serve(stack, n))
        a, b = statistics.median(times["a"]), statistics.median(times["b"])
        round_ratios = [tb / ta for ta, tb in zip(times["a"], times["b"], strict=True)]

        # Where (b)'s extra time goes: Orion's pieces called on their own.
        request = RequestFactory().get(PATH, HTTP_HOST=HOST)
        request.user = AnonymousUser()
        request.resolver_match = resolve(PATH)
        found = state.state_for_host(HOST)
        request.platform, request.modules = found.platform, found.enabled
        gate = ModuleGateMiddleware(lambda r: HttpResponse())
        return {
            "label": label,
            "requests": n,
            "a": a,
            "b": b,
            "ratio": b / a,
            "ratios": (min(round_ratios), max(round_ratios)),
            "warm_queries": warm_queries,
            "cold_queries": cold_queries,
            "is_enabled": per_call(lambda: ModuleService().is_enabled(platform, "billing")),
            "state_for_host": per_call(lambda: state.state_for_host(HOST)),
            "gate": per_call(lambda: gate.process_view(request, page, (), {})),
            "processors": per_call(lambda: (platform_cp(request), module_context(request))),
        }

    with override_settings(ROOT_URLCONF="bench_urls"):
        results = [measure("locmem")]
        if redis_url:
            redis_caches = {
                "default": {
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": redis_url,
                    "KEY_PREFIX": f"orion-bench-{uuid.uuid4().hex[:8]}",
                    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
                }
            }
            with override_settings(CACHES=redis_caches):
                try:
                    results.append(measure("redis"))
                finally:
                    cache.delete_pattern("*")  # only this run's prefix
    return report(results, rounds)


def report(results: list[dict], rounds: int) -> int:
    us = 1e6
    sizes = ", ".join(f"{r['label']}: {r['requests']}" for r in results)
    print(f"Orion resolution benchmark: {rounds} rounds x N requests per stack ({sizes})")
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    busy = "  <- a busy machine: the ratios are noisy" if load > cpus / 2 else ""
    print(f"load average {load:.2f} on {cpus} CPUs{busy}")
    print("(a) plain Django stack")
    print("(b) (a) + PlatformMiddleware, ModuleGateMiddleware, Orion's context processors")
    print()
    header = (
        f"{'cache':<8}{'(a) us/req':>11}{'(b) us/req':>11}{'b/a':>8}{'rounds b/a':>14}"
        f"{'SQL warm':>10}{'SQL cold':>10}{'is_enabled us':>15}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        low, high = r["ratios"]
        print(
            f"{r['label']:<8}{r['a'] * us:>11.1f}{r['b'] * us:>11.1f}{r['ratio']:>7.3f}x"
            f"{f'{low:.2f}-{high:.2f}x':>14}{r['warm_queries']:>10g}{r['cold_queries']:>10d}"
            f"{r['is_enabled'] * us:>15.2f}"
        )
    print()
    print("Orion's pieces alone, us per call (warm):")
    header = f"{'cache':<8}{'state_for_host':>16}{'gate':>8}{'context processors':>20}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['label']:<8}{r['state_for_host'] * us:>16.2f}{r['gate'] * us:>8.2f}"
            f"{r['processors'] * us:>20.2f}"
        )
    print()
    failed = False
    for r in results:
        verdict = "met" if r["ratio"] <= 1.05 else "MISSED"
        print(
            f"{r['label']}: overhead {(r['ratio'] - 1) * 100:+.1f}% "
            f"({(r['b'] - r['a']) * us:+.1f} us/request); target <= 1.05x {verdict}; "
            f"warm SQL queries {r['warm_queries']:g} ({'ok' if r['warm_queries'] == 0 else 'FAIL'})"
        )
        failed |= r["warm_queries"] != 0
    if failed:
        print("FAIL: a warm request ran SQL queries; the warm path must run none.")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--requests", type=int, default=2000, help="per stack per round, at most (default 2000)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=10.0,
        help="seconds of timed requests per cache backend; fewer requests on a slow machine",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orion-bench-") as workdir:
        redis_url = configure_environment(workdir)
        started = time.perf_counter()
        code = build(redis_url, args.rounds, args.requests, args.budget)
        print(f"\n({time.perf_counter() - started:.1f} s)")
        return code


if __name__ == "__main__":
    sys.exit(main())
