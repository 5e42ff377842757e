"""What every subcommand shares: output (text or ``--json``), argument lookups, errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.core.serializers.json import DjangoJSONEncoder

from orion_core.models import Platform
from orion_core.modules.definition import TIER_RANK, ModuleDefinition
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.services import ModuleService, get_platform

SOURCE = "cli"


class Cli:
    """The running command as the subcommands see it: its streams, style and options."""

    def __init__(
        self,
        *,
        stdout: OutputWrapper,
        stderr: OutputWrapper,
        style: Style,
        options: dict[str, Any],
    ) -> None:
        self.stdout, self.stderr, self.style, self.options = stdout, stderr, style, options
        self._service: ModuleService | None = None

    # --- services ----------------------------------------------------------------------------

    @property
    def service(self) -> ModuleService:
        if self._service is None:
            self._service = ModuleService()
        return self._service

    @property
    def registry(self) -> ModuleRegistry:
        return get_registry()

    def module(self, code: str) -> ModuleDefinition:
        return self.registry.get(code)  # UnknownModuleError -> one line (see commands/module.py)

    def platform(self) -> Platform:
        return get_platform(self.options["platform"])

    def user(self) -> Any:
        """The ``--user`` recorded as the actor of a change, or None."""
        username = self.options.get("user")
        if not username:
            return None
        model = get_user_model()
        try:
            return model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            raise CommandError(f"Unknown user '{username}'.") from None

    # --- output ------------------------------------------------------------------------------

    @property
    def as_json(self) -> bool:
        return bool(self.options.get("json"))

    def out(self, line: str = "", style: Any = None) -> None:
        self.stdout.write(line, style_func=style)

    def err(self, line: str) -> None:
        self.stderr.write(line)

    def json(self, data: Any) -> None:
        self.stdout.write(dumps(data))


def dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def sorted_modules(registry: ModuleRegistry) -> list[ModuleDefinition]:
    """Core, then optional, then internal; by code within a tier (works even with a cycle)."""
    return sorted(registry, key=lambda d: (TIER_RANK[d.tier], d.code))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """Plain left-aligned columns, the last one unpadded."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return [line([str(h).upper() for h in headers]), *(line(r) for r in rows)]


def joined(values: Iterable[str], empty: str = "-") -> str:
    values = list(values)
    return ", ".join(values) if values else empty
