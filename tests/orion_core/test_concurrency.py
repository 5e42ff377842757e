"""Concurrent changes of one platform on PostgreSQL: the platform row lock serialises them, so the
final state is consistent and the audit history replays to it exactly."""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.db.models import Count

from orion_core.exceptions import ModuleStateError
from orion_core.models import ModuleAuditEntry, Platform, PlatformModule
from orion_core.modules.definition import Tier
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
OPERATIONS = 10


def run_threads(platform_id: int, work) -> tuple[list[BaseException], Counter]:
    errors: list[BaseException] = []
    refused: Counter = Counter()
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            platform = Platform.objects.get(pk=platform_id)
            work(index, platform, refused)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return errors, refused


def assert_consistent(platform: Platform) -> None:
    registry = get_registry()
    rows = PlatformModule.objects.filter(platform=platform)
    duplicates = rows.values("module_code").annotate(n=Count("id")).filter(n__gt=1)
    assert list(duplicates) == []

    enabled = set(rows.filter(is_enabled=True).values_list("module_code", flat=True))
    assert enabled >= set(registry.codes_by_tier(Tier.CORE))
    for code in enabled:
        assert registry.requirements(code) <= enabled, code

    # Replaying the audit history in order gives the stored state of every module.
    replayed: dict[str, bool] = defaultdict(bool)
    for code, action in (
        ModuleAuditEntry.objects.filter(platform=platform)
        .order_by("id")
        .values_list("module_code", "action")
    ):
        if action == ModuleAuditEntry.Action.ENABLED:
            replayed[code] = True
        elif action == ModuleAuditEntry.Action.DISABLED:
            replayed[code] = False
    stored = dict(rows.values_list("module_code", "is_enabled"))
    assert {c: replayed[c] for c in stored} == stored
    assert set(replayed) <= set(stored)


def test_concurrent_enable_disable_on_one_platform(postgres):
    platform = PlatformFactory(code="race", domains=[])
    registry = get_registry()
    codes = sorted(registry.codes_by_tier(Tier.OPTIONAL) + registry.codes_by_tier(Tier.INTERNAL))

    def work(index: int, platform: Platform, refused: Counter) -> None:
        rng = random.Random(index)
        service = ModuleService()
        for _ in range(OPERATIONS):
            code = rng.choice(codes)
            action = rng.choice(["enable", "disable", "prune"])
            try:
                if action == "enable":
                    service.enable(platform, code, source=f"thread-{index}")
                else:
                    service.disable(
                        platform, code, prune=action == "prune", source=f"thread-{index}"
                    )
            except ModuleStateError:
                refused[code] += 1

    errors, refused = run_threads(platform.pk, work)
    assert errors == []
    assert refused == Counter()  # optional and internal modules are never refused
    assert ModuleAuditEntry.objects.filter(platform=platform, source__startswith="thread-").exists()
    assert_consistent(platform)


def test_concurrent_config_writes_are_all_audited(postgres):
    platform = PlatformFactory(code="race-config", domains=[])

    def work(index: int, platform: Platform, refused: Counter) -> None:
        service = ModuleService()
        for step in range(OPERATIONS):
            service.set_config(platform, "billing", {"payment_terms_days": index * 20 + step + 1})
            if step % 3 == 0:
                service.enable(platform, "billing")
            elif step % 3 == 1:
                service.disable(platform, "payments")

    errors, _ = run_threads(platform.pk, work)
    assert errors == []
    changes = ModuleAuditEntry.objects.filter(
        platform=platform, module_code="billing", action=ModuleAuditEntry.Action.CONFIG_CHANGED
    ).order_by("id")
    # Every write set a different value, so each is a change, each audited, chained old -> new.
    assert changes.count() == THREADS * OPERATIONS
    previous = None
    for entry in changes:
        if previous is not None:
            assert entry.old_config == previous.new_config
        previous = entry
    stored = PlatformModule.objects.get(platform=platform, module_code="billing").config
    assert stored["payment_terms_days"] == previous.new_config["payment_terms_days"]
    assert_consistent(platform)
