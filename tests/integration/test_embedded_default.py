"""The embedded default (`make run`: SQLite, no Redis, no broker) behaves as the README says:
a `manage.py module …` run in a second terminal reaches the running server on its next request.

Nothing here needs PostgreSQL or Redis: the server and the commands share a SQLite file and the
default file cache, exactly as `make run` and an operator's shell do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_two_processes import servers

BASE_DIR = Path(__file__).resolve().parents[2]
PAGE = "/dashboard/monitoring/"

pytestmark = pytest.mark.slow


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    """The environment of `make run`: no database, cache or broker URL but a project of its own
    (its SQLite file and its file cache live in ``tmp_path``)."""
    drop = {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "CACHE_KEY_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        # The demo at a tenth of its size: the path is what is proved (tests/modules/tenancy/
        # test_demo.py seeds it whole).
        ORION_DEMO_PRODUCTS_PER_CATEGORY="7",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr}"
    return result.stdout


def test_the_default_cache_without_redis_is_shared_by_processes():
    """Not a process-local cache: with neither REDIS_URL nor CACHE_URL the default is on disk."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL"}}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache"


def test_a_cli_change_reaches_the_running_server_on_its_next_request(embedded_env):
    manage(embedded_env, "migrate", "--noinput")
    manage(embedded_env, "seed_demo")
    # The staff demo login, as a session row the server reads (sessions live in the database).
    session = manage(
        embedded_env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from django.test import Client; "
        "c = Client(); c.force_login(get_user_model().objects.get(username='staff')); "
        "print(c.cookies['sessionid'].value)",
    ).split()[-1]  # after the shell's "N objects imported automatically" banner
    cookie = f"sessionid={session}"

    with servers(1, embedded_env) as (server,):
        assert server.get(PAGE, host="localhost", cookie=cookie)[0] == 200
        assert server.get(PAGE, host="localhost", cookie=cookie)[0] == 200  # cached now

        manage(embedded_env, "module", "disable", "monitoring", "--platform", "oms")
        assert server.get(PAGE, host="localhost", cookie=cookie)[0] == 404

        manage(embedded_env, "module", "enable", "monitoring", "--platform", "oms")
        assert server.get(PAGE, host="localhost", cookie=cookie)[0] == 200
