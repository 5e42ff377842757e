"""Signal receivers of the framework: core modules on new platforms, cache invalidation on
platform edits, module start-up and shutdown, and work after ``migrate``."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from orion_core import state
from orion_core.events import ModuleEvent, module_event_bus
from orion_core.models import Platform, PlatformDomain
from orion_core.modules.registry import get_registry

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Platform, dispatch_uid="orion_platform_core_modules")
def enable_core_modules(
    sender: type[Platform], instance: Platform, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new platform starts with every core module enabled."""
    if created and not raw:
        from orion_core.services import ModuleService

        ModuleService().ensure_core(instance)


@receiver(post_save, sender=Platform, dispatch_uid="orion_platform_saved")
@receiver(post_delete, sender=Platform, dispatch_uid="orion_platform_deleted")
@receiver(post_save, sender=PlatformDomain, dispatch_uid="orion_domain_saved")
@receiver(post_delete, sender=PlatformDomain, dispatch_uid="orion_domain_deleted")
def invalidate_state(**kwargs: Any) -> None:
    """Host resolution and platform snapshots are cached: drop them once the edit commits."""
    transaction.on_commit(state.invalidate)


def start_modules() -> None:
    """Run every module's ``on_startup`` and send STARTUP; a failing module is logged only."""
    for definition in get_registry():
        try:
            definition.on_startup()
        except Exception:
            logger.exception("on_startup of module %s failed", definition.code)
            continue
        module_event_bus.publish(ModuleEvent.STARTUP, module_code=definition.code)


def stop_modules() -> None:
    for definition in get_registry():
        module_event_bus.publish(ModuleEvent.SHUTDOWN, module_code=definition.code)


def after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """Keep the database in step with the code: core modules on every platform, schedules synced,
    and cached states dropped (a deploy may change which modules are installed or core)."""
    from orion_core.scheduling import sync_schedule
    from orion_core.services import ModuleService

    service = ModuleService()
    for platform in Platform.objects.using(using).all():
        service.ensure_core(platform)
    sync_schedule()
    state.invalidate()
