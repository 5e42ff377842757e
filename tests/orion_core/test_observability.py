"""Sentry: initialised only with a DSN, no personal data, sampled out probes, tagged requests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from unittest import mock

import pytest
import sentry_sdk
from sentry_sdk._types import AnnotatedValue
from sentry_sdk.transport import Transport

from config import settings as settings_module
from orion_core import observability

DSN = "https://public@127.0.0.1:9/1"


def filtered(value: object) -> bool:
    """The scrubber replaces a value by an annotated "[Filtered]" placeholder."""
    return isinstance(value, AnnotatedValue) and value.value == "[Filtered]"


class RecordingTransport(Transport):
    """Keeps events in memory instead of sending them anywhere."""

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.type in ("event", "transaction"):
                self.events.append(item.payload.json)


@pytest.fixture
def sentry(monkeypatch):
    """init_sentry with a transport that records; Sentry reset afterwards."""
    transport = RecordingTransport()
    real_init = sentry_sdk.init
    monkeypatch.setattr(sentry_sdk, "init", lambda **kw: real_init(transport=transport, **kw))
    observability.init_sentry(dsn=DSN, environment="test", traces_sample_rate=0.5)
    yield transport
    sentry_sdk.get_client().close(timeout=0)
    sentry_sdk.get_global_scope().set_client(None)  # inactive again for every other test


def load_settings(monkeypatch, **env: str):
    """Execute config/settings.py afresh (as a tool importing it would) with ``env``."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("settings_probe", Path(settings_module.__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_settings_do_not_init_sentry_without_a_dsn(monkeypatch):
    init = mock.Mock()
    monkeypatch.setattr(observability, "init_sentry", init)
    load_settings(monkeypatch, SENTRY_DSN="")
    init.assert_not_called()
    assert not sentry_sdk.get_client().is_active()


def test_settings_init_sentry_with_a_dsn(monkeypatch):
    init = mock.Mock()
    monkeypatch.setattr(observability, "init_sentry", init)
    load_settings(
        monkeypatch, SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging", SENTRY_TRACES_SAMPLE_RATE="0.25"
    )
    init.assert_called_once_with(dsn=DSN, environment="staging", traces_sample_rate=0.25)


def test_init_sentry_options(sentry):
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert client.should_send_default_pii() is False
    assert client.options["event_scrubber"] is not None
    assert client.options["environment"] == "test"
    assert {"django", "celery"} <= set(client.integrations)


def test_scrubber_removes_customer_fields(sentry):
    scrubber = sentry_sdk.get_client().options["event_scrubber"]
    event = {
        "extra": {
            "email": "ada@example.com",
            "phone": "+44 20 7946 0000",
            "order_id": 42,
            "customer": {"email": "nested@example.com", "first_name": "Ada"},
        },
        "request": {"data": {"card_number": "4111111111111111", "quantity": 2}},
    }
    scrubber.scrub_event(event)

    assert filtered(event["extra"]["email"])
    assert filtered(event["extra"]["phone"])
    assert event["extra"]["order_id"] == 42
    # Customer data nested in a payload is scrubbed too (the scrubber is recursive).
    assert filtered(event["extra"]["customer"]["email"])
    assert filtered(event["extra"]["customer"]["first_name"])
    assert filtered(event["request"]["data"]["card_number"])
    assert event["request"]["data"]["quantity"] == 2


def test_a_captured_event_leaves_without_personal_data(sentry):
    with sentry_sdk.new_scope() as scope:
        scope.set_extra("email", "ada@example.com")
        scope.set_extra("invoice", "INV-1")
        scope.set_extra("order", {"id": 7, "email": "ada@example.com"})
        sentry_sdk.capture_message("payment failed")
    sentry_sdk.flush(timeout=2)

    [event] = [e for e in sentry.events if e.get("message") == "payment failed"]
    assert event["extra"]["email"] == "[Filtered]"
    assert event["extra"]["invoice"] == "INV-1"
    assert event["extra"]["order"]["email"] == "[Filtered]"
    assert "ada@example.com" not in str(event)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"wsgi_environ": {"PATH_INFO": "/health/"}}, 0.0),
        ({"wsgi_environ": {"PATH_INFO": "/health/ready/"}}, 0.0),
        ({"wsgi_environ": {"PATH_INFO": "/metrics"}}, 0.0),
        ({"asgi_scope": {"path": "/health/"}}, 0.0),
        ({"asgi_scope": {"path": "/metrics"}}, 0.0),
        ({"wsgi_environ": {"PATH_INFO": "/dashboard/"}}, 0.5),
        ({"asgi_scope": {"path": "/shop/acme/"}}, 0.5),
        ({"celery_job": {"task": "orion_core.tasks.x"}}, 0.5),
    ],
)
def test_traces_sampler_drops_probes(sentry, context, expected):
    sampler = sentry_sdk.get_client().options["traces_sampler"]
    assert sampler(context) == expected


def test_tag_request_tags_the_scope_when_active(sentry):
    with sentry_sdk.isolation_scope() as scope:
        observability.tag_request("acme", "billing")
        assert scope._tags == {"platform": "acme", "module": "billing"}


def test_tag_request_is_a_no_op_without_sentry():
    assert not sentry_sdk.get_client().is_active()
    with sentry_sdk.isolation_scope() as scope:
        observability.tag_request("acme", "billing")
        assert not scope._tags
