"""Two server processes on one PostgreSQL and one Redis agree on module state at once (§6, §12).

Each server is a separate ``manage.py runserver`` process with its own memory; the only thing
they share with each other and with this test is the database and the Redis cache. A module
switched on or off through the service here must show on the very next request to *both*
servers, after both have cached the old state.

The module-gated page is monitoring's staff overview at ``/dashboard/monitoring/``: 404 while
monitoring is off on the platform, 200 once it is on (for a staff session).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, StaffUserFactory
from tests.integration.conftest import subprocess_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "acme.test"
PAGE = "/dashboard/monitoring/"
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
STOP_TIMEOUT = 10

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port: int, process: subprocess.Popen, log_path: str) -> None:
        self.port, self.process, self.log_path = port, process, log_path

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")[-4000:]

    def get(self, path: str, *, host: str = HOST, cookie: str = "") -> tuple[int, str]:
        if self.process.poll() is not None:
            pytest.fail(f"server :{self.port} exited with {self.process.returncode}:\n{self.log()}")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if self.get("/health/", host="localhost")[0] == 200:
                    return
            time.sleep(0.2)
        pytest.fail(f"server :{self.port} did not answer within {START_TIMEOUT}s:\n{self.log()}")


@contextlib.contextmanager
def servers(count: int, env: dict[str, str]) -> Iterator[list[Server]]:
    """``count`` ``runserver --noreload`` processes, each on a free port; stopped on exit."""
    started: list[Server] = []
    try:
        for _ in range(count):
            port = free_port()
            log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in finally
                prefix=f"orion-server-{port}-", suffix=".log", delete=False
            )
            log.close()
            with open(log.name, "wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Server(port, process, log.name))
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(timeout=STOP_TIMEOUT)
            os.unlink(server.log_path)


@pytest.mark.django_db(transaction=True)
def test_both_servers_see_each_committed_change_on_their_next_request(postgres, shared_cache):
    env = {
        **os.environ,
        **shared_cache,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": subprocess_database_url(),
        "DEBUG": "true",
        "ORION_DEFAULT_PLATFORM": "",
        "CELERY_BROKER_URL": "",
    }
    platform = PlatformFactory(code="acme", domains=[HOST])
    client = Client()
    client.force_login(StaffUserFactory())  # the session row is committed: both servers read it
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    service = ModuleService()

    def statuses(pool: list[Server]) -> list[int]:
        return [server.get(PAGE, cookie=cookie)[0] for server in pool]

    with servers(2, env) as pool:
        # Warm: each server has resolved acme (monitoring off) and cached that state.
        assert statuses(pool) == [404, 404]
        assert statuses(pool) == [404, 404]

        service.enable(platform, "monitoring")
        assert statuses(pool) == [200, 200]
        body = pool[0].get(PAGE, cookie=cookie)[1]
        assert "monitoring" in body and "core" in body

        service.disable(platform, "monitoring")
        assert statuses(pool) == [404, 404]

        service.enable(platform, "monitoring")
        assert statuses(pool) == [200, 200]

        # A host that is no platform's (and no default platform): the gate hides the page.
        assert pool[1].get(PAGE, host="unknown.test", cookie=cookie)[0] == 404


@pytest.mark.django_db(transaction=True)
def test_both_servers_close_a_vendor_on_their_next_request(postgres, shared_cache):
    """Vendor resolution is cached like platform states: a removal from the team, a suspension
    or the vendor leaving the platform shows on the next request of every server, after both
    have cached the vendor as open."""
    from modules.tenancy import services as team
    from modules.tenancy.factories import MembershipFactory, VendorFactory
    from modules.tenancy.models import Membership, Vendor, VendorPlatform
    from modules.tenancy.scoping import scopes_disabled
    from modules.tenancy.signup import suspend
    from orion_core.testing import UserFactory

    env = {
        **os.environ,
        **shared_cache,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": subprocess_database_url(),
        "DEBUG": "true",
        "ORION_DEFAULT_PLATFORM": "",
        "CELERY_BROKER_URL": "",
    }
    platform = PlatformFactory(code="acme", domains=[HOST])
    shop = VendorFactory(code="open-shop", platforms=[platform])
    other = VendorFactory(code="other-shop", platforms=[platform])
    owner, member = UserFactory(), UserFactory()
    MembershipFactory(user=owner, vendor=shop, role=Membership.Role.OWNER)
    MembershipFactory(user=owner, vendor=other, role=Membership.Role.OWNER)
    membership = MembershipFactory(user=member, vendor=shop, role=Membership.Role.STAFF)

    def cookie_of(user) -> str:
        client = Client()
        client.force_login(user)
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    member_cookie, owner_cookie = cookie_of(member), cookie_of(owner)

    def statuses(pool: list[Server], path: str, cookie: str = "") -> list[int]:
        return [server.get(path, cookie=cookie)[0] for server in pool]

    with servers(2, env) as pool:
        for _ in range(2):  # warm: both servers have cached the vendors as open
            assert statuses(pool, "/vendor/open-shop/", member_cookie) == [200, 200]
            assert statuses(pool, "/shop/open-shop/") == [200, 200]
            assert statuses(pool, "/shop/other-shop/") == [200, 200]

        team.remove_member(membership, actor=owner)
        assert statuses(pool, "/vendor/open-shop/", member_cookie) == [404, 404]
        assert statuses(pool, "/vendor/open-shop/", owner_cookie) == [200, 200]

        suspend(shop, platform)
        assert statuses(pool, "/shop/open-shop/") == [404, 404]
        assert statuses(pool, "/vendor/open-shop/", owner_cookie) == [404, 404]

        with scopes_disabled():
            VendorPlatform.objects.get(vendor=other, platform=platform).delete()
        assert statuses(pool, "/shop/other-shop/") == [404, 404]
        assert statuses(pool, "/vendor/other-shop/", owner_cookie) == [404, 404]
        assert Vendor.objects.get(pk=other.pk).status == Vendor.Status.ACTIVE
