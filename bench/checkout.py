"""Complete checkouts through Orion's real views under a real server, inventory on and off.

Not a test: a script that prints figures (ARCHITECTURE.md §10). Production shape, as
``bench/pages.py`` (whose helpers it uses): DEBUG off, PostgreSQL and Redis, gunicorn with 2 sync
workers, a bounded load on loopback.

    .venv/bin/python bench/checkout.py [--duration 10] [--clients 8] [--scenarios same,different]

A checkout is what a guest's browser does, each in a new session (its own cookies): the product
page (which sets the CSRF cookie), add to cart (POST, 302 to the cart), the cart, the checkout
page (its hidden one-time ``token`` and ``expected_total``), place the order (POST, 302 to the
confirmation) and the confirmation. Any other status is an error: counted, shown, and the run
exits 1. ``--clients`` threads check out over and over for ``--duration`` seconds per variant;
in the ``same`` scenario every client buys the same variant of the demo shop ``acme-shop`` (on
``localhost``, platform ``oms``), in ``different`` each client buys its own product. Each
scenario runs with inventory on and with it off, switched through ``ModuleService`` as an
operator would (the running server sees it on its next request); inventory is left as it was.

After each variant the ORM must agree: the orders made equal the orders the clients placed, and
(inventory on) the variants' reserved stock rose by as much, their on-hand did not change, each
order holds its reservation and inventory's ledger check finds no drift (inventory off: stock
untouched). Queries per step are counted in this process (Django's test client, the same
database and cache) on a warm checkout, with each step's time for one shopper alone.

Before measuring: orders (so payments and catalog) on for ``oms`` with the manual gateway, and
the bought variants topped up to 100,000 available. Orders accumulate run after run (their
e-mail names the run); nothing else is left changed.

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/orion_bench_checkout``,
created if missing and filled with ``seed_demo``) and ``REDIS_URL`` (default
``redis://127.0.0.1:6379/7``; the run's keys go under a unique prefix).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import html
import http.client
import http.cookies
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import environment, gunicorn, prepare_database  # noqa: E402

HOST = "localhost"
PLATFORM = "oms"
SHOP = "acme-shop"
AVAILABLE = 100_000  # what the bought variants can sell when the run starts
TIMEOUT = 30  # seconds, per request
WARM_ROUNDS = 3  # in-process checkouts timed, after one that warms
STEPS = ("product page", "add to cart", "cart page", "checkout page", "place order", "confirmation")
SCENARIOS = {"same": "same product", "different": "a product per client"}
ADDRESS = {
    "name": "Bench Shopper",
    "line1": "1 Loopback Road",
    "postal_code": "75001",
    "city": "Paris",
    "country": "FR",
    "shipping_method": "standard",
}


# --- one shopper over HTTP --------------------------------------------------------------------


class CheckoutError(Exception):
    """A step answered something else than it should: the checkout is abandoned."""

    def __init__(self, step: str, status: int, detail: str) -> None:
        super().__init__(f"{step}: {status} {detail}")
        self.step, self.status, self.detail = step, status, detail


@dataclasses.dataclass
class Checkout:
    """One checkout's outcome: seconds per step done, the variant bought, the order placed."""

    steps: dict[str, float] = dataclasses.field(default_factory=dict)
    variant: int | None = None
    number: str = ""  # the order's, once placing it answered its confirmation's address
    error: CheckoutError | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and len(self.steps) == len(STEPS)


class Browser:
    """A guest's browser: its own cookies, one connection per request (gunicorn's sync workers
    close it after each answer anyway)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        return response.status, location, text


def hidden(page: str, name: str) -> str:
    """The value of the form's input ``name`` ('' when the page has none)."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    value = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def why(status: int, page: str) -> str:
    """A short reason for an unexpected answer: the form's errors, else the page's title."""
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    found = errors or re.findall(r"<title>(.*?)</title>", page, re.S)
    text = re.sub(r"<[^>]+>", " ", " ".join(found))
    return " ".join(html.unescape(text).split())[:160] or f"HTTP {status}"


