"""Errors the module framework raises, each with a message an operator can act on.

Messages are translated into the active language: the staff dashboard and the API show them to
people; on the command line the active language is the default (English).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _


class OrionError(Exception):
    """Base of every Orion framework error."""


class UnknownModuleError(OrionError, LookupError):
    def __init__(self, code: str, known: Iterable[str] = ()) -> None:
        self.code = code
        message = _("Unknown module '%(code)s'.") % {"code": code}
        if known:
            message += " " + _("Known modules: %(codes)s.") % {"codes": ", ".join(sorted(known))}
        super().__init__(message)


class UnknownPlatformError(OrionError, LookupError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(_("Unknown platform '%(code)s'.") % {"code": code})


class ModuleStateError(OrionError):
    """A change the module rules refuse (disabling a core module, enabling an internal one…)."""


class ModuleConfigError(OrionError, ValueError):
    """Config that does not validate against a module's ``config_schema``.

    ``errors`` maps each field name to its messages, in DRF's error shape.
    """

    def __init__(self, code: str, errors: Mapping[str, Any]) -> None:
        self.code = code
        self.errors = dict(errors)
        parts = "; ".join(
            f"{field}: {' '.join(map(str, _flatten(msgs)))}" for field, msgs in self.errors.items()
        )
        super().__init__(
            _("Invalid config for module '%(code)s': %(errors)s") % {"code": code, "errors": parts}
        )


def _flatten(messages: Any) -> list[Any]:
    if isinstance(messages, (list, tuple)):
        return [m for item in messages for m in _flatten(item)]
    if isinstance(messages, dict):
        return [f"{k}: {' '.join(map(str, _flatten(v)))}" for k, v in messages.items()]
    return [messages]
