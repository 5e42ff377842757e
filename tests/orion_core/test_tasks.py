"""``PlatformTask`` re-checks its module when it runs; ``fan_out`` queues it per platform."""

from __future__ import annotations

from unittest import mock

import pytest
from celery import shared_task

from config.celery import app as celery_app
from orion_core.models import Platform
from orion_core.services import ModuleService
from orion_core.tasks import SKIPPED, PlatformTask, fan_out
from orion_core.testing import PlatformFactory, override_module

pytestmark = pytest.mark.django_db

runs: list[dict] = []


@shared_task(base=PlatformTask, module="analytics", name="tests.orion_core.analytics_probe")
def analytics_probe(*, platform_id: int, note: str = "") -> dict:
    runs.append({"platform_id": platform_id, "note": note})
    return {"platform_id": platform_id, "note": note}


@shared_task(base=PlatformTask, name="tests.orion_core.moduleless_probe")
def moduleless_probe(*, platform_id: int) -> None:
    runs.append({"platform_id": platform_id})


@pytest.fixture(autouse=True)
def eager():
    """Run tasks in-process, whatever broker the environment names."""
    runs.clear()
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(task_always_eager=saved[0], task_eager_propagates=saved[1])


def test_skips_when_the_module_is_off(platform):
    assert not ModuleService().is_enabled(platform, "analytics")

    result = analytics_probe.delay(platform_id=platform.pk)

    assert result.get() == SKIPPED
    assert runs == []


def test_runs_when_the_module_is_on(platform):
    with override_module(platform, "analytics", enabled=True):
        result = analytics_probe.delay(platform_id=platform.pk, note="hi")

    assert result.get() == {"platform_id": platform.pk, "note": "hi"}
    assert runs == [{"platform_id": platform.pk, "note": "hi"}]


def test_calling_the_task_directly_is_gated_too(platform):
    assert analytics_probe(platform_id=platform.pk) == SKIPPED
    with override_module(platform, "analytics", enabled=True):
        assert analytics_probe(platform_id=platform.pk) == {"platform_id": platform.pk, "note": ""}


def test_state_is_re_checked_when_the_task_runs(platform, django_capture_on_commit_callbacks):
    """Through the service, committed: the on-commit invalidation is what the task relies on."""
    service = ModuleService()
    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "analytics")
    assert analytics_probe.delay(platform_id=platform.pk).get() != SKIPPED

    with django_capture_on_commit_callbacks(execute=True):
        service.disable(platform, "analytics")
    assert analytics_probe.delay(platform_id=platform.pk).get() == SKIPPED

    with django_capture_on_commit_callbacks(execute=True):
        service.enable(platform, "analytics")
    assert analytics_probe.delay(platform_id=platform.pk).get() != SKIPPED
    assert [r["platform_id"] for r in runs] == [platform.pk, platform.pk]


def test_an_unknown_platform_is_skipped(db):
    missing = (Platform.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    assert analytics_probe.delay(platform_id=missing).get() == SKIPPED
    assert runs == []


def test_a_platform_task_must_name_its_module(platform):
    with pytest.raises(TypeError, match="declares no module"):
        moduleless_probe.delay(platform_id=platform.pk)


@pytest.fixture
def platforms(db):
    on = PlatformFactory(code="on", modules=["analytics"])
    also_on = PlatformFactory(code="alsoon", modules=["analytics"])
    off = PlatformFactory(code="off")
    inactive = PlatformFactory(code="inactive", modules=["analytics"])
    Platform.objects.filter(pk=inactive.pk).update(is_active=False)
    disabled_again = PlatformFactory(code="disabledagain", modules=["analytics"])
    ModuleService().disable(disabled_again, "analytics")
    return {"on": on, "also_on": also_on, "off": off, "inactive": inactive}


def test_fan_out_runs_eagerly_for_active_platforms_with_the_module(platforms):
    expected = sorted([platforms["on"].pk, platforms["also_on"].pk])

    result = fan_out.delay(
        task="tests.orion_core.analytics_probe", module="analytics", kwargs={"note": "beat"}
    )

    assert result.get() == expected
    assert sorted(r["platform_id"] for r in runs) == expected
    assert {r["note"] for r in runs} == {"beat"}


def test_fan_out_with_nobody_enabled_queues_nothing(platform):
    assert fan_out.delay(task="tests.orion_core.analytics_probe", module="analytics").get() == []
    assert runs == []


def test_fan_out_runs_in_process_tasks_this_process_never_imported(platform):
    """No broker: a web process or a command has not imported every app's tasks.py (Celery
    autodiscovers them in workers only), yet a fan-out must run them here, never try a broker."""
    import sys

    from celery.signals import task_postrun

    name = "monitoring.check_module_health"
    for registered in [n for n in celery_app.tasks if n.startswith("monitoring.")]:
        celery_app.tasks.pop(registered)  # every task of the module is declared again
    sys.modules.pop("modules.monitoring.tasks", None)
    ran: list[dict] = []

    def record(sender=None, kwargs=None, retval=None, **extra):
        if sender.name == name:
            ran.append({"platform_id": kwargs["platform_id"], "result": retval})

    task_postrun.connect(record, weak=False)
    try:
        with (
            override_module(platform, "monitoring"),
            mock.patch.object(celery_app, "send_task", side_effect=AssertionError("sent")),
        ):
            fan_out.delay(task=name, module="monitoring")
    finally:
        task_postrun.disconnect(record)

    assert [r["platform_id"] for r in ran] == [platform.pk]
    assert ran[0]["result"]["core"] == "ok"  # it really ran every health check


def test_fan_out_of_an_unknown_task_without_a_broker_says_so(platforms):
    from celery.exceptions import NotRegistered

    with pytest.raises(NotRegistered):
        fan_out.delay(task="nowhere.no_such_task", module="analytics")


def test_fan_out_enqueues_through_the_broker_when_not_eager(platforms):
    """With a broker, each platform's run is published (not run in-process)."""
    celery_app.conf.task_always_eager = False
    with mock.patch.object(celery_app, "send_task") as send_task:
        # ``apply`` runs fan_out itself here; what it dispatches must go to the broker.
        queued = fan_out.apply(
            kwargs={"task": "tests.orion_core.analytics_probe", "module": "analytics"}
        ).get()

    assert runs == []
    sent = [(c.args[0], c.kwargs["kwargs"]) for c in send_task.call_args_list]
    assert sent == [("tests.orion_core.analytics_probe", {"platform_id": pk}) for pk in queued]
    assert sorted(queued) == sorted([platforms["on"].pk, platforms["also_on"].pk])


def test_fan_out_sends_tasks_this_process_does_not_know(platforms):
    """A task registered only in the worker process is still sent by name."""
    celery_app.conf.task_always_eager = False
    with mock.patch.object(celery_app, "send_task") as send_task:
        fan_out.apply(kwargs={"task": "elsewhere.not_registered_here", "module": "analytics"})

    names = {c.args[0] for c in send_task.call_args_list}
    assert names == {"elsewhere.not_registered_here"}
    assert send_task.call_count == 2