def check_out(port: int, product: str, email: str) -> Checkout:
    """One complete guest checkout of ``product`` (a slug), timed step by step."""
    browser, done = Browser(port), Checkout()
    shop = f"/shop/{SHOP}/orders/"

    def step(name: str, method: str, path: str, expect: int, form: dict | None = None) -> tuple:
        started = time.perf_counter()
        status, location, page = browser.request(method, path, form)
        done.steps[name] = time.perf_counter() - started
        if status != expect:
            raise CheckoutError(name, status, why(status, page))
        return location, page

    try:
        _, page = step("product page", "GET", f"/shop/{SHOP}/p/{product}/", 200)
        variant, csrf = hidden(page, "variant"), hidden(page, "csrfmiddlewaretoken")
        if not variant or not csrf or "csrftoken" not in browser.cookies:
            raise CheckoutError("product page", 200, "no add-to-cart form or CSRF cookie")
        done.variant = int(variant)
        form = {"variant": variant, "quantity": "1", "csrfmiddlewaretoken": csrf}
        location, _ = step("add to cart", "POST", f"{shop}cart/add/", 302, form)
        if location != f"{shop}cart/":
            raise CheckoutError("add to cart", 302, f"redirected to {location}")
        step("cart page", "GET", location, 200)
        _, page = step("checkout page", "GET", f"{shop}checkout/", 200)
        form = {
            **ADDRESS,
            "email": email,
            **{k: hidden(page, k) for k in ("token", "expected_total", "csrfmiddlewaretoken")},
        }
        if not form["token"] or not form["expected_total"]:
            raise CheckoutError("checkout page", 200, "no token or expected_total in the form")
        location, _ = step("place order", "POST", f"{shop}checkout/", 302, form)
        placed = re.fullmatch(rf"{shop}placed/([^/]+)/", location)
        if placed is None:
            raise CheckoutError("place order", 302, f"redirected to {location}")
        done.number = placed.group(1)
        _, page = step("confirmation", "GET", location, 200)
        if done.number not in page:
            raise CheckoutError("confirmation", 200, "the page does not name the order")
    except CheckoutError as error:
        done.error = error
    except OSError as error:  # refused, reset, timed out: the server failed this checkout
        done.error = CheckoutError(STEPS[len(done.steps)], 0, f"{type(error).__name__}: {error}")
    return done


@dataclasses.dataclass
class Phase:
    """Checkouts of one variant: who bought what, how long it took, what went wrong."""

    label: str
    domain: str  # the e-mail domain of its orders, to find them afterwards
    checkouts: list[Checkout]
    seconds: float

    @property
    def complete(self) -> list[Checkout]:
        return [c for c in self.checkouts if c.complete]

    @property
    def placed(self) -> list[Checkout]:
        return [c for c in self.checkouts if c.number]

    @property
    def errors(self) -> list[CheckoutError]:
        return [c.error for c in self.checkouts if c.error is not None]


