"""Whose address a login lockout holds: the client's, read as ``ORION_TRUSTED_PROXY_COUNT`` says
(django-ipware, configured as django-axes documents).

With no trusted proxy, X-Forwarded-For is whatever a client wrote: it must not choose the
address (or anybody could lock any address out, or dodge a lockout by writing a new one each
time). Behind one proxy that appends the address it saw, that appended address is the client's,
whatever the client wrote before it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db

SETTINGS = (
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_ORDER",
    "IPWARE_STRICT",
)
PROXY = "10.0.0.2"  # where requests come from behind a proxy: the proxy itself


def configured(count: int) -> dict:
    """The settings config/settings.py derives from ``ORION_TRUSTED_PROXY_COUNT=count``."""
    code = (
        "import json; from config import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {list(SETTINGS)!r}}}))"
    )
    env = {**os.environ, "ORION_TRUSTED_PROXY_COUNT": str(count)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def no_proxy() -> dict:
    return configured(0)


@pytest.fixture(scope="module")
def one_proxy() -> dict:
    return configured(1)


def apply(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


def fail_login(client, xff: str | None, remote: str = "127.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client.post(
        "/accounts/login/", {"username": "olivia", "password": "wrong password"}, **extra
    )


def addresses() -> list[str]:
    return sorted(set(AccessAttempt.objects.values_list("ip_address", flat=True)))


def test_the_settings_follow_the_proxy_count(no_proxy, one_proxy):
    assert no_proxy["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    assert no_proxy["AXES_IPWARE_PROXY_COUNT"] is None
    assert (
        no_proxy["AXES_IPWARE_PROXY_ORDER"] == one_proxy["AXES_IPWARE_PROXY_ORDER"] == "left-most"
    )
    assert one_proxy["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert one_proxy["AXES_IPWARE_PROXY_COUNT"] == 0  # proxies listed after the client
    assert one_proxy["IPWARE_STRICT"] is False
    assert configured(2)["AXES_IPWARE_PROXY_COUNT"] == 1


def test_without_a_trusted_proxy_a_spoofed_header_changes_nothing(web, settings, no_proxy):
    apply(settings, no_proxy)
    UserFactory(username="olivia")
    for index in range(settings.AXES_FAILURE_LIMIT):
        fail_login(web, f"203.0.113.{index}, 8.8.8.{index}")
    assert addresses() == ["127.0.0.1"]  # the connection's address, not the header's
    # Locked out, whatever address the client claims now.
    assert fail_login(web, "1.1.1.1").status_code == 429
    assert fail_login(web, None).status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(web, settings, one_proxy):
    apply(settings, one_proxy)
    UserFactory(username="olivia")
    # The client wrote 6.6.6.6 (or anything else); the proxy appended the address it saw.
    for index in range(settings.AXES_FAILURE_LIMIT):
        fail_login(web, f"6.6.6.{index}, 5.5.5.5", remote=PROXY)
    assert addresses() == ["5.5.5.5"]
    assert fail_login(web, "9.9.9.9, 5.5.5.5", remote=PROXY).status_code == 429
    # Another client behind the same proxy is not locked out, and cannot be by a stranger who
    # writes its address into the header.
    assert fail_login(web, "7.7.7.7", remote=PROXY).status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(web, "4.4.4.4, 5.5.5.5", remote=PROXY)
    assert "4.4.4.4" not in addresses()
