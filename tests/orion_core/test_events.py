"""Module events: sent only after commit, filtered per module, receivers isolated."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from orion_core import receivers
from orion_core.events import SIGNALS, ModuleEvent, module_event_bus
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.services.config import SECRET_MASK

pytestmark = pytest.mark.django_db


class Recorder:
    """Subscribes to events for one test and records every call's keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self._subscriptions: list[tuple] = []

    def listen(self, event: ModuleEvent, *, module: str | None = None, func=None):
        func = func or self._make(event, module)
        module_event_bus.subscribe(event, module=module)(func)
        self._subscriptions.append((event, func, module))
        return func

    def _make(self, event, module):
        def record(**kwargs):
            kwargs.pop("signal", None)
            self.calls.append({"event": event, **kwargs})

        # dispatch_uid is derived from the qualname: give each recorder function its own.
        record.__qualname__ = f"Recorder.record.{event}.{module}.{id(self)}"
        return record

    def codes(self, event: ModuleEvent | None = None) -> list[str]:
        return [c["module_code"] for c in self.calls if event is None or c["event"] == event]

    def close(self) -> None:
        for event, func, module in self._subscriptions:
            module_event_bus.unsubscribe(event, func, module=module)


@pytest.fixture
def recorder():
    rec = Recorder()
    for event in (ModuleEvent.ENABLED, ModuleEvent.DISABLED, ModuleEvent.CONFIG_CHANGED):
        rec.listen(event)
    yield rec
    rec.close()


@pytest.fixture
def service() -> ModuleService:
    return ModuleService()


def test_enable_events_wait_for_commit(
    platform, service, recorder, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service.enable(platform, "billing", user=user)
    assert recorder.calls == []
    assert len(callbacks) >= 1

    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "orders", user=user)
    assert recorder.calls == [
        {
            "event": ModuleEvent.ENABLED,
            "module_code": "catalog",
            "platform": platform,
            "user": user,
            "cause": "required by orders",
        },
        {
            "event": ModuleEvent.ENABLED,
            "module_code": "orders",
            "platform": platform,
            "user": user,
            "cause": "explicit",
        },
    ]


def test_disable_events_after_commit(
    platform, service, recorder, user, django_capture_on_commit_callbacks
):
    service.enable(platform, "billing")
    with django_capture_on_commit_callbacks(execute=True):
        service.disable(platform, "payments", user=user)
    assert recorder.codes(ModuleEvent.DISABLED) == ["billing", "payments"]
    assert [c["cause"] for c in recorder.calls] == ["dependent of payments", "explicit"]
    assert all(c["platform"] == platform and c["user"] == user for c in recorder.calls)


def test_no_event_when_nothing_changes(
    platform, service, recorder, django_capture_on_commit_callbacks
):
    service.enable(platform, "billing")
    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "payments")  # already on: now explicit, but no state change
        service.enable(platform, "billing")
        service.disable(platform, "analytics")
    assert recorder.calls == []


def test_config_changed_after_commit_with_masked_secrets(
    platform, service, recorder, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        service.set_config(
            platform, "payments", {"provider": "stripe", "api_key": "sk_1"}, user=user
        )
    assert recorder.calls == []
    with django_capture_on_commit_callbacks(execute=True):
        service.set_config(platform, "payments", {"currency": "USD"}, user=user)
    (call,) = recorder.calls
    assert call["event"] == ModuleEvent.CONFIG_CHANGED
    assert call["module_code"] == "payments"
    assert call["platform"] == platform and call["user"] == user
    assert call["old_config"]["currency"] == "EUR"
    assert call["new_config"]["currency"] == "USD"
    assert call["old_config"]["api_key"] == call["new_config"]["api_key"] == SECRET_MASK


def test_config_changed_when_only_a_secret_changes(
    platform, service, recorder, django_capture_on_commit_callbacks
):
    service.set_config(platform, "payments", {"provider": "stripe", "api_key": "sk_1"})
    with django_capture_on_commit_callbacks(execute=True):
        service.set_config(platform, "payments", {"api_key": "sk_2"})
    assert recorder.codes(ModuleEvent.CONFIG_CHANGED) == ["payments"]
    assert "sk_" not in repr(recorder.calls)


def test_enable_with_config_also_announces_the_config(
    platform, service, recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "billing", config={"payment_terms_days": 7})
    assert [(c["event"], c["module_code"]) for c in recorder.calls] == [
        (ModuleEvent.CONFIG_CHANGED, "billing"),
        (ModuleEvent.ENABLED, "payments"),
        (ModuleEvent.ENABLED, "billing"),
    ]


def test_no_config_event_when_nothing_changes(
    platform, service, recorder, django_capture_on_commit_callbacks
):
    service.set_config(platform, "billing", {"payment_terms_days": 7})
    with django_capture_on_commit_callbacks(execute=True):
        service.set_config(platform, "billing", {"payment_terms_days": 7})
    assert recorder.calls == []


def test_rolled_back_change_sends_nothing(
    platform, service, recorder, django_capture_on_commit_callbacks
):
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        service.enable(platform, "billing")
        service.set_config(platform, "billing", {"payment_terms_days": 3})
        raise Abort
    assert callbacks == []
    assert recorder.calls == []
    assert not service.records(platform).get("billing")


def test_subscribe_filters_by_module(platform, service, django_capture_on_commit_callbacks):
    rec = Recorder()
    rec.listen(ModuleEvent.ENABLED, module="billing")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            service.enable(platform, "billing")
            service.enable(platform, "analytics")
    finally:
        rec.close()
    assert rec.codes() == ["billing"]


def test_unsubscribe_stops_delivery(platform, service, django_capture_on_commit_callbacks):
    rec = Recorder()
    func = rec.listen(ModuleEvent.ENABLED)
    module_event_bus.unsubscribe(ModuleEvent.ENABLED, func)
    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "analytics")
    assert rec.calls == []


