"""Fixtures of the marketplace tests: a shop on the ``acme`` platform with catalog, inventory
and marketplace on, feed files kept under a temporary directory, and jobs made from files."""

from __future__ import annotations

import contextlib
import csv
import http.server
import pathlib
import random
import threading
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_scopes import scopes_disabled

from modules.marketplace.models import ImportJob
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import UserFactory, override_module

DATA = pathlib.Path(__file__).parents[2] / "data" / "marketplace"
HOST = "acme.test"


class LoopbackHandler(http.server.BaseHTTPRequestHandler):
    """What the tests' feed and image servers share: a quiet log and a plain 200 answer."""

    def answer(self, body: bytes, content_type: str = "") -> None:
        self.send_response(200)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server on loopback answering with ``handler`` while the block runs; its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _private_imports(settings, tmp_path):
    settings.MARKETPLACE_IMPORT_ROOT = tmp_path / "imports"
    # The tests' feed and image servers listen on loopback (tests/.../test_outbound.py refuses).
    settings.MARKETPLACE_FETCH_PRIVATE_ADDRESSES = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(platform):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[platform])


@pytest.fixture
def other_shop(platform):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[platform])


@pytest.fixture
def modules_on(platform):
    with (
        override_module(platform, "catalog"),
        override_module(platform, "inventory"),
        override_module(platform, "marketplace"),
    ):
        yield platform


def make_job(vendor, content: bytes, name: str = "products.csv", **fields) -> ImportJob:
    """A pending upload job of ``vendor`` for a file ``name`` holding ``content``."""
    fmt = fields.pop("format", name.rsplit(".", 1)[-1])
    with scopes_disabled():
        return ImportJob.objects.create(
            vendor=vendor,
            source=ImportJob.Source.UPLOAD,
            format=fmt,
            file=ContentFile(content, name=name),
            file_name=name,
            **fields,
        )


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def write_big_csv(path: pathlib.Path, rows: int, *, bad_every: int = 50, seed: int = 11) -> set:
    """A feed of ``rows`` products, every ``bad_every``-th one broken in one of four ways;
    returns the row numbers of the broken ones."""
    rng = random.Random(seed)
    bad = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["sku", "title", "description", "price", "currency", "quantity", "category"])
        for n in range(1, rows + 1):
            sku, title, price, quantity = f"BIG-{n:06d}", f"Produit n° {n} — Äpfel", "", n % 40
            price = f"{rng.randint(100, 99999) / 100:.2f}"
            if n % bad_every == 0:
                bad.add(n)
                kind = (n // bad_every) % 4
                if kind == 0:
                    price = "abc"
                elif kind == 1:
                    sku = ""
                elif kind == 2:
                    quantity = -1
                else:
                    title = ""
            out.writerow([sku, title, "Beschreibung, « citée »", price, "EUR", quantity, "Obst"])
    return bad


@pytest.fixture
def client_of(shop):
    """``client_of("viewer")``: a client logged in as a member of ``shop`` with that role."""

    def make(role: str) -> Client:
        user = UserFactory()
        MembershipFactory(user=user, vendor=shop, role=role)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        return client

    return make
