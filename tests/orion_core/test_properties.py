"""Property test: any sequence of enable/disable keeps a platform's module state consistent and
its audit log complete."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.modules.definition import Tier
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory

REGISTRY = get_registry()
SWITCHABLE = sorted(REGISTRY.codes_by_tier(Tier.OPTIONAL) + REGISTRY.codes_by_tier(Tier.INTERNAL))
CORE = set(REGISTRY.codes_by_tier(Tier.CORE))

operations = st.lists(
    st.tuples(st.sampled_from(["enable", "disable", "prune"]), st.sampled_from(SWITCHABLE)),
    min_size=1,
    max_size=12,
)


def snapshot(platform) -> dict[str, tuple[bool, bool]]:
    return {
        code: (enabled, explicit)
        for code, enabled, explicit in PlatformModule.objects.filter(platform=platform).values_list(
            "module_code", "is_enabled", "enabled_explicitly"
        )
    }


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_sequence_keeps_state_consistent_and_audited(ops):
    service = ModuleService()
    try:
        with transaction.atomic():
            platform = PlatformFactory(code="prop", domains=[])
            for action, code in ops:
                before = snapshot(platform)
                audit_before = ModuleAuditEntry.objects.filter(platform=platform).count()
                if action == "enable":
                    plan = service.enable(platform, code)
                else:
                    plan = service.disable(platform, code, prune=action == "prune")
                after = snapshot(platform)

                enabled = {c for c, (on, _) in after.items() if on}
                # Every core module is on, and so is every requirement of an enabled module.
                assert enabled >= CORE
                for name in enabled:
                    missing = REGISTRY.requirements(name) - enabled
                    assert not missing, f"{name} on without {missing} after {action} {code}"
                if action == "enable":
                    assert code in enabled and after[code][1], "explicitly enabled"
                else:
                    assert code not in enabled
                    assert not REGISTRY.dependents(code) & enabled

                # One audit entry per real change: a module switched on or off, or an implicitly
                # enabled module now wanted explicitly.
                flips = {
                    c: after[c][0]
                    for c in after
                    if before.get(c, (c in CORE, False))[0] != after[c][0]
                }
                promoted = {
                    c
                    for c in after
                    if c in before and before[c] == (True, False) and after[c] == (True, True)
                }
                new_entries = list(
                    ModuleAuditEntry.objects.filter(platform=platform)
                    .order_by("id")
                    .values_list("module_code", "action")[audit_before:]
                )
                assert len(new_entries) == len(flips) + len(promoted)
                assert sorted(c for c, _ in new_entries) == sorted([*flips, *promoted])
                for module_code, entry_action in new_entries:
                    expected_on = flips.get(module_code, True)
                    assert entry_action == ("enabled" if expected_on else "disabled")
                assert set(plan.codes) == set(flips) | promoted
            raise Rollback
    except Rollback:
        pass
