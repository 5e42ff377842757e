"""``ModuleService``: the only writer of module state (ARCHITECTURE.md §5).

Every change is one transaction holding a lock on the platform row: the cascade, the audit
entries and the modules' own hooks commit together or not at all. Cache invalidation, metrics
and events happen only after commit. A dry run computes the same plan and writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orion_core import metrics, shared_cache, state
from orion_core.events import ModuleEvent, module_event_bus
from orion_core.exceptions import ModuleConfigError, ModuleStateError, UnknownPlatformError
from orion_core.models import ModuleAuditEntry, Platform, PlatformModule
from orion_core.modules.definition import Tier
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.services import config as module_config
from orion_core.services.plans import Action, ModulePlan, PlanStep

EXPLICIT = "explicit"
# Every audit entry is written by ``ModuleService._audit``, which bumps this scope on commit.
AUDIT_SCOPE = "module-audit"
_ENTRY_FIELDS = tuple(f.attname for f in ModuleAuditEntry._meta.concrete_fields)


class ModuleService:
    """Enable, disable, configure and inspect modules per platform.

    Works the same in requests, Celery tasks and management commands. ``registry`` defaults to
    the installed modules; tests pass their own.
    """

    def __init__(self, registry: ModuleRegistry | None = None) -> None:
        self.registry = registry if registry is not None else get_registry()

    # --- reading -----------------------------------------------------------------------------

    def is_enabled(self, platform: Platform | int, code: str) -> bool:
        return code in self.enabled_codes(platform)

    def enabled_codes(self, platform: Platform | int) -> frozenset[str]:
        return state.state_for_platform(platform).enabled

    def records(self, platform: Platform) -> dict[str, PlatformModule]:
        return {pm.module_code: pm for pm in PlatformModule.objects.filter(platform=platform)}

    def history(self, platform: Platform, code: str | None = None) -> QuerySet[ModuleAuditEntry]:
        entries = ModuleAuditEntry.objects.filter(platform=platform).select_related("actor")
        return entries.filter(module_code=code) if code else entries

    def latest_history(self, platform: Platform, limit: int) -> list[ModuleAuditEntry]:
        """The platform's ``limit`` latest entries, with their actors, read from the shared cache
        (no SQL when warm): the staff dashboard shows them on every visit. An actor's later
        rename shows from the platform's next module change."""
        frozen = shared_cache.get_or_load(
            f"orion:modules:audit:{platform.pk}:{limit}",
            lambda: [_freeze_entry(e) for e in self.history(platform)[:limit]],
            scope=AUDIT_SCOPE,
        )
        return [_thaw_entry(values, actor) for values, actor in frozen]

    def get_config(
        self, platform: Platform, code: str, *, reveal_secrets: bool = False
    ) -> dict[str, Any]:
        """The module's effective config on ``platform``: defaults with stored values over them."""
        definition = self.registry.get(code)
        stored = (
            PlatformModule.objects.filter(platform=platform, module_code=code)
            .values_list("config", flat=True)
            .first()
        )
        config = {**module_config.default_config(definition), **(stored or {})}
        return config if reveal_secrets else module_config.public_config(definition, config)

    # --- planning ----------------------------------------------------------------------------

    def plan_enable(self, platform: Platform, code: str) -> ModulePlan:
        return self._plan_enable(platform, code, self.records(platform))

    def plan_disable(self, platform: Platform, code: str, *, prune: bool = False) -> ModulePlan:
        return self._plan_disable(platform, code, self.records(platform), prune=prune)

    def _plan_enable(
        self,
        platform: Platform,
        code: str,
        records: Mapping[str, PlatformModule],
        *,
        config: Mapping[str, Any] | None = None,
    ) -> ModulePlan:
        target = self.registry.get(code)
        enabled = self._enabled(records)
        needed = self.registry.requirements(code) | {code}
        steps = []
        for name in self.registry.dependency_order(needed):
            definition = self.registry.get(name)
            record = records.get(name)
            if name == code:
                if record and record.is_enabled and (record.enabled_explicitly or target.is_core):
                    continue
                cause, cause_module = EXPLICIT, ""
            else:
                if name in enabled:
                    continue
                cause_module = self._direct_requirer(name, needed)
                cause = f"required by {cause_module}"
            stored = {
                **(record.config if record else {}),
                **(config if name == code and config else {}),
            }
            steps.append(
                PlanStep(
                    code=name,
                    action=Action.ENABLE,
                    cause=cause,
                    cause_module=cause_module,
                    was_enabled=name in enabled,
                    tasks=tuple(t.name for t in definition.scheduled_tasks)
                    if name not in enabled
                    else (),
                    missing_config=tuple(module_config.missing_required(definition, stored)),
                )
            )
        return ModulePlan(
            platform=platform.code, action=Action.ENABLE, module=code, steps=tuple(steps)
        )

    def _plan_disable(
        self, platform: Platform, code: str, records: Mapping[str, PlatformModule], *, prune: bool
    ) -> ModulePlan:
        target = self.registry.get(code)
        if target.is_core:
            raise ModuleStateError(
                _("'%(code)s' is a core module and cannot be disabled.") % {"code": code}
            )
        enabled = self._enabled(records)
        if code not in enabled:
            return ModulePlan(
                platform=platform.code,
                action=Action.DISABLE,
                module=code,
                notes=(_("%(code)s is already disabled.") % {"code": code},),
            )
        leaving = {code} | (self.registry.dependents(code) & enabled)
        order = list(reversed(self.registry.dependency_order(leaving)))
        steps = [self._disable_step(name, code, leaving) for name in order]
        orphans = self._orphans(enabled - leaving, records)
        if prune:
            for name in reversed(self.registry.dependency_order(orphans)):
                steps.append(
                    PlanStep(
                        code=name,
                        action=Action.DISABLE,
                        cause="no longer needed",
                        cause_module=code,
                        tasks=tuple(t.name for t in self.registry.get(name).scheduled_tasks),
                    )
                )
        return ModulePlan(
            platform=platform.code,
            action=Action.DISABLE,
            module=code,
            steps=tuple(steps),
            suggestions=() if prune else tuple(sorted(orphans)),
        )

    def _disable_step(self, name: str, target: str, leaving: set[str]) -> PlanStep:
        if name == target:
            cause, cause_module = EXPLICIT, ""
        else:
            cause_module = next(
                r
                for r in self.registry.dependency_order(self.registry.get(name).requires)
                if r in leaving
            )
            cause = f"dependent of {cause_module}"
        return PlanStep(
            code=name,
            action=Action.DISABLE,
            cause=cause,
            cause_module=cause_module,
            tasks=tuple(t.name for t in self.registry.get(name).scheduled_tasks),
        )

    def _orphans(self, remaining: set[str], records: Mapping[str, PlatformModule]) -> set[str]:
        """Modules on only as a requirement that no remaining module requires any more."""
        remaining = set(remaining)
        orphans: set[str] = set()
        while True:
            needed = (
                set().union(*(self.registry.requirements(c) for c in remaining))
                if remaining
                else set()
            )
            found = {
                c
                for c in remaining
                if c not in needed
                and not self.registry.is_core(c)
                and c in records
                and not records[c].enabled_explicitly
            }
            if not found:
                return orphans
            orphans |= found
            remaining -= found

    def _direct_requirer(self, name: str, needed: set[str]) -> str:
        # Latest in dependency order first, so the module asked for is named when it is a cause.
        return next(
            c
            for c in reversed(self.registry.dependency_order(needed))
            if name in self.registry.get(c).requires
        )

    def _enabled(self, records: Mapping[str, PlatformModule]) -> set[str]:
        core = {d.code for d in self.registry if d.is_core}
        return {c for c, r in records.items() if r.is_enabled and c in self.registry} | core

    # --- changing ----------------------------------------------------------------------------

    def enable(
        self,
        platform: Platform,
        code: str,
        *,
        user: Any = None,
        dry_run: bool = False,
        config: Mapping[str, Any] | None = None,
        source: str = "",
    ) -> ModulePlan:
        """Enable ``code`` and everything it requires. ``config`` is validated and stored first.

        Refused when a module of the cascade lacks required config.
        """
        definition = self.registry.get(code)
        if dry_run:
            records = self.records(platform)
            if config:  # refused now, as the real run would refuse it
                stored = records[code].config if code in records else None
                module_config.validate_config(definition, config, current=stored)
            return self._plan_enable(platform, code, records, config=config)
        with transaction.atomic():
            locked, records = self._lock(platform)
            plan = self._plan_enable(locked, code, records, config=config)
            if plan.missing_config:
                missing = "; ".join(f"{c}: {', '.join(f)}" for c, f in plan.missing_config.items())
                raise ModuleConfigError(
                    code,
                    {f: [_("This setting is required.")] for f in plan.missing_config.get(code, ())}
                    or {
                        "__all__": [_("Required config missing: %(fields)s") % {"fields": missing}]
                    },
                )
            if config:
                self._write_config(locked, code, records, config, user=user, source=source)
            for step in plan.steps:
                self._apply(locked, step, records, user=user, source=source)
            self._after_commit(locked, plan, user)
        return _done(plan)

    def disable(
        self,
        platform: Platform,
        code: str,
        *,
        user: Any = None,
        dry_run: bool = False,
        prune: bool = False,
        source: str = "",
    ) -> ModulePlan:
        """Disable ``code`` and every module that requires it (and, with ``prune``, orphans).

        Soft: data and config stay; enabling again brings the module back as it was.
        """
        self.registry.get(code)
        if dry_run:
            return self.plan_disable(platform, code, prune=prune)
        with transaction.atomic():
            locked, records = self._lock(platform)
            plan = self._plan_disable(locked, code, records, prune=prune)
            for step in plan.steps:
                self._apply(locked, step, records, user=user, source=source)
            self._after_commit(locked, plan, user)
        return _done(plan)

    def set_config(
        self,
        platform: Platform,
        code: str,
        values: Mapping[str, Any],
        *,
        user: Any = None,
        source: str = "",
    ) -> dict[str, Any]:
        """Validate ``values`` merged over the current config and store the result.

        Raises ModuleConfigError (per-field errors) and stores nothing when invalid. Returns the
        new public config (secrets masked).
        """
        definition = self.registry.get(code)
        with transaction.atomic():
            locked, records = self._lock(platform)
            _old, new = self._write_config(locked, code, records, values, user=user, source=source)
        return module_config.public_config(
            definition, {**module_config.default_config(definition), **new}
        )

    def purge(self, platform: Platform, code: str, *, user: Any = None, source: str = "") -> None:
        """Destroy a disabled module's data and config on ``platform``. Never part of a cascade."""
        definition = self.registry.get(code)
        if definition.is_core:
            raise ModuleStateError(
                _("'%(code)s' is a core module; its data cannot be purged.") % {"code": code}
            )
        with transaction.atomic():
            locked, records = self._lock(platform)
            record = records.get(code)
            if record and record.is_enabled:
                raise ModuleStateError(
                    _("Disable '%(code)s' on %(platform)s before purging its data.")
                    % {"code": code, "platform": locked.code}
                )
            definition.on_purge(locked, user)
            if record:
                old = module_config.public_config(definition, record.config)
                record.config = {}
                record.save(update_fields=["config", "updated_at"])
            else:
                old = None
            self._audit(
                locked, code, ModuleAuditEntry.Action.PURGED, EXPLICIT, "", user, source, old, None
            )
            transaction.on_commit(state.invalidate)

    def ensure_core(self, platform: Platform) -> list[str]:
        """Make sure every core module has an enabled row on ``platform``; return those added."""
        added = []
        with transaction.atomic():
            locked, records = self._lock(platform)
            # Requirements first, so a core module's on_enable sees the core modules it requires.
            for code in self.registry.dependency_order(self.registry.codes_by_tier(Tier.CORE)):
                record = records.get(code)
                if record and record.is_enabled:
                    continue
                step = PlanStep(code=code, action=Action.ENABLE, cause="core")
                self._apply(locked, step, records, user=None, source="system")
                added.append(code)
            if added:
                transaction.on_commit(state.invalidate)
        return added

    # --- internals ---------------------------------------------------------------------------

    def _lock(self, platform: Platform) -> tuple[Platform, dict[str, PlatformModule]]:
        """Lock the platform row (serialising changes to it) and read its module records."""
        try:
            locked = Platform.objects.select_for_update().get(pk=platform.pk)
        except Platform.DoesNotExist:
            raise UnknownPlatformError(getattr(platform, "code", str(platform.pk))) from None
        return locked, self.records(locked)

    def _apply(
        self,
        platform: Platform,
        step: PlanStep,
        records: dict[str, PlatformModule],
        *,
        user: Any,
        source: str,
    ) -> None:
        definition = self.registry.get(step.code)
        record = records.get(step.code) or PlatformModule(platform=platform, module_code=step.code)
        now = timezone.now()
        user_id = getattr(user, "pk", None)
        if step.action is Action.ENABLE:
            if step.cause == EXPLICIT:
                record.enabled_explicitly = True
            # A core module counts as enabled even without a row; it still gets an enabled one.
            if not step.was_enabled or not record.is_enabled:
                record.is_enabled = True
                record.enabled_at, record.enabled_by_id = now, user_id
                record.required_by = step.cause_module
                if step.cause != EXPLICIT:
                    record.enabled_explicitly = False
            action = ModuleAuditEntry.Action.ENABLED
        else:
            record.is_enabled = False
            record.enabled_explicitly = False
            record.required_by = ""
            record.disabled_at, record.disabled_by_id = now, user_id
            action = ModuleAuditEntry.Action.DISABLED
        record.save()
        records[step.code] = record
        self._audit(
            platform, step.code, action, step.cause, step.cause_module, user, source, None, None
        )
        if step.was_enabled:
            return
        hook = definition.on_enable if step.action is Action.ENABLE else definition.on_disable
        try:
            hook(platform, user)
        except Exception as exc:
            raise ModuleStateError(
                _("%(code)s: on_%(action)s hook failed on %(platform)s: %(error)s")
                % {
                    "code": step.code,
                    "action": step.action,
                    "platform": platform.code,
                    "error": exc,
                }
            ) from exc

    def _write_config(
        self,
        platform: Platform,
        code: str,
        records: dict[str, PlatformModule],
        values: Mapping[str, Any],
        *,
        user: Any,
        source: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Validate and store ``values``; audit and (after commit) announce a change.

        Returns the old and new config, public (secrets masked). A change of a secret alone is
        still a change: it is audited and CONFIG_CHANGED is sent, with masked values. The audit
        shows effective values (defaults merged), so a first change reads "30 → 45", not "— → 45".
        """
        definition = self.registry.get(code)
        record = records.get(code) or PlatformModule(platform=platform, module_code=code)
        old = dict(record.config)
        new = module_config.validate_config(definition, values, current=old)
        defaults = module_config.default_config(definition)
        public_old = module_config.public_config(definition, {**defaults, **old})
        public_new = module_config.public_config(definition, {**defaults, **new})
        if new != old:
            record.config = new
            record.save()
            records[code] = record
            self._audit(
                platform,
                code,
                ModuleAuditEntry.Action.CONFIG_CHANGED,
                EXPLICIT,
                "",
                user,
                source,
                public_old,
                public_new,
            )
            shared_cache.bump_on_commit(state.CONFIG_SCOPE)
            transaction.on_commit(
                lambda: module_event_bus.publish(
                    ModuleEvent.CONFIG_CHANGED,
                    module_code=code,
                    platform=platform,
                    user=user,
                    old_config=public_old,
                    new_config=public_new,
                )
            )
        return public_old, public_new

    @staticmethod
    def _audit(
        platform: Platform,
        code: str,
        action: str,
        cause: str,
        cause_module: str,
        user: Any,
        source: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        ModuleAuditEntry.objects.create(
            platform=platform,
            module_code=code,
            action=action,
            cause=cause,
            cause_module=cause_module,
            actor_id=getattr(user, "pk", None),
            source=source,
            old_config=old,
            new_config=new,
        )
        shared_cache.bump_on_commit(AUDIT_SCOPE)

    def _after_commit(self, platform: Platform, plan: ModulePlan, user: Any) -> None:
        changed = [s for s in plan.steps if not s.was_enabled]
        if not changed:
            return

        def publish() -> None:
            state.invalidate()
            for step in changed:
                metrics.module_toggles.labels(module=step.code, action=str(step.action)).inc()
                event = (
                    ModuleEvent.ENABLED if step.action is Action.ENABLE else ModuleEvent.DISABLED
                )
                module_event_bus.publish(
                    event, module_code=step.code, platform=platform, user=user, cause=step.cause
                )

        transaction.on_commit(publish)


def _done(plan: ModulePlan) -> ModulePlan:
    return dataclasses.replace(plan, dry_run=False)


def platforms(codes: Iterable[str] | None = None) -> QuerySet[Platform]:
    """Platforms by code, for callers that take codes (CLI, API); unknown codes raise."""
    queryset = Platform.objects.all()
    if codes is None:
        return queryset
    codes = list(codes)
    found = queryset.filter(code__in=codes)
    missing = sorted(set(codes) - set(found.values_list("code", flat=True)))
    if missing:
        raise UnknownPlatformError(missing[0])
    return found


def get_platform(code: str) -> Platform:
    try:
        return Platform.objects.get(code=code)
    except Platform.DoesNotExist:
        raise UnknownPlatformError(code) from None


def _freeze_entry(entry: ModuleAuditEntry) -> tuple[tuple[Any, ...], tuple[Any, str] | None]:
    values = tuple(getattr(entry, name) for name in _ENTRY_FIELDS)
    return values, (entry.actor.pk, entry.actor.get_username()) if entry.actor else None


def _thaw_entry(values: tuple[Any, ...], actor: tuple[Any, str] | None) -> ModuleAuditEntry:
    entry = ModuleAuditEntry.from_db(DEFAULT_DB_ALIAS, _ENTRY_FIELDS, values)
    if actor is not None:
        user_model = get_user_model()
        fields = [user_model._meta.pk.attname, user_model.USERNAME_FIELD]
        entry.actor = user_model.from_db(DEFAULT_DB_ALIAS, fields, actor)
    return entry
