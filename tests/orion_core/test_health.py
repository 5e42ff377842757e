"""Liveness and readiness probes: JSON, status codes, module checks, broker, any host."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import override_settings

from orion_core import health
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.testing import override_module


def registry_with(code: str, check) -> ModuleRegistry:
    """The installed modules, with ``code``'s health_check replaced."""
    return ModuleRegistry(
        dataclasses.replace(d, health_check=check) if d.code == code else d for d in get_registry()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["acme.test", "unknown.example", "10.0.0.7:8000"])
def test_liveness_answers_ok_on_any_host(client, platform, host):
    with override_settings(ORION_DEFAULT_PLATFORM=""):
        response = client.get("/health/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_liveness_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/health/", HTTP_HOST="anything.example").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["acme.test", "unknown.example"])
def test_readiness_reports_database_cache_and_modules(client, platform, host):
    with override_settings(ORION_DEFAULT_PLATFORM="", CELERY_BROKER_URL=""):
        response = client.get("/health/ready/", HTTP_HOST=host)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["cache"]["status"] == "ok"
    assert "broker" not in checks
    core = {f"module:{d.code}" for d in get_registry() if d.is_core}
    assert core <= set(checks)
    assert all(c["status"] == "ok" and "ms" in c for c in checks.values())
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_only_modules_enabled_somewhere(client, platform):
    assert "module:billing" not in client.get("/health/ready/").json()["checks"]
    with override_module(platform, "billing"):
        checks = client.get("/health/ready/").json()["checks"]
    assert {"module:billing", "module:payments"} <= set(checks)


@pytest.mark.django_db
def test_modules_of_inactive_platforms_are_not_checked(client, platform):
    with override_module(platform, "billing"):
        platform.is_active = False
        platform.save()
        assert "module:billing" not in client.get("/health/ready/").json()["checks"]


@pytest.mark.django_db
def test_a_failing_module_check_makes_readiness_503_with_its_message(client, platform, monkeypatch):
    def ledger_down() -> None:
        raise RuntimeError("ledger database unreachable")

    monkeypatch.setattr(health, "get_registry", lambda: registry_with("billing", ledger_down))
    with override_module(platform, "billing"):
        response = client.get("/health/ready/", HTTP_HOST="unknown.example")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    billing = body["checks"]["module:billing"]
    assert billing["status"] == "unavailable"
    assert billing["error"].endswith("ledger database unreachable")
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["module:payments"]["status"] == "ok"


@pytest.mark.django_db
def test_a_failing_check_without_message_names_the_exception(client, platform, monkeypatch):
    def silent() -> None:
        raise TimeoutError

    monkeypatch.setattr(health, "get_registry", lambda: registry_with("core", silent))
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["module:core"]["error"].endswith("TimeoutError")


@pytest.mark.django_db
def test_unreachable_broker_makes_readiness_503(client, platform):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/health/ready/", HTTP_HOST="unknown.example")

    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["status"] == "unavailable"
    assert "Broker unreachable" in broker["error"]
    assert "127.0.0.1:1" not in broker["error"]  # no connection details in a public probe


@pytest.mark.django_db
def test_reachable_broker_is_ok(client, platform, redis_url):
    with override_settings(CELERY_BROKER_URL=redis_url):
        response = client.get("/health/ready/")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["status"] == "ok"


@pytest.mark.django_db
def test_a_broken_cache_makes_readiness_503(client, platform):
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "unavailable"
