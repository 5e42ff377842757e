"""Values made from shared-cache lookups alone, kept whole while those lookups are current.

A dashboard's cards or an anonymous page are built from a dozen generation-keyed lookups
(``shared_cache.get_or_load``) and a lot of rendering. When the building ran no SQL, everything
it used came through those lookups, so the result is current exactly while the generation
tokens they were answered under are: the result is kept with those tokens
(``shared_cache.recording``) and served while they match. A hit costs two cache round trips
(the entry, then its tokens) and none of the building. A building that ran SQL (a cold lookup,
or data that is not cached) is not kept: the next one, warm, is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from orion_core import metrics, shared_cache

T = TypeVar("T")


@dataclass(frozen=True)
class Kept:
    """A derived value and the generations it was made under."""

    generations: tuple[tuple[str, str], ...]
    value: Any


def timeout() -> int:
    """How long a derived value lives at most even when nothing it shows changes (what changes
    is seen at once): bounds what depends on the clock alone. 0 turns keeping off."""
    return int(getattr(settings, "ORION_PAGE_CACHE_TIMEOUT", 60))


def current(key: str) -> Any | None:
    """The value kept under ``key`` while all its generations are current, else None."""
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage builds the value, as without this cache
        metrics.cache_errors.inc()
        return None
    if not isinstance(kept, Kept):
        return None
    tokens = shared_cache.current_tokens([name for name, _token in kept.generations])
    if tokens is None or any(tokens.get(name) != token for name, token in kept.generations):
        return None
    return kept.value


def keep(key: str, value: Any, generations: shared_cache.Dependencies) -> None:
    try:
        cache.set(key, Kept(tuple(generations.items()), value), timeout=timeout())
    except Exception:  # noqa: BLE001
        metrics.cache_errors.inc()


@dataclass
class Building:
    """What happened while a value was built: the lookups' generations and the SQL run."""

    generations: shared_cache.Dependencies
    queries: int = 0

    @property
    def keepable(self) -> bool:
        return not self.queries and bool(self.generations) and self.generations.complete


@contextlib.contextmanager
def building() -> Iterator[Building]:
    """Record the generations and count the SQL (on every database) of the block. What the
    request looked up before it (the platform, the vendor, the membership) counts as a
    generation of the value too: it was built for them."""
    with shared_cache.recording(inherit=True) as generations:
        found = Building(generations)

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            found.queries += 1
            return execute(sql, params, many, context)

        with contextlib.ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            yield found


def get_or_derive(
    key: str, derive: Callable[[], T], *, keep_if: Callable[[T], bool] | None = None
) -> T:
    """The value under ``key`` while current, else ``derive()`` (kept when it ran no SQL and
    ``keep_if``, if given, accepts it)."""
    if timeout() <= 0:
        return derive()
    found = current(key)
    if found is not None:
        return found
    with building() as built:
        value = derive()
    if built.keepable and (keep_if is None or keep_if(value)):
        keep(key, value, built.generations)
    return value
