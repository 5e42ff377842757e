"""What a module change will do, computed before anything is written (the dry-run plan)."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


class Action(enum.StrEnum):
    ENABLE = "enable"
    DISABLE = "disable"


@dataclass(frozen=True)
class PlanStep:
    """One module whose state the change touches, and why."""

    code: str
    action: Action
    cause: str
    cause_module: str = ""
    was_enabled: bool = False
    tasks: tuple[str, ...] = ()
    missing_config: tuple[str, ...] = ()

    def describe(self) -> str:
        verb = "enable" if self.action is Action.ENABLE else "disable"
        if self.action is Action.ENABLE and self.was_enabled:
            verb = "keep enabled"
        text = f"{verb} {self.code} ({self.cause})"
        if self.tasks:
            what = "starts" if self.action is Action.ENABLE else "stops"
            text += f"; {what} tasks: {', '.join(self.tasks)}"
        if self.missing_config:
            text += f"; required config missing: {', '.join(self.missing_config)}"
        return text


@dataclass(frozen=True)
class ModulePlan:
    """The whole cascade of one enable or disable on one platform.

    ``suggestions`` (disable only) are requirements that nobody needs once the change is made;
    they are switched off too when the change is asked for with ``prune=True``.
    """

    platform: str
    action: Action
    module: str
    steps: tuple[PlanStep, ...] = ()
    suggestions: tuple[str, ...] = ()
    dry_run: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def has_changes(self) -> bool:
        return bool(self.steps)

    @property
    def codes(self) -> list[str]:
        return [step.code for step in self.steps]

    @property
    def missing_config(self) -> dict[str, tuple[str, ...]]:
        return {s.code: s.missing_config for s in self.steps if s.missing_config}

    def describe(self) -> list[str]:
        head = "Plan" if self.dry_run else "Done"
        lines = [f"{head}: {self.action} {self.module} on {self.platform}"]
        lines += [f"  - {step.describe()}" for step in self.steps] or ["  (nothing to change)"]
        lines += [f"  note: {note}" for note in self.notes]
        if self.suggestions:
            lines.append(
                "  no longer needed by anything: "
                + ", ".join(self.suggestions)
                + " (disable them too with --prune)"
            )
        return lines

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["has_changes"] = self.has_changes
        return data
