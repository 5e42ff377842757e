"""Module lifecycle events: Django signals, with a small decorator API on top.

Enable, disable and config changes are sent only after their transaction commits, so a
receiver never sees a change that was rolled back. Receivers run isolated: one that raises is
logged and the others still run.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger(__name__)


class ModuleEvent(enum.StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    STARTUP = "startup"
    SHUTDOWN = "shutdown"
    CONFIG_CHANGED = "config_changed"


# Arguments: module_code, and for per-platform events platform, user, cause;
# CONFIG_CHANGED also old_config and new_config (secrets masked).
module_enabled = Signal()
module_disabled = Signal()
module_startup = Signal()
module_shutdown = Signal()
module_config_changed = Signal()

SIGNALS: dict[ModuleEvent, Signal] = {
    ModuleEvent.ENABLED: module_enabled,
    ModuleEvent.DISABLED: module_disabled,
    ModuleEvent.STARTUP: module_startup,
    ModuleEvent.SHUTDOWN: module_shutdown,
    ModuleEvent.CONFIG_CHANGED: module_config_changed,
}


class ModuleEventBus:
    """Subscribe functions to module events, optionally for one module only.

    >>> @module_event_bus.subscribe(ModuleEvent.ENABLED, module="billing")
    ... def create_default_plans(*, platform, **kwargs): ...
    """

    def subscribe(
        self, event: ModuleEvent, *, module: str | None = None
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        signal = SIGNALS[ModuleEvent(event)]

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            def receiver(sender: Any, *, module_code: str, **kwargs: Any) -> Any:
                if module is None or module == module_code:
                    return func(module_code=module_code, **kwargs)
                return None

            receiver.__wrapped__ = func  # type: ignore[attr-defined]
            signal.connect(receiver, weak=False, dispatch_uid=(event, module, _qualname(func)))
            return func

        return decorator

    def unsubscribe(
        self, event: ModuleEvent, func: Callable[..., Any], *, module: str | None = None
    ) -> None:
        SIGNALS[ModuleEvent(event)].disconnect(dispatch_uid=(event, module, _qualname(func)))

    def publish(self, event: ModuleEvent, *, module_code: str, **kwargs: Any) -> None:
        """Send ``event`` to every receiver; a failing receiver is logged, never raised."""
        signal = SIGNALS[ModuleEvent(event)]
        for receiver, result in signal.send_robust(
            sender=ModuleEventBus, module_code=module_code, **kwargs
        ):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %r of module event %s(%s) failed",
                    receiver,
                    event,
                    module_code,
                    exc_info=(type(result), result, result.__traceback__),
                )


def _qualname(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


module_event_bus = ModuleEventBus()
