"""Template context: platform, enabled_modules and module_context (enabled modules only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from prometheus_client import REGISTRY

from orion_core import context_processors
from orion_core.modules.definition import ModuleDefinition, Tier
from orion_core.modules.registry import ModuleRegistry

ASKED: list[str] = []


class Context:
    def __init__(self, code: str) -> None:
        self.code = code

    def get_context(self, request: Any) -> dict[str, Any]:
        ASKED.append(self.code)
        return {"greeting": f"hello from {self.code}", "host": request.get_host()}


class Broken:
    def get_context(self, request: Any) -> dict[str, Any]:
        raise RuntimeError("no context today")


alpha_context = Context("alpha")
beta_context = Context("beta")
off_context = Context("off")
broken_context = Broken()


def module(code: str, **kw: Any) -> ModuleDefinition:
    return ModuleDefinition(
        code=code, name=code, providers={"context": f"{__name__}.{code}_context"}, **kw
    )


@pytest.fixture
def registry(monkeypatch) -> ModuleRegistry:
    ASKED.clear()
    registry = ModuleRegistry(
        [
            module("beta", requires=("alpha",)),
            module("alpha", tier=Tier.CORE),
            module("off"),
            module("broken"),
        ]
    )
    monkeypatch.setattr("orion_core.providers.get_registry", lambda: registry)
    return registry


def make_request(platform: Any, modules: frozenset[str]) -> Any:
    request = RequestFactory().get("/", HTTP_HOST="acme.test")
    request.user = AnonymousUser()
    request.platform, request.modules = platform, modules
    return request


def render(source: str, request: Any) -> str:
    return engines["django"].from_string(source).render(request=request)


@pytest.mark.django_db
def test_platform_and_enabled_modules_reach_templates(platform, registry):
    request = make_request(platform, frozenset({"alpha", "beta"}))
    assert render("{{ platform.code }}|{{ enabled_modules|length }}", request) == "acme|2"
    assert render("{% if 'beta' in enabled_modules %}yes{% endif %}", request) == "yes"


def test_without_middleware_the_context_is_empty(rf, registry):
    request = rf.get("/")
    assert context_processors.platform(request) == {
        "platform": None,
        "enabled_modules": frozenset(),
    }
    assert context_processors.module_context(request) == {"module_context": {}}
    assert ASKED == []


@pytest.mark.django_db
def test_module_context_asks_enabled_modules_only(platform, registry):
    request = make_request(platform, frozenset({"alpha", "beta", "broken"}))
    before = (
        REGISTRY.get_sample_value(
            "orion_provider_failures_total", {"module": "broken", "kind": "context"}
        )
        or 0.0
    )

    context = context_processors.module_context(request)["module_context"]

    assert set(context) == {"alpha", "beta"}
    assert context["beta"]["greeting"] == "hello from beta"
    assert ASKED == ["alpha", "beta"]  # dependency order; "off" never asked
    assert (
        REGISTRY.get_sample_value(
            "orion_provider_failures_total", {"module": "broken", "kind": "context"}
        )
        == before + 1
    )


@pytest.mark.django_db
def test_module_context_renders_in_a_template_despite_a_broken_provider(platform, registry):
    request = make_request(platform, frozenset({"alpha", "broken"}))
    html = render("{{ module_context.alpha.greeting }}|{{ module_context.broken }}", request)
    assert html == "hello from alpha|"


def test_no_platform_means_no_providers_asked(registry):
    request = make_request(None, frozenset({"alpha"}))
    assert context_processors.module_context(request) == {"module_context": {}}
    assert ASKED == []


@pytest.mark.django_db
def test_processors_are_installed_and_run_on_real_pages(client, platform):
    response = client.get("/admin/login/", HTTP_HOST="acme.test")
    assert response.status_code == 200
    assert response.context["platform"] == platform
    assert "core" in response.context["enabled_modules"]
    assert "module_context" in response.context
