"""What importing a product feed costs: Orion's staging and publishing against django-import-export.

Not a test: a script that prints figures measured side by side in one run (ARCHITECTURE.md §10).

    .venv/bin/python bench/import.py [--rows 10000,100000] [--db sqlite,postgres] [--quick]
    .venv/bin/python bench/import.py --profile --rows 10000 --db sqlite   # where Orion's time goes

For every size it writes a feed in the sample's format (``tests/data/marketplace/products.csv``:
sku, title, description, price, currency, quantity, category, image_urls; non-ASCII titles,
decimal commas, quoted commas, several image URLs, every 50th row broken in one of six ways, so
2% bad). For every database and size, two runs, each in a fresh subprocess against a fresh copy
of a migrated database (a SQLite file in a temporary directory; a throwaway PostgreSQL database
on 127.0.0.1:5432, user ``postgres``, dropped afterwards; skipped with a message when the server
does not answer):

- **Orion**: a vendor on a platform with catalog, inventory and marketplace on uploads the file
  (``jobs.create_upload_job``), stages it (``jobs.run``: the file read twice, every row checked
  and compared with the catalogue, written to ``StagedProduct`` in batches) and publishes it
  (``publishing.publish``: products, default variants and stock levels written).
- **Baseline**: django-import-export imports the same file into ``StagedProduct`` (the staging
  model, standing for an "equivalent model": one row per feed row, the same columns) through a
  ``ModelResource`` whose widgets refuse what ``rows.check`` refuses, so bad rows are reported
  invalid, not written. Tuned as its "Bulk imports" guide advises: ``use_bulk`` with
  ``batch_size`` 2,000 (Orion's), ``force_init_instance`` (every row is new: no lookup per row),
  ``skip_diff``, ``report_skipped`` off; the file is read with tablib, as its admin and its
  ``import`` command do. It writes one table and publishes nothing, so the comparison favours it.

- **Floor**: not an importer. The file read once with ``csv.reader`` and every good row written
  to the five tables an import writes (staged rows, products, default variants, stock levels,
  movements), in batches of 2,000, through the same ``orion_core.bulk`` writers (COPY on
  PostgreSQL), with no checking beyond telling the six broken kinds apart, no comparison with
  the catalogue, no lock, no event and the SKU for a slug. What the database work of this
  schema costs from Python: no importer that writes what the issue asks goes faster, so its
  ratio to the baseline bounds any target.

Rows/s are the file's data rows (bad ones included) over the phase's wall time. Peak memory is the
subprocess's peak resident set (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), Python, Django
and every app included; ``base`` is the same figure just before the import starts. The process
runs with DEBUG off, a local-memory cache (the import's cache writes are a few per batch) and
Celery's in-memory broker: the tasks an import queues (the products' images, fetched after
publishing) are queued as in production, for a worker, and not run in the measured process.
The run exits 1 when a side did not import what it should (rows, errors, products).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
BATCH_SIZE = 2000  # Orion's (MARKETPLACE_IMPORT_BATCH_SIZE), for every side
BAD_EVERY = 50
TARGET_RATIO = 10.0
SIDES = ("orion", "baseline", "floor")
TARGET_MIB = 150.0
COLUMNS = ["sku", "title", "description", "price", "currency", "quantity", "category", "image_urls"]
TITLES = [
    "Crémant de Luxembourg Brut",
    "Käsekuchen nach Omas Art",
    "Thé vert 日本茶 Sencha",
    "Bouneschlupp (Glas 500 ml)",
    "Äpfel aus dem Ösling",
    "Miel de Luxembourg « Marque nationale »",
    "Riesling Grand Premier Cru",
    "Gromperekichelcher",
]
CATEGORIES = ["Vins", "Pâtisserie", "Épicerie", "Obst", "Boissons", "Fromages"]
DESCRIPTIONS = [
    "Méthode traditionnelle, 75 cl",
    'Mit Quark, ohne Boden "klassisch"',
    "Moselle luxembourgeoise; notes d'agrumes",
    "Feuilles entières, 100 g",
    "",
]


# --- the feed ---------------------------------------------------------------------------------


def write_feed(path: Path, rows: int, seed: int = 11) -> int:
    """A feed of ``rows`` products in the sample's format, every ``BAD_EVERY``-th broken in one
    of six ways; returns how many are broken."""
    rng = random.Random(seed)
    bad = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for n in range(1, rows + 1):
            sku = f"BEN-{n:07d}"
            title = f"{TITLES[n % len(TITLES)]} n° {n}"
            price = f"{rng.randint(50, 99999) / 100:.2f}"
            if n % 7 == 0:
                price = price.replace(".", ",")  # a decimal comma, as Luxembourg writes it
            quantity = "" if n % 11 == 0 else str(rng.randint(0, 500))
            images = "|".join(
                f"https://images.example.com/{sku.lower()}-{i}.jpg" for i in range(n % 3)
            )
            currency = "EUR"
            if n % BAD_EVERY == 0:
                bad += 1
                kind = (n // BAD_EVERY) % 6
                if kind == 0:
                    price = "not-a-price"
                elif kind == 1:
                    sku = ""
                elif kind == 2:
                    quantity = "-3"
                elif kind == 3:
                    title = ""
                elif kind == 4:
                    currency = "EURO"
                else:
                    images = "ftp://images.example.com/honey.jpg"
            out.writerow(
                [
                    sku,
                    title,
                    DESCRIPTIONS[n % len(DESCRIPTIONS)],
                    price,
                    currency,
                    quantity,
                    CATEGORIES[n % len(CATEGORIES)],
                    images,
                ]
            )
    return bad


# --- databases --------------------------------------------------------------------------------


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",  # no query log growing with the file
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "*",
        "REDIS_URL": "",
        "CACHE_URL": "locmemcache://orion-bench-import",
        # Tasks are queued, not run: the images a publish queues are fetched by a worker.
        "CELERY_BROKER_URL": "memory://",
        "SENTRY_DSN": "",
        "LOG_LEVEL": "ERROR",
        "BENCH_IMPORT_ROOT": str(workdir / "imports"),
    }


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database]
    return subprocess.run(
        [*command, "-tAc", sql], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    if not shutil.which("psql"):
        return "psql is not installed"
    try:
        psql("SELECT 1")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()[-1]
    return None


class Databases:
    """A migrated template per database kind, and a fresh copy of it for every run."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.tag = uuid.uuid4().hex[:8]
        self.created: list[str] = []  # PostgreSQL databases to drop

    def template(self, kind: str) -> None:
        url = self._url(kind, "template")
        if kind == "postgres":
            psql(f"CREATE DATABASE {self._name('template')}")
            self.created.append(self._name("template"))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=environment(url, self.workdir),
            check=True,
            capture_output=True,
        )

    def fresh(self, kind: str, run: str) -> str:
        """The URL of a new copy of ``kind``'s template for ``run``."""
        if kind == "sqlite":
            shutil.copyfile(self.workdir / "template.sqlite3", self.workdir / f"{run}.sqlite3")
        else:
            psql(f"CREATE DATABASE {self._name(run)} TEMPLATE {self._name('template')}")
            self.created.append(self._name(run))
        return self._url(kind, run)

    def drop(self, kind: str, run: str) -> None:
        if kind == "sqlite":
            (self.workdir / f"{run}.sqlite3").unlink(missing_ok=True)
        else:
            psql(f"DROP DATABASE IF EXISTS {self._name(run)}")
            self.created.remove(self._name(run))

    def close(self) -> None:
        for name in reversed(self.created):
            psql(f"DROP DATABASE IF EXISTS {name}")
        self.created.clear()

    def _name(self, run: str) -> str:
        return f"orion_bench_import_{self.tag}_{run}"

    def _url(self, kind: str, run: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{self.workdir / f'{run}.sqlite3'}"
        return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{self._name(run)}"


# --- one measured run, in a subprocess --------------------------------------------------------


def rss_mib() -> float:
    """This process's peak resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings

    settings.MARKETPLACE_IMPORT_ROOT = os.environ["BENCH_IMPORT_ROOT"]


def shop() -> tuple[Any, Any]:
    """Platform ``acme`` with marketplace on (so catalog and inventory) and a vendor on it."""
    from modules.tenancy.factories import VendorFactory
    from orion_core.testing import PlatformFactory

    platform = PlatformFactory(code="acme", name="Acme", modules=["marketplace"])
    return platform, VendorFactory(code="bench-shop", name="Bench Shop", platforms=[platform])


def run_orion(feed: Path) -> dict[str, Any]:
    from django_scopes import scopes_disabled

    from modules.catalog.models import Product
    from modules.marketplace.services import jobs, publishing

    platform, vendor = shop()
    base = rss_mib()
    started = time.perf_counter()
    with feed.open("rb") as upload:
        job = jobs.create_upload_job(vendor, upload, feed.name, platform=platform)
    job = jobs.run(job)
    staged = time.perf_counter()
    job = publishing.publish(job)
    published = time.perf_counter()
    with scopes_disabled():
        products = Product.objects.filter(vendor=vendor).count()
    return {
        "stage_s": staged - started,
        "publish_s": published - staged,
        "base_mib": base,
        "peak_mib": rss_mib(),
        "status": job.status,
        "rows": job.total_rows,
        "bad": job.error_rows,
        "written": products,
    }


def run_floor(feed: Path) -> dict[str, Any]:
    """What the database work alone costs: the file read once and every good row written to the
    five tables an import writes (staged rows, products, default variants, stock levels and
    movements) in batches of ``BATCH_SIZE``, through the same ``orion_core.bulk`` writers, with
    no checking, no comparison, no lock, no event, no slug but the SKU. Not an importer: a
    floor under any importer of this schema, to read the target against."""
    from decimal import Decimal, InvalidOperation

    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from modules.catalog.models import Product, Variant
    from modules.inventory.models import StockLevel, StockMovement
    from modules.inventory.services import default_location
    from modules.marketplace.models import ImportJob, StagedProduct
    from modules.marketplace.services.staging import STAGED_COLUMNS
    from orion_core import bulk

    _platform, vendor = shop()
    with scope(vendor=vendor.pk):
        job = ImportJob.objects.create(
            vendor=vendor, source=ImportJob.Source.UPLOAD, format="csv", file_name=feed.name
        )
        place = default_location(vendor.pk).pk
    base = rss_mib()
    started = time.perf_counter()
    rows = bad = 0

    def write(batch: list[list[str]], first: int) -> int:
        staged, products, quantities = [], [], {}
        for offset, (
            sku,
            title,
            description,
            price,
            currency,
            quantity,
            category,
            images,
        ) in enumerate(batch):
            try:
                amount = Decimal(price.replace(",", "."))
            except InvalidOperation:
                amount = None
            good = bool(sku and title and amount is not None and len(currency) == 3)
            good = good and (quantity.isdigit() or not quantity) and not images.startswith("ftp")
            staged.append(
                (vendor.pk, job.pk, first + offset, sku, title, description, amount, currency[:3])
                + (int(quantity) if quantity.isdigit() else None, category, images.split("|"))
                + ({},)
                + ("new" if good else "error", {}, "publish")
            )
            if good:
                products.append(
                    (vendor.pk, sku, sku.lower(), title, description, amount, currency)
                    + ("active", None)
                )
                if quantity:
                    quantities[sku] = int(quantity)
        with transaction.atomic(), scopes_disabled():
            bulk.insert(StagedProduct, STAGED_COLUMNS, staged)
            bulk.insert(
                Product,
                ("vendor", "sku", "slug", "title", "description", "price", "currency")
                + ("status", "published_at"),
                products,
            )
            skus = [row[1] for row in products]
            created = dict(
                Product.objects.filter(vendor=vendor, sku__in=skus)
                .order_by()
                .values_list("sku", "pk")
            )
            bulk.insert(
                Variant,
                ("vendor", "product", "sku", "is_default"),
                [(vendor.pk, pk, sku, True) for sku, pk in created.items()],
            )
            variants = dict(
                Variant.objects.filter(product_id__in=list(created.values()))
                .order_by()
                .values_list("sku", "pk")
            )
            bulk.insert(
                StockLevel,
                ("vendor", "variant", "location", "on_hand"),
                [(vendor.pk, variants[sku], place, qty) for sku, qty in quantities.items()],
            )
            bulk.insert(
                StockMovement,
                ("vendor", "kind", "variant", "sku", "location", "on_hand_delta")
                + ("on_hand_after", "reserved_after", "reason"),
                [
                    (vendor.pk, "adjust", variants[sku], sku, place, qty, qty, 0, "feed")
                    for sku, qty in quantities.items()
                ],
            )
        return len(batch) - len(products)

    with feed.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[list[str]] = []
        for line in reader:
            rows += 1
            batch.append(line)
            if len(batch) == BATCH_SIZE:
                bad += write(batch, rows - len(batch) + 1)
                batch = []
        if batch:
            bad += write(batch, rows - len(batch) + 1)
    done = time.perf_counter()
    with scopes_disabled():
        written = Product.objects.filter(vendor=vendor).count()
    return {
        "import_s": done - started,
        "base_mib": base,
        "peak_mib": rss_mib(),
        "rows": rows,
        "bad": bad,
        "written": written,
    }


def baseline_resource(job: Any) -> Any:
    """django-import-export's resource for ``StagedProduct``, refusing what ``rows.check`` does."""
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator
    from import_export import fields, resources, widgets

    from modules.marketplace.models import StagedProduct

    class Text(widgets.CharWidget):
        def __init__(self, max_length: int, required: bool = False) -> None:
            super().__init__()
            self.max_length, self.required = max_length, required

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
            text = super().clean(value, row, **kwargs).strip()
            if self.required and not text:
                raise ValueError("This field is required.")
            if len(text) > self.max_length:
                raise ValueError(f"Longer than {self.max_length} characters.")
            return text

    class Currency(widgets.CharWidget):
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
            code = (super().clean(value, row, **kwargs).strip() or "EUR").upper()
            if len(code) != 3 or not code.isalpha():
                raise ValueError("Use a three-letter currency code.")
            return code

    class Price(widgets.DecimalWidget):
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal:
            text = str(value or "").strip()
            if "," in text and "." not in text:
                text = text.replace(",", ".")
            try:
                price = super().clean(text, row, **kwargs)
            except InvalidOperation as exc:
                raise ValueError("Not a number.") from exc
            if price is None or not price.is_finite() or price < 0:
                raise ValueError("A price of 0 or more is required.")
            return price.quantize(Decimal("0.01"))

    class Quantity(widgets.IntegerWidget):
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
            try:
                quantity = super().clean(value, row, **kwargs)
            except InvalidOperation as exc:
                raise ValueError("Not a whole number.") from exc
            if quantity is not None and quantity < 0:
                raise ValueError("Must be 0 or more.")
            return quantity

    class Images(widgets.Widget):
        url = URLValidator(schemes=["http", "https"])

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
            urls = [u.strip() for u in str(value or "").split("|") if u.strip()]
            for url in urls:
                try:
                    self.url(url)
                except ValidationError as exc:
                    raise ValueError(f"Not a web address: {url}") from exc
            return urls

    def field(name: str, widget: Any) -> Any:
        return fields.Field(attribute=name, column_name=name, widget=widget)

    class StagedProductResource(resources.ModelResource):
        sku = field("sku", Text(64, required=True))
        title = field("title", Text(200, required=True))
        description = field("description", Text(10_000))
        price = field("price", Price())
        currency = field("currency", Currency())
        quantity = field("quantity", Quantity())
        category = field("category", Text(100))
        image_urls = field("image_urls", Images())

        class Meta:
            model = StagedProduct
            fields = tuple(COLUMNS)
            use_bulk = True
            batch_size = BATCH_SIZE
            force_init_instance = True
            skip_diff = True
            skip_html_diff = True
            report_skipped = False

        def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
            instance.vendor_id, instance.job = job.vendor_id, job
            instance.row_number = kwargs["row_number"]
            instance.state = StagedProduct.State.NEW
            instance.raw = dict(row)

    return StagedProductResource()


def run_baseline(feed: Path) -> dict[str, Any]:
    import tablib
    from django_scopes import scope

    from modules.marketplace.models import ImportJob, StagedProduct

    _platform, vendor = shop()
    with scope(vendor=vendor.pk):
        job = ImportJob.objects.create(
            vendor=vendor, source=ImportJob.Source.UPLOAD, format="csv", file_name=feed.name
        )
    base = rss_mib()
    started = time.perf_counter()
    dataset = tablib.Dataset().load(feed.read_text(encoding="utf-8-sig"), format="csv")
    with scope(vendor=vendor.pk):
        result = baseline_resource(job).import_data(dataset, raise_errors=False)
    done = time.perf_counter()
    with scope(vendor=vendor.pk):
        written = StagedProduct.objects.filter(job=job).count()
    return {
        "import_s": done - started,
        "base_mib": base,
        "peak_mib": rss_mib(),
        "rows": result.total_rows,
        "bad": result.totals["invalid"] + result.totals["error"],
        "errors": [str(e.error) for e in result.base_errors][:3],
        "written": written,
    }


def child(side: str, feed: Path, profile: bool) -> None:
    setup_django()
    run = {"orion": run_orion, "baseline": run_baseline, "floor": run_floor}[side]
    if not profile:
        print("RESULT " + json.dumps(run(feed)))
        return
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    figures = profiler.runcall(run, feed)
    print(f"{side}: {json.dumps(figures)}\n")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    stats.print_stats(r"modules/|orion_core/", 40)  # Orion's own functions, by cumulative time


def measure(side: str, feed: Path, url: str, workdir: Path, profile: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", side, "--feed", str(feed)]
    done = subprocess.run(
        [*command, *(["--profile"] if profile else [])],
        cwd=BASE_DIR,
        env=environment(url, workdir),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"the {side} run failed:\n{done.stderr[-3000:]}")
    if profile:
        print(done.stdout)
        return {}
    return json.loads(done.stdout.rsplit("RESULT ", 1)[1])


# --- the run ----------------------------------------------------------------------------------


def check(side: str, figures: dict, rows: int, bad: int) -> list[str]:
    """What is wrong with a run's outcome (empty when it imported what it should)."""
    problems = []
    if figures["rows"] != rows:
        problems.append(f"{side}: read {figures['rows']} rows of {rows}")
    if figures["bad"] != bad:
        problems.append(f"{side}: {figures['bad']} bad rows, {bad} expected")
    if figures["written"] != rows - bad:
        problems.append(f"{side}: wrote {figures['written']}, {rows - bad} expected")
    if figures.get("status", "published") != "published":
        problems.append(f"{side}: job ended {figures['status']}")
    problems += [f"{side}: {error}" for error in figures.get("errors", [])]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="10000,100000", help="feed sizes, comma-separated")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 500 rows")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile Orion's run instead (first size and db)"
    )
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--feed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.feed, args.profile)
        return 0

    started = time.monotonic()
    sizes = [500] if args.quick else [int(n) for n in args.rows.split(",")]
    kinds = [kind.strip() for kind in args.db.split(",")]
    if unknown := set(kinds) - {"sqlite", "postgres"}:
        parser.error(f"unknown database: {', '.join(sorted(unknown))}")
    if "postgres" in kinds and (why := postgres_reachable()):
        print(f"PostgreSQL skipped: {why}")
        kinds.remove("postgres")

    results: list[tuple[str, int, dict, dict, dict]] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="orion-bench-import-") as tmp:
        workdir = Path(tmp)
        feeds = {}
        for rows in sizes:
            feeds[rows] = (
                workdir / f"feed-{rows}.csv",
                write_feed(workdir / f"feed-{rows}.csv", rows),
            )
        databases = Databases(workdir)
        try:
            for kind in kinds:
                databases.template(kind)
                if args.profile:
                    url = databases.fresh(kind, "profile")
                    measure("orion", feeds[sizes[0]][0], url, workdir, profile=True)
                    return 0
                for rows in sizes:
                    feed, bad = feeds[rows]
                    runs = {}
                    for side in SIDES:
                        url = databases.fresh(kind, f"{side}_{rows}")
                        runs[side] = measure(side, feed, url, workdir)
                        databases.drop(kind, f"{side}_{rows}")
                        problems += check(f"{kind} {rows} {side}", runs[side], rows, bad)
                    results.append((kind, rows, runs["orion"], runs["baseline"], runs["floor"]))
                    print(f"  {kind} {rows} rows measured", file=sys.stderr)
        finally:
            databases.close()

    report(results, sizes, kinds)
    for problem in problems:
        print(f"FAILED {problem}")
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 1 if problems else 0


