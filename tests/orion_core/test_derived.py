"""Values derived from shared-cache lookups alone (``orion_core.derived``): kept while the
generations of those lookups (and of what the request looked up before) are current, never
when their making ran SQL."""

from __future__ import annotations

import pytest
from django.test import override_settings

from orion_core import derived, shared_cache
from orion_core.models import Platform
from orion_core.testing import PlatformFactory

pytestmark = pytest.mark.django_db


class Builder:
    """Counts its builds; each build asks the cache for ``a`` (scope ``scope-a``)."""

    def __init__(self, *, query: bool = False) -> None:
        self.builds = 0
        self.query = query

    def __call__(self) -> str:
        self.builds += 1
        piece = shared_cache.get_or_load("orion:test:piece", lambda: "piece", scope="scope-a")
        if self.query:
            Platform.objects.count()
        return f"{piece}-{self.builds}"


def test_a_value_of_lookups_alone_is_kept_until_a_scope_it_read_changes():
    build = Builder()
    assert derived.get_or_derive("orion:test:derived", build) == "piece-1"
    assert derived.get_or_derive("orion:test:derived", build) == "piece-1"
    assert build.builds == 1
    shared_cache.bump("scope-b")  # not read: still current
    assert derived.get_or_derive("orion:test:derived", build) == "piece-1"
    shared_cache.bump("scope-a")
    assert derived.get_or_derive("orion:test:derived", build) == "piece-2"


def test_what_the_request_looked_up_before_counts_too():
    build = Builder()
    with shared_cache.recording():
        shared_cache.get_or_load("orion:test:vendor", lambda: "vendor", scope="scope-v")
        derived.get_or_derive("orion:test:derived", build)
    shared_cache.bump("scope-v")
    with shared_cache.recording():
        shared_cache.get_or_load("orion:test:vendor", lambda: "vendor", scope="scope-v")
        assert derived.get_or_derive("orion:test:derived", build) == "piece-2"


def test_a_value_whose_making_ran_sql_is_not_kept():
    PlatformFactory()
    build = Builder(query=True)
    derived.get_or_derive("orion:test:derived", build)
    derived.get_or_derive("orion:test:derived", build)
    assert build.builds == 2


def test_keep_if_refuses_a_value():
    build = Builder()
    for _ in range(2):
        derived.get_or_derive("orion:test:derived", build, keep_if=lambda value: False)
    assert build.builds == 2


@override_settings(ORION_PAGE_CACHE_TIMEOUT=0)
def test_a_timeout_of_zero_keeps_nothing():
    build = Builder()
    for _ in range(2):
        derived.get_or_derive("orion:test:derived", build)
    assert build.builds == 2
