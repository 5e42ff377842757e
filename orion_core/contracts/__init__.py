"""Contracts: capabilities one module offers the others without either importing the other.

A contract is written once, here in ``orion_core``: a ``Protocol`` (with its dataclasses) saying
what is asked, and a documented **fallback** that answers when no enabled module provides it
(ARCHITECTURE.md §4a). A module provides a contract by offering an object named
``<contract name>_provider`` in its ``providers.py``, as it offers ``metrics_provider``. A caller
asks for "the provider of contract X among these enabled modules" and never learns which module
answered::

    guard = provider_for(TENANT_GUARD, request.modules)
    with guard.admit(request, access):
        ...

The first enabled module in dependency order that offers a provider answers; with none, the
contract's fallback does. Providers are resolved lazily, once per process (the registry caches
them). One file per capability; no manager class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from orion_core.modules.registry import ModuleRegistry, get_registry

T = TypeVar("T")

# Every contract declared, by name: system checks and docs list them from here.
CONTRACTS: dict[str, Contract] = {}


@dataclass(frozen=True, eq=False)
class Contract(Generic[T]):
    """A capability: its ``name`` (modules offer ``<name>_provider``), the ``protocol`` a
    provider implements, and the ``fallback`` object used when no enabled module provides it."""

    name: str
    protocol: type[T]
    fallback: T
    description: str = ""

    def __post_init__(self) -> None:
        if self.name in CONTRACTS:
            raise ValueError(f"Contract {self.name!r} is declared twice.")
        CONTRACTS[self.name] = self

    @property
    def provider_kind(self) -> str:
        return self.name


def provider_for(
    contract: Contract[T], enabled: Iterable[str], *, registry: ModuleRegistry | None = None
) -> T:
    """The provider of ``contract`` among the ``enabled`` module codes, else its fallback."""
    registry = registry if registry is not None else get_registry()
    enabled = frozenset(enabled)
    for code in registry.dependency_order():
        if code in enabled:
            provider = registry.provider(code, contract.provider_kind)
            if provider is not None:
                return provider
    return contract.fallback


def providing_module(
    contract: Contract, enabled: Iterable[str], *, registry: ModuleRegistry | None = None
) -> str | None:
    """The code of the module that answers ``contract`` among ``enabled`` (None: the fallback).
    For pages that explain a platform's set-up; callers of the contract never need it."""
    registry = registry if registry is not None else get_registry()
    enabled = frozenset(enabled)
    return next(
        (
            code
            for code in registry.dependency_order()
            if code in enabled and registry.provider(code, contract.provider_kind) is not None
        ),
        None,
    )