def report(
    results: list[tuple[str, int, dict, dict, dict]], sizes: list[int], kinds: list[str]
) -> None:
    load = os.getloadavg()[0]
    print(
        f"\nProduct feed import, Orion (upload + stage + publish) vs django-import-export "
        f"(ModelResource into StagedProduct: use_bulk, batch_size {BATCH_SIZE}, "
        f"force_init_instance, skip_diff)"
    )
    print(
        f"feeds of {', '.join(f'{n:,}' for n in sizes)} rows, 1 in {BAD_EVERY} bad; "
        f"DEBUG off; load average {load:.2f} on {os.cpu_count()} CPUs; peak = ru_maxrss\n"
    )
    header = (
        f"{'db':8} {'rows':>7} {'stage/s':>8} {'publ/s':>8} {'total/s':>8} {'base MiB':>8} "
        f"{'peak MiB':>8} {'ie/s':>7} {'ie MiB':>7} {'ratio':>7} {'stage':>7} "
        f"{'floor/s':>8} {'floor':>7}"
    )
    print(header)
    print("-" * len(header))
    for kind, rows, orion, ie, floor in results:
        total = orion["stage_s"] + orion["publish_s"]
        print(
            f"{kind:8} {rows:7d} {rows / orion['stage_s']:8.0f} {rows / orion['publish_s']:8.0f} "
            f"{rows / total:8.0f} {orion['base_mib']:8.0f} {orion['peak_mib']:8.0f} "
            f"{rows / ie['import_s']:7.0f} {ie['peak_mib']:7.0f} "
            f"{ie['import_s'] / total:6.2f}x {ie['import_s'] / orion['stage_s']:6.2f}x "
            f"{rows / floor['import_s']:8.0f} {ie['import_s'] / floor['import_s']:6.2f}x"
        )
    print(
        "\nstage/s, publ/s, total/s: Orion's rows per second (the file's rows, bad included);"
        "\nie/s, ie MiB: django-import-export's; ratio: Orion total/s over ie/s; stage: Orion's"
        "\nstaging alone over ie/s (like for like: both write one StagedProduct row per feed row);"
        "\nfloor/s: the five tables' rows alone written in bulk, no check, no comparison, no lock;"
        "\nfloor: that over ie/s, the most any importer writing this schema from Python reaches."
    )
    print("\nTargets:")
    for kind in kinds:
        mine = [(rows, orion, ie) for k, rows, orion, ie, _floor in results if k == kind]
        if not mine:
            continue
        ratios = [ie["import_s"] / (o["stage_s"] + o["publish_s"]) for _r, o, ie in mine]
        ok = min(ratios) >= TARGET_RATIO
        print(
            f"{kind}: rows/s >= {TARGET_RATIO:.0f}x django-import-export's: "
            f"{min(ratios):.2f}x-{max(ratios):.2f}x {'ok' if ok else 'MISSED'}"
        )
        peaks = {rows: o["peak_mib"] for rows, o, _ie in mine}
        ok = max(peaks.values()) < TARGET_MIB
        print(
            f"{kind}: peak memory < {TARGET_MIB:.0f} MiB: "
            + ", ".join(f"{rows:,} rows {mib:.0f} MiB" for rows, mib in peaks.items())
            + f" {'ok' if ok else 'MISSED'}"
        )
        if len(peaks) > 1:
            low, high = min(peaks), max(peaks)
            growth = round(peaks[high] - peaks[low])  # an int: no "-0"
            ok = growth < 0.1 * peaks[low]
            print(
                f"{kind}: memory flat in the file's size: {growth:+.0f} MiB from {low:,} to "
                f"{high:,} rows {'ok' if ok else 'MISSED'}"
            )


if __name__ == "__main__":
    sys.exit(main())
