"""What Orion's pages cost under a real server, against a bare Django page, in one run.

Not a test: a script that prints ratios measured side by side (ARCHITECTURE.md §10). Production
shape: DEBUG off, PostgreSQL and Redis, gunicorn with 2 sync workers, a bounded loopback load
from ``wrk`` (Debian package ``wrk``). The floor is ``bench/floor``: one view rendering a 20-item
template loop with no middleware and no database, served by the same gunicorn settings.

    .venv/bin/python bench/pages.py [--duration 8] [--rounds 2] [--connections 16]

Each round measures the floor and then every page; a page's ratio is its req/s over the median
floor req/s. Queries per page are counted in-process on a warm request (the second one) with the
same database and cache. Add a page to ``PAGES`` to measure it (catalog and checkout pages will).

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/orion_bench``, created
if missing and filled with ``seed_demo``) and ``REDIS_URL`` (default
``redis://127.0.0.1:6379/7``; the run's keys go under a unique prefix).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


@dataclasses.dataclass(frozen=True)
class Page:
    """A page to measure: its path, the Host it is asked for, who is logged in (a demo
    username, or None for an anonymous visitor) and the ratio to the floor it must reach."""

    name: str
    path: str
    host: str = "localhost"
    user: str | None = None
    target: float = 0.35


PAGES = [
    Page("storefront home (anonymous)", "/shop/acme-shop/", target=0.35),
    Page("platform landing (anonymous)", "/", target=0.35),
    Page("vendor portal home (owner)", "/vendor/acme-shop/", user="owner", target=0.25),
    Page("staff dashboard (staff)", "/dashboard/", user="staff", target=0.25),
    # The demo catalogue: 1,050 products; a category page shows 20 (set below).
    Page("category page, 20 shown", "/shop/acme-shop/c/cookware/", target=0.25),
    Page("search results", "/shop/acme-shop/search/?q=mug", target=0.25),
    Page("product page", "/shop/acme-shop/p/classic-pan-ac-00000/", target=0.35),
]
# manage.py commands that prepare the measured pages, after migrate and seed_demo.
SETUP = [["module", "config", "set", "catalog", "--platform", "oms", "products_per_page=20"]]


@dataclasses.dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float


def environment(args: argparse.Namespace) -> dict[str, str]:
    prefix = f"orion-bench-{uuid.uuid4().hex[:8]}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "*",
        "SECURE_SSL_REDIRECT": "false",
        "ORION_DEFAULT_PLATFORM": "oms",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        # Mail is kept in memory: the confirmations are rendered and "sent", nothing leaves.
        "EMAIL_URL": "memorymail://",
    }


def prepare_database(env: dict[str, str], setup: list[list[str]] | None = None) -> None:
    """Create the database if missing, migrate it, seed the demo data, run ``setup`` (manage.py
    commands; this script's ``SETUP`` by default) and ANALYZE."""
    match = re.match(r"postgres(?:ql)?://([^@]*)@([^:/]+)(?::(\d+))?/(\w+)", env["DATABASE_URL"])
    if match:
        user, host, port, name = match.groups()
        psql = ["psql", "-h", host, "-p", port or "5432", "-U", user or "postgres", "-tAc"]
        exists = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    for command in (["migrate", "--noinput"], ["seed_demo"], *(SETUP if setup is None else setup)):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    if match:  # planner statistics of the fresh data, as autovacuum keeps them in production
        subprocess.run(
            [*psql, "ANALYZE"], env={**env, "PGDATABASE": name}, check=True, capture_output=True
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    app: str, env: dict[str, str], workers: int, log: IO[str] | None = None
) -> Iterator[int]:
    """Serve ``app`` on a free loopback port until the block ends; the server's output goes to
    ``log`` when given (else to this terminal)."""
    port = free_port()
    binary = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [binary, app, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn {app} did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def fetch(port: int, path: str, host: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    conn.request("GET", path, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def run_wrk(port: int, path: str, host: str, cookie: str, args: argparse.Namespace) -> Result:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "-H",
        f"Host: {host}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{path}: the server answered errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Result(rps, _latency(out, "50%"), _latency(out, "99%"))


def _latency(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def sessions_and_queries(env: dict[str, str], pages: list[Page]) -> tuple[dict, dict]:
    """Log the demo users in (session cookies the servers read) and count each page's warm SQL,
    in this process, against the same database and cache."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cookies: dict[str | None, str] = {None: ""}
    queries: dict[str, int] = {}
    for page in pages:
        client = Client(HTTP_HOST=page.host)
        if page.user:
            client.force_login(get_user_model().objects.get(username=page.user))
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[page.user] = f"{settings.SESSION_COOKIE_NAME}={session}"
        first = client.get(page.path)
        if first.status_code != 200:
            raise SystemExit(f"{page.path} answered {first.status_code}, not 200")
        with CaptureQueriesContext(connection) as captured:
            client.get(page.path)
        queries[page.name] = len(captured)
    return cookies, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per measurement")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orion_bench"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/pages.py needs wrk (apt-get install wrk)")

    started = time.monotonic()
    env = environment(args)
    prepare_database(env)
    cookies, queries = sessions_and_queries(env, PAGES)
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}

    floors: list[Result] = []
    results: dict[str, list[Result]] = {page.name: [] for page in PAGES}
    with (
        gunicorn("bench.floor.wsgi", floor_env, args.workers) as floor_port,
        gunicorn("config.wsgi", env, args.workers) as orion_port,
    ):
        for page in PAGES:  # warm every worker's connections and the shared cache
            for _ in range(args.workers * 4):
                fetch(orion_port, page.path, page.host, cookies[page.user])
        for _ in range(args.rounds):
            floors.append(run_wrk(floor_port, "/", "localhost", "", args))
            for page in PAGES:
                results[page.name].append(
                    run_wrk(orion_port, page.path, page.host, cookies[page.user], args)
                )

    floor_rps = statistics.median(r.rps for r in floors)
    load = os.getloadavg()[0]
    print(
        f"Orion pages vs a bare Django page: gunicorn {args.workers} sync workers, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} round(s)"
    )
    print(f"PostgreSQL + Redis, DEBUG off; load average {load:.2f} on {os.cpu_count()} CPUs\n")
    header = f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>4} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    floor = statistics.median(r.p50_ms for r in floors), statistics.median(r.p99_ms for r in floors)
    print(
        f"{'floor (bare Django, 20-item loop)':34} {floor_rps:8.0f} {floor[0]:8.2f} {floor[1]:8.2f}"
    )
    missed = 0
    for page in PAGES:
        runs = results[page.name]
        rps = statistics.median(r.rps for r in runs)
        ratio = rps / floor_rps
        ok = ratio >= page.target
        missed += not ok
        print(
            f"{page.name:34} {rps:8.0f} {statistics.median(r.p50_ms for r in runs):8.2f} "
            f"{statistics.median(r.p99_ms for r in runs):8.2f} {queries[page.name]:4d} "
            f"{ratio:6.3f}x  >= {page.target:.2f} {'ok' if ok else 'MISSED'}"
        )
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
