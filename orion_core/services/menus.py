"""Writing a platform's menu configuration: which menu items it hides on a frontend.

``set_hidden_items`` is the only writer of ``PlatformMenuConfig``. It refuses keys no installed
module declares on that frontend and mandatory items, and bumps the module state generation on
commit so every process rebuilds its menus on its next request (``orion_core.menus``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from orion_core import state
from orion_core.exceptions import OrionError
from orion_core.menus import declared_items
from orion_core.models import Platform, PlatformMenuConfig
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import ModuleRegistry


class MenuConfigError(OrionError, ValueError):
    """Item keys a platform's menu configuration cannot hide; ``unknown`` and ``mandatory``."""

    def __init__(self, frontend: str, unknown: Iterable[str], mandatory: Iterable[str]) -> None:
        self.frontend = frontend
        self.unknown = sorted(unknown)
        self.mandatory = sorted(mandatory)
        problems = []
        if self.unknown:
            problems.append(
                _("no module declares %(items)s on the %(frontend)s frontend")
                % {"items": ", ".join(self.unknown), "frontend": frontend}
            )
        if self.mandatory:
            problems.append(
                _("mandatory items cannot be hidden: %(items)s")
                % {"items": ", ".join(self.mandatory)}
            )
        super().__init__(
            _("Cannot hide these menu items: %(problems)s.") % {"problems": "; ".join(problems)}
        )


def validate_hidden_items(
    frontend: FrontendType | str,
    item_keys: Iterable[str],
    *,
    registry: ModuleRegistry | None = None,
) -> list[str]:
    """The keys, deduplicated and sorted; MenuConfigError if one is unknown or mandatory."""
    frontend = FrontendType(frontend)
    if isinstance(item_keys, str):
        raise TypeError("item_keys must be an iterable of 'module:item_id' strings, not a str.")
    keys = sorted(set(item_keys))
    declared = {d.key: d for d in declared_items(frontend, registry)}
    unknown = [k for k in keys if k not in declared]
    mandatory = [k for k in keys if k in declared and declared[k].item.mandatory]
    if unknown or mandatory:
        raise MenuConfigError(frontend.value, unknown, mandatory)
    return keys


def set_hidden_items(
    platform: Platform,
    frontend: FrontendType | str,
    item_keys: Iterable[str],
    user: Any = None,
    *,
    registry: ModuleRegistry | None = None,
) -> PlatformMenuConfig:
    """Hide exactly ``item_keys`` ("module:item_id") on ``platform``'s ``frontend`` menu.

    Replaces the previous list (an empty one shows everything again). Raises MenuConfigError
    (a ValueError), storing nothing, when a key is unknown or names a mandatory item.
    """
    frontend = FrontendType(frontend)
    keys = validate_hidden_items(frontend, item_keys, registry=registry)
    actor = user if getattr(user, "pk", None) is not None else None
    with transaction.atomic():
        config, _created = PlatformMenuConfig.objects.update_or_create(
            platform=platform,
            frontend=frontend.value,
            defaults={"hidden_items": keys, "updated_by": actor},
        )
        transaction.on_commit(state.invalidate)
    return config


def get_hidden_items(platform: Platform, frontend: FrontendType | str) -> list[str]:
    """The stored keys (read from the database: for forms, not for requests)."""
    config = PlatformMenuConfig.objects.filter(
        platform=platform, frontend=FrontendType(frontend).value
    ).first()
    return list(config.hidden_items) if config else []
