"""orion_core.bulk: many rows written as plain tuples, read back as Django wrote them."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from orion_core import bulk
from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.testing import PlatformFactory

pytestmark = pytest.mark.django_db

WRITERS = [bulk._execute_many] + ([bulk._copy] if connection.vendor == "postgresql" else [])


@pytest.fixture(params=WRITERS, ids=lambda writer: writer.__name__.strip("_"))
def writer(request, monkeypatch):
    """Every way ``insert`` writes on this database (COPY on PostgreSQL, and the executemany
    every other database uses, run here too so CI covers it)."""
    monkeypatch.setattr(bulk, "_copy", request.param)
    monkeypatch.setattr(bulk, "_execute_many", request.param)
    return request.param


def test_insert_writes_the_rows_and_fills_the_other_fields_with_their_defaults(writer):
    platform = PlatformFactory(modules=[])
    enabled_at = timezone.now() - datetime.timedelta(days=2)
    before = timezone.now()

    written = bulk.insert(
        PlatformModule,
        ("platform", "module_code", "is_enabled", "enabled_at", "config"),
        [
            (platform.pk, "bulk_a", True, enabled_at, {"limit": 3, "names": ["é", "日本"]}),
            (platform.pk, "bulk_b", False, None, {}),
        ],
    )

    assert written == 2
    rows = {row.module_code: row for row in PlatformModule.objects.filter(platform=platform)}
    first, second = rows["bulk_a"], rows["bulk_b"]
    assert first.is_enabled and first.enabled_at == enabled_at
    assert first.config == {"limit": 3, "names": ["é", "日本"]}
    assert not second.is_enabled and second.enabled_at is None and second.config == {}
    # Not named: their defaults, now for auto_now(_add), the same instant for every row.
    assert first.enabled_explicitly is False and first.required_by == ""
    assert before <= first.created_at == second.created_at <= timezone.now()
    assert first.updated_at == first.created_at


def test_a_none_json_value_is_sql_null_not_json_null(writer):
    platform = PlatformFactory(modules=[])
    bulk.insert(
        ModuleAuditEntry,
        ("platform", "module_code", "action", "old_config", "new_config"),
        [(platform.pk, "bulk_a", "enabled", None, {"on": True})],
    )
    assert ModuleAuditEntry.objects.filter(
        platform=platform, old_config__isnull=True, new_config={"on": True}
    ).exists()


def test_nothing_to_insert_writes_nothing(writer):
    assert bulk.insert(PlatformModule, ("module_code",), []) == 0


def test_a_row_of_the_wrong_width_is_refused_and_nothing_is_written(writer):
    platform = PlatformFactory(modules=[])
    with pytest.raises(ValueError, match="1 values for 2 columns"), transaction.atomic():
        bulk.insert(
            PlatformModule,
            ("platform", "module_code"),
            [(platform.pk, "bulk_a"), ("bulk_b",)],
        )
    assert not PlatformModule.objects.filter(
        platform=platform, module_code__startswith="bulk"
    ).exists()


def test_a_constraint_the_rows_break_fails_the_whole_insert(writer):
    platform = PlatformFactory(modules=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(
            PlatformModule,
            ("platform", "module_code"),
            [(platform.pk, "bulk_a"), (platform.pk, "bulk_a")],  # unique per platform
        )
    assert not PlatformModule.objects.filter(
        platform=platform, module_code__startswith="bulk"
    ).exists()


def test_update_sets_the_columns_of_the_rows_by_pk_and_leaves_the_others():
    platform = PlatformFactory(modules=[])
    first, second, third = (
        PlatformModule.objects.create(platform=platform, module_code=code, config={"n": 0})
        for code in ("bulk_a", "bulk_b", "bulk_c")
    )
    when = timezone.now()

    updated = bulk.update(
        PlatformModule,
        ("config", "enabled_at"),
        [({"n": 1}, when, first.pk), ({"n": [2, "ü"]}, None, second.pk)],
    )

    assert updated == 2
    for row in (first, second, third):
        row.refresh_from_db()
    assert (first.config, first.enabled_at) == ({"n": 1}, when)
    assert (second.config, second.enabled_at) == ({"n": [2, "ü"]}, None)
    assert (third.config, third.enabled_at) == ({"n": 0}, None)
    assert bulk.update(PlatformModule, ("config",), []) == 0
