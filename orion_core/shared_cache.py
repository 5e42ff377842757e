"""The one generation-keyed cache helper that every cross-process lookup goes through.

What a request needs on every hit (a platform's enabled modules, its menu configuration, a vendor
by code, a vendor's domain route, later category trees and themes) is read from the shared
cache (Redis in production, a file cache that local processes share otherwise) and never kept in
process memory beyond one request (ARCHITECTURE.md §12).

Correctness comes from **generations**, not from timeouts. Every entry is stored together with
the generation tokens that were current when its loader *started*; it is trusted only while
those tokens are still current. A committed change replaces the token of its scope
(``bump_on_commit``), which makes every entry read before it stale in every process at once.

- Tokens guard each entry: the global one (``bump()``, which stales everything) and the
  entry's scope (``bump("vendors")``), so a change of a vendor does not throw away the module
  states of every platform. What is derived from two sources (a vendor's products and their
  stock) names both scopes, and a bump of either makes it stale.
- A token is a fresh random value, never a counter: a plain ``set`` is enough, so caches without
  an atomic increment (the file cache) are as correct as Redis, and a token that was lost (evicted,
  a cache flush) is re-created with a value no old entry can carry.
- A reader racing a writer cannot put an old value back: it reads the tokens *before* it loads
  from the database, so what it stores carries a token the writer's commit has already replaced.
- If the cache is down, every lookup falls back to its loader (the database) and the request
  keeps working; failures are logged and counted (``orion_state_cache_errors_total``).

One lookup costs one cache round trip when warm (``get_many`` of the tokens and the entry).

``recording()`` collects the generation tokens every lookup inside it was answered under: what
is derived from those lookups alone (a whole page, ``orion_core.page_cache``) is current exactly
while those tokens are.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import secrets
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from orion_core import metrics

logger = logging.getLogger(__name__)

T = TypeVar("T")

GLOBAL = "global"
_MISSING = object()


class Dependencies(dict[str, str]):
    """The generation tokens the lookups of one ``recording()`` were answered under (token key →
    token). ``complete`` turns False when it cannot say: a lookup saw the cache down, or two
    lookups saw one scope under two generations (a change committed half-way)."""

    complete: bool = True

    def add(self, keys: tuple[str, ...], tokens: tuple[Any, ...] | None) -> None:
        if tokens is None:
            self.complete = False
            return
        for key, token in zip(keys, tokens, strict=True):
            if self.setdefault(key, token) != token:
                self.complete = False


_recording: contextvars.ContextVar[Dependencies | None] = contextvars.ContextVar(
    "orion_shared_cache_recording", default=None
)


@contextlib.contextmanager
def recording(*, inherit: bool = False) -> Iterator[Dependencies]:
    """Collect the generations of every ``get_or_load`` inside the block (nested: both see them).

    ``inherit``: start from what the enclosing recording has collected so far, for a value that
    also depends on what was looked up before it (the request's platform, vendor, membership).
    """
    outer = _recording.get()
    found = Dependencies()
    if inherit and outer is not None:
        found.update(outer)
        found.complete = outer.complete
    reset = _recording.set(found)
    try:
        yield found
    finally:
        _recording.reset(reset)
        if outer is not None:
            outer.complete = outer.complete and found.complete
            for key, token in found.items():
                outer.add((key,), (token,))


def current_tokens(keys: list[str]) -> dict[str, Any] | None:
    """The current tokens of ``keys`` in one round trip; None when the cache is down."""
    try:
        return cache.get_many(keys)
    except Exception:  # noqa: BLE001
        _outage("read", "generations")
        return None


def _record(keys: tuple[str, ...], tokens: tuple[Any, ...] | None) -> None:
    found = _recording.get()
    if found is not None:
        found.add(keys, tokens)


def generation_key(scope: str) -> str:
    return f"orion:generation:{scope}"


GENERATION_KEY = generation_key(GLOBAL)


def _new_token() -> str:
    return secrets.token_hex(8)


def bump(*scopes: str) -> None:
    """Make every entry of ``scopes`` (of all scopes when none is named) stale everywhere.

    Call it after the change committed (see ``bump_on_commit``); a cache outage is logged, never
    raised, because the change itself has already happened.
    """
    keys = [generation_key(scope) for scope in scopes] or [GENERATION_KEY]
    try:
        cache.set_many({key: _new_token() for key in keys}, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a committed change
        logger.warning("Could not bump cache generations %s", keys, exc_info=True)
        metrics.cache_errors.inc()


def bump_on_commit(*scopes: str) -> None:
    """``bump(*scopes)`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: bump(*scopes))


def get_or_load(
    key: str,
    load: Callable[[], Any],
    *,
    scope: str | tuple[str, ...] = GLOBAL,
    freeze: Callable[[Any], Any] | None = None,
    thaw: Callable[[Any], T] | None = None,
) -> T:
    """The value of ``key``: from the cache while its generations are current, else ``load()``.

    ``freeze`` turns what ``load`` returns into what is stored (plain tuples pickle and unpickle
    far faster than model instances); ``thaw`` turns a stored value back. Both default to the
    identity. ``load`` runs outside the cache's error handling: a database error is not a cache
    outage and propagates.
    """
    freeze = freeze or _identity
    thaw = thaw or _identity
    token_keys = _token_keys(scope)
    try:
        found = cache.get_many([*token_keys, key])
    except Exception:  # noqa: BLE001 - degrade to the database, never fail the request
        _outage("read", key)
        _record(token_keys, None)
        return thaw(freeze(load()))
    tokens = tuple(found.get(k) for k in token_keys)
    entry = found.get(key, _MISSING)
    if entry is not _MISSING and None not in tokens and entry[0] == tokens:
        _record(token_keys, tokens)
        return thaw(entry[1])
    if None in tokens:
        tokens = _ensure_tokens(token_keys, tokens)
    _record(token_keys, tokens)
    frozen = freeze(load())  # after reading the tokens: see the module docstring
    if tokens is not None:
        try:
            cache.set(key, (tokens, frozen), timeout=settings.ORION_STATE_CACHE_TIMEOUT)
        except Exception:  # noqa: BLE001
            _outage("store", key)
    return thaw(frozen)


def _token_keys(scope: str | tuple[str, ...]) -> tuple[str, ...]:
    scopes = (scope,) if isinstance(scope, str) else scope
    return (GENERATION_KEY, *(generation_key(name) for name in scopes if name != GLOBAL))


def _ensure_tokens(keys: tuple[str, ...], tokens: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Create the missing tokens (``add``: a token another process just made wins) and read
    them back; None when the cache cannot do it (then nothing is stored)."""
    try:
        for key, token in zip(keys, tokens, strict=True):
            if token is None:
                cache.add(key, _new_token(), timeout=None)
        found = cache.get_many(list(keys))
    except Exception:  # noqa: BLE001
        _outage("create generation for", keys[-1])
        return None
    tokens = tuple(found.get(k) for k in keys)
    return None if None in tokens else tokens


def _outage(action: str, key: str) -> None:
    logger.warning(
        "Shared cache unavailable (%s %s); using the database", action, key, exc_info=True
    )
    metrics.cache_errors.inc()


def _identity(value: Any) -> Any:
    return value