def test_subscribe_returns_the_function_and_connects_once():
    rec = Recorder()

    def twice(**kwargs):
        rec.calls.append(kwargs["module_code"])

    try:
        assert module_event_bus.subscribe(ModuleEvent.STARTUP)(twice) is twice
        module_event_bus.subscribe(ModuleEvent.STARTUP)(twice)  # e.g. a module imported twice
        rec._subscriptions.append((ModuleEvent.STARTUP, twice, None))
        module_event_bus.publish(ModuleEvent.STARTUP, module_code="x")
    finally:
        rec.close()
    assert rec.calls == ["x"]


def test_a_failing_receiver_is_logged_and_others_still_run(caplog):
    received = []

    def first_breaks(**kwargs):
        raise RuntimeError("receiver exploded")

    def second_works(**kwargs):
        received.append(kwargs["module_code"])

    module_event_bus.subscribe(ModuleEvent.ENABLED)(first_breaks)
    module_event_bus.subscribe(ModuleEvent.ENABLED)(second_works)
    try:
        with caplog.at_level(logging.ERROR, logger="orion_core.events"):
            module_event_bus.publish(ModuleEvent.ENABLED, module_code="billing", platform=None)
    finally:
        module_event_bus.unsubscribe(ModuleEvent.ENABLED, first_breaks)
        module_event_bus.unsubscribe(ModuleEvent.ENABLED, second_works)
    assert received == ["billing"]
    (record,) = [r for r in caplog.records if r.name == "orion_core.events"]
    assert "enabled(billing)" in record.getMessage()
    assert record.exc_info[1].args == ("receiver exploded",)


def test_a_failing_receiver_does_not_fail_the_change(
    platform, service, django_capture_on_commit_callbacks
):
    def breaks(**kwargs):
        raise RuntimeError("nope")

    module_event_bus.subscribe(ModuleEvent.ENABLED)(breaks)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            service.enable(platform, "analytics")
    finally:
        module_event_bus.unsubscribe(ModuleEvent.ENABLED, breaks)
    assert service.is_enabled(platform, "analytics")


def test_events_map_to_django_signals():
    assert set(SIGNALS) == set(ModuleEvent)
    received = []

    def plain(sender, **kwargs):
        received.append((sender, kwargs["module_code"]))

    SIGNALS[ModuleEvent.SHUTDOWN].connect(plain)
    try:
        module_event_bus.publish(ModuleEvent.SHUTDOWN, module_code="billing")
    finally:
        SIGNALS[ModuleEvent.SHUTDOWN].disconnect(plain)
    assert received == [(type(module_event_bus), "billing")]


def test_start_modules_sends_startup_for_every_module():
    rec = Recorder()
    rec.listen(ModuleEvent.STARTUP)
    try:
        receivers.start_modules()
    finally:
        rec.close()
    assert sorted(rec.codes()) == sorted(get_registry().codes())


def test_start_modules_isolates_a_failing_on_startup(monkeypatch, caplog):
    import dataclasses

    from orion_core.modules.registry import ModuleRegistry

    def broken():
        raise RuntimeError("no config file")

    reg = ModuleRegistry(
        [
            dataclasses.replace(get_registry().get("billing"), on_startup=broken),
            get_registry().get("payments"),
        ]
    )
    monkeypatch.setattr(receivers, "get_registry", lambda: reg)
    rec = Recorder()
    rec.listen(ModuleEvent.STARTUP)
    try:
        with caplog.at_level(logging.ERROR):
            receivers.start_modules()
    finally:
        rec.close()
    assert rec.codes() == ["payments"]
    assert any("on_startup of module billing failed" in r.getMessage() for r in caplog.records)


def test_stop_modules_sends_shutdown():
    rec = Recorder()
    rec.listen(ModuleEvent.SHUTDOWN, module="monitoring")
    try:
        receivers.stop_modules()
    finally:
        rec.close()
    assert rec.codes() == ["monitoring"]