def load(
    port: int, products: list[str], domain: str, *, seconds: float, per_client: int, label: str = ""
) -> Phase:
    """``len(products)`` clients, client i buying ``products[i]`` again and again, each for at
    most ``seconds`` and ``per_client`` checkouts (a checkout begun is finished)."""
    results: list[Checkout] = []
    started = time.monotonic()
    deadline = started + seconds

    def client(index: int, product: str) -> None:
        for n in range(per_client):
            if n and time.monotonic() >= deadline:
                break
            results.append(check_out(port, product, f"c{index}n{n}@{domain}"))

    threads = [threading.Thread(target=client, args=(i, p)) for i, p in enumerate(products)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Phase(label, domain, results, time.monotonic() - started)


# --- in this process: the platform, the stock, the SQL, the checks -----------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def platform_ready(products: int) -> tuple[Any, Any, list[Any]]:
    """Orders on (with payments and catalog) and the manual gateway on ``oms``; the demo shop,
    and the first ``products`` of its active products (by id)."""
    from django_scopes import scopes_disabled

    from modules.catalog.models import Product
    from modules.tenancy.models import Vendor
    from orion_core.models import Platform
    from orion_core.services import ModuleService

    service = ModuleService()
    platform = Platform.objects.get(code=PLATFORM)
    if not service.is_enabled(platform, "orders"):
        service.enable(platform, "orders", source="bench")
    if service.get_config(platform, "payments").get("provider") != "manual":
        service.set_config(platform, "payments", {"provider": "manual"}, source="bench")
    vendor = Vendor.objects.get(code=SHOP)
    with scopes_disabled():
        chosen = list(
            Product.objects.filter(vendor=vendor, status=Product.Status.ACTIVE)
            .prefetch_related("variants")
            .order_by("pk")[:products]
        )
    if len(chosen) < products:
        raise SystemExit(f"{SHOP} has {len(chosen)} active products, {products} are needed")
    return platform, vendor, chosen


def top_up(vendor: Any, products: list[Any]) -> None:
    """Every variant of ``products``: on hand = reserved + ``AVAILABLE`` (tracked from now on)."""
    from django_scopes import scopes_disabled

    from modules.inventory import services as inventory
    from modules.inventory.models import StockLevel

    with scopes_disabled():
        for product in products:
            for variant in product.variants.all():
                place = inventory.default_location(vendor.pk)
                level = StockLevel.objects.filter(variant=variant, location=place).first()
                reserved = level.reserved if level else 0
                inventory.set_level(
                    vendor.pk, variant.pk, reserved + AVAILABLE, location=place, note="bench top-up"
                )


def set_inventory(platform: Any, on: bool) -> None:
    from orion_core.services import ModuleService

    service = ModuleService()
    if service.is_enabled(platform, "inventory") == on:
        return
    change = service.enable if on else service.disable
    plan = change(platform, "inventory", source="bench")
    others = [step.code for step in plan.steps if step.code != "inventory"]
    if others:
        print(f"  (switching inventory {'on' if on else 'off'} also switched: {', '.join(others)})")


def stock(variant_ids: set[int]) -> dict[int, tuple[int, int]]:
    """On hand and reserved of each variant, over its locations."""
    from django.db.models import Sum
    from django_scopes import scopes_disabled

    from modules.inventory.models import StockLevel

    with scopes_disabled():
        rows = (
            StockLevel.objects.filter(variant_id__in=variant_ids)
            .values("variant_id")
            .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
            .values_list("variant_id", "on_hand", "reserved")
        )
        found = {pk: (on_hand, reserved) for pk, on_hand, reserved in rows}
    return {pk: found.get(pk, (0, 0)) for pk in variant_ids}


def verify(phase: Phase, vendor: Any, before: dict[int, tuple[int, int]], inventory: bool) -> str:
    """What the ORM says of ``phase``, in one line; SystemExit when it disagrees with the
    clients."""
    from django.db.models import Count, Sum
    from django_scopes import scopes_disabled

    from modules.inventory.models import Reservation
    from modules.inventory.services import check_ledger
    from modules.orders.models import Order, OrderLine

    placed = phase.placed
    bought = Counter(c.variant for c in placed)
    problems = []
    with scopes_disabled():
        orders = Order.objects.filter(vendor=vendor, email__endswith=f"@{phase.domain}")
        numbers = set(orders.values_list("number", flat=True))
        if numbers != {c.number for c in placed}:
            problems.append(
                f"{len(numbers)} orders in the database, {len(placed)} placed by the clients"
            )
        lines = Counter(
            dict(
                OrderLine.objects.filter(order__in=orders)
                .values("variant_id")
                .annotate(n=Sum("quantity"))
                .values_list("variant_id", "n")
            )
        )
        if lines != bought:
            problems.append(f"ordered units {dict(lines)} != bought {dict(bought)}")
        shapes = set(orders.annotate(n=Count("lines")).values_list("n", flat=True))
        if shapes - {1}:
            problems.append(f"orders with {sorted(shapes)} lines, not 1")
        held = Reservation.objects.filter(
            vendor=vendor,
            reference__in=[f"order-{n}" for n in numbers],
            state=Reservation.State.HELD,
        ).count()
        drifts = check_ledger([vendor.pk])
    after = stock(set(before))
    for pk in sorted(before):
        moved = after[pk][0] - before[pk][0], after[pk][1] - before[pk][1]
        want = bought.get(pk, 0) if inventory else 0
        if moved != (0, want):
            on_hand, reserved = moved
            problems.append(f"variant {pk}: on hand {on_hand:+d}, reserved {reserved:+d}/{want}")
    if held != (len(numbers) if inventory else 0):
        problems.append(f"{held} reservations held for {len(numbers)} orders")
    if drifts:
        problems.append(f"inventory's ledger check: {len(drifts)} drift(s), e.g. {drifts[0]}")
    if problems:
        listed = "\n  ".join(problems)
        raise SystemExit(f"FAILED: {phase.label}: the database disagrees:\n  {listed}")
    units = sum(bought.values())
    held_text = (
        f"reserved +{units} over {len(bought)} variant(s), on hand unchanged, "
        f"{held} reservations held, ledger agrees"
        if inventory
        else "stock untouched, no reservations"
    )
    return (
        f"{phase.label}: {len(numbers)} orders = {len(placed)} placed "
        f"({len(phase.complete)} complete); {held_text}"
    )


def queries_per_step(
    product: str, email: str, show: bool = False
) -> tuple[dict[str, int], dict[str, float]]:
    """Checkouts through Django's test client, in this process, one shopper alone: the queries
    of each step of a warm checkout (the first one warms) and the median ms of each step over
    ``WARM_ROUNDS`` warm checkouts (no server, no queue: what the step itself costs)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    shop = f"/shop/{SHOP}/orders/"
    counts: dict[str, int] = {}
    times: dict[str, list[float]] = {name: [] for name in STEPS}
    printing = timing = False

    def measure(client: Client, name: str, method: str, path: str, data: Any = None) -> Any:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = getattr(client, method)(path, data)
            if timing:
                times[name].append(time.perf_counter() - started)
        expected = 302 if method == "post" else 200
        if response.status_code != expected:
            raise SystemExit(f"in process, {name} answered {response.status_code}")
        counts[name] = len(captured)
        if printing:
            print(f"\n-- {name}: {len(captured)} queries")
            for query in captured:
                print("  ", " ".join(query["sql"].split())[:240])
        return response

    # The confirmation mail stays in memory, as on the servers (EMAIL_URL=memorymail://).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for round_ in range(1 + WARM_ROUNDS):
            timing = round_ > 0
            printing = show and round_ == WARM_ROUNDS
            client = Client(HTTP_HOST=HOST)
            page = measure(client, STEPS[0], "get", f"/shop/{SHOP}/p/{product}/").content.decode()
            form = {"variant": hidden(page, "variant"), "quantity": 1}
            measure(client, STEPS[1], "post", f"{shop}cart/add/", form)
            measure(client, STEPS[2], "get", f"{shop}cart/")
            page = measure(client, STEPS[3], "get", f"{shop}checkout/").content.decode()
            form = {**ADDRESS, "email": email}
            form.update({k: hidden(page, k) for k in ("token", "expected_total")})
            placed = measure(client, STEPS[4], "post", f"{shop}checkout/", form)
            measure(client, STEPS[5], "get", placed["Location"])
    return counts, {name: statistics.median(values) * 1000 for name, values in times.items()}


# --- the report ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), in milliseconds; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] * 1000


def server_log(path: Path) -> tuple[int, Counter]:
    """Confirmation mails the servers failed to send, and their other warnings and errors."""
    text = path.read_text(errors="replace")
    mails = len(re.findall(r"Could not send orders\.confirmation", text))
    other: Counter = Counter()
    for line in text.splitlines():
        found = re.match(r"\S+ \S+ (WARNING|ERROR|CRITICAL) (\S+) \S+ (.*)", line) or re.match(
            r"\[[^]]+\] \[\d+\] \[(WARNING|ERROR|CRITICAL)\] ()(.*)", line
        )
        if found and "Could not send orders.confirmation" not in line:
            level, logger, message = found.groups()
            other[f"{level} {logger} {message[:120]}".replace("  ", " ")] += 1
    return mails, other


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per variant")
    parser.add_argument("--clients", type=int, default=8, help="concurrent shoppers")
    parser.add_argument(
        "--max-checkouts", type=int, default=2000, help="per client and variant, at most"
    )
    parser.add_argument(
        "--scenarios",
        default="same,different",
        help="same: every client buys one variant; different: each client its own product",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--sql", action="store_true", help="print each step's queries")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orion_bench_checkout"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    args = parser.parse_args()
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if not scenarios or set(scenarios) - set(SCENARIOS) or args.clients < 1:
        parser.error("--scenarios takes same and/or different; --clients at least 1")

    started = time.monotonic()
    load_before = os.getloadavg()[0]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    env = environment(args)
    prepare_database(env, setup=[])
    django_setup(env)
    from orion_core.services import ModuleService

    platform, vendor, products = platform_ready(args.clients)
    inventory_was_on = ModuleService().is_enabled(platform, "inventory")
    top_up(vendor, products)
    slugs = {
        "same": [products[0].slug] * args.clients,
        "different": [p.slug for p in products[: args.clients]],
    }
    variant_ids = {v.pk for p in products for v in p.variants.all()}
    run = uuid.uuid4().hex[:8]

    phases: dict[tuple[str, str], Phase] = {}
    queries: dict[str, dict[str, int]] = {}
    alone: dict[str, dict[str, float]] = {}
    checks: list[str] = []
    log = Path(tempfile.mkstemp(prefix="orion-bench-checkout-", suffix=".log")[1])
    try:
        with log.open("w") as out, gunicorn("config.wsgi", env, args.workers, out) as port:
            for inventory in ("on", "off"):
                set_inventory(platform, inventory == "on")
                if args.sql:
                    print(f"\n=== the SQL of a warm checkout, inventory {inventory}")
                queries[inventory], alone[inventory] = queries_per_step(
                    products[0].slug, f"sql@{run}-{inventory}.bench.example", show=args.sql
                )
                # Warm every worker (connections, caches) on this variant, checked like the rest.
                warm = load(
                    port,
                    slugs["different"][: args.workers * 2],
                    f"{run}-{inventory}-warm.bench.example",
                    seconds=0,
                    per_client=1,
                    label=f"inventory {inventory}, warm-up",
                )
                if warm.errors:
                    phases[(inventory, "warm-up")] = warm
                for scenario in scenarios:
                    label = f"inventory {inventory}, {SCENARIOS[scenario]}"
                    print(f"{label}: {args.clients} clients, {args.duration:g} s", flush=True)
                    before = stock(variant_ids)
                    phase = load(
                        port,
                        slugs[scenario],
                        f"{run}-{inventory}-{scenario}.bench.example",
                        seconds=args.duration,
                        per_client=args.max_checkouts,
                        label=label,
                    )
                    phases[(inventory, scenario)] = phase
                    checks.append(verify(phase, vendor, before, inventory == "on"))
    finally:
        set_inventory(platform, inventory_was_on)

    print(
        f"\nOrion checkout benchmark, {when}: complete guest checkouts through the real views\n"
        f"gunicorn {args.workers} sync workers, {args.clients} clients, "
        f"{args.duration:g} s per variant; PostgreSQL + Redis, DEBUG off\n"
        f"load average {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after, "
        f"on {os.cpu_count()} CPUs\n"
        "a checkout: product page, add to cart, cart, checkout page, place order, confirmation\n"
        f"shop {SHOP} on {HOST}; same: every client buys {products[0].slug}; "
        "different: client i buys the i-th product\n"
    )
    header = (
        f"{'inventory':9} {'products':9} {'checkouts':>9} {'per s':>6} "
        f"{'whole p50':>9} {'p99 ms':>7} {'place p50':>9} {'p99 ms':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for (inventory, scenario), phase in phases.items():
        done = phase.complete
        whole = [sum(c.steps.values()) for c in done]
        place = [c.steps["place order"] for c in phase.checkouts if "place order" in c.steps]
        print(
            f"{inventory:9} {scenario:9} {len(done):9d} {len(done) / phase.seconds:6.1f} "
            f"{percentile(whole, 50):9.1f} {percentile(whole, 99):7.1f} "
            f"{percentile(place, 50):9.1f} {percentile(place, 99):7.1f} {len(phase.errors):6d}"
        )

    measured = [(inv, sc) for (inv, sc) in phases if sc != "warm-up"]
    print("\nEach step, p50 / p99 ms:")
    width = 17
    print(f"{'step':14}" + "".join(f"{inv + ', ' + sc:>{width}}" for inv, sc in measured))
    for name in STEPS:
        cells = []
        for key in measured:
            times = [c.steps[name] for c in phases[key].checkouts if name in c.steps]
            cells.append(f"{percentile(times, 50):.0f} / {percentile(times, 99):.0f}")
        print(f"{name:14}" + "".join(f"{cell:>{width}}" for cell in cells))

    print(
        "\nSQL queries per step, and its ms with one shopper alone\n"
        f"(in process, no server: median of {WARM_ROUNDS} warm checkouts of the same product):"
    )
    print(f"{'':14} {'inventory on':>16} {'inventory off':>16}")
    print(f"{'step':14} {'SQL':>8} {'ms':>7} {'SQL':>8} {'ms':>7}")
    for name in [*STEPS, "whole checkout"]:
        cells = []
        for inventory in ("on", "off"):
            if name in STEPS:
                sql, ms = queries[inventory][name], alone[inventory][name]
            else:
                sql, ms = sum(queries[inventory].values()), sum(alone[inventory].values())
            cells.append(f"{sql:8d} {ms:7.1f}")
        print(f"{name:14} " + " ".join(cells))

    print("\nChecked in the database after each variant:")
    for line in checks:
        print(f"  {line}")
    failed = 0
    errors = Counter(
        (phase.label, e.step, e.status, e.detail) for phase in phases.values() for e in phase.errors
    )
    if errors:
        failed = 1
        print(f"\nERRORS: {sum(errors.values())} checkouts failed:")
        for (label, step, status, detail), n in errors.most_common(12):
            print(f"  {n:5d} x {label}, {step}: {status or 'no answer'} {detail}")
    mails, other = server_log(log)
    if mails:
        failed = 1
        print(f"\nServer: {mails} order confirmation mail(s) could not be sent")
    if other:
        failed = 1
        print(f"\nServer log ({log}), warnings and errors:")
        for line, n in other.most_common(12):
            print(f"  {n:5d} x {line}")
    else:
        log.unlink()
    print(f"\n({time.monotonic() - started:.0f} s)")
    return failed


if __name__ == "__main__":
    sys.exit(main())
