"""Reading subcommands: ``list``, ``show``, ``why`` and ``graph``."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers
from rest_framework.fields import empty

from orion_core.management.module_cli.base import Cli, joined, sorted_modules, table
from orion_core.models import ModuleAuditEntry, Platform, PlatformModule
from orion_core.modules.definition import FrontendType, ModuleDefinition
from orion_core.modules.graph import graph_data, render_graph
from orion_core.services import config as module_config

# --- list -----------------------------------------------------------------------------------------


def module_states(cli: Cli, platform: Platform) -> dict[str, tuple[bool, str]]:
    """``code -> (enabled, cause)`` from the platform's records; core modules are always on."""
    records = cli.service.records(platform)
    states = {}
    for definition in cli.registry:
        record = records.get(definition.code)
        if record is not None and record.is_enabled:
            states[definition.code] = (True, record.cause)
        else:
            states[definition.code] = (definition.is_core, "core" if definition.is_core else "")
    return states


def handle_list(cli: Cli) -> None:
    modules = sorted_modules(cli.registry)
    platform = cli.platform() if cli.options.get("platform") else None
    states = module_states(cli, platform) if platform else {}
    if cli.as_json:
        rows = []
        for d in modules:
            row: dict[str, Any] = {
                "code": d.code,
                "name": d.name,
                "tier": d.tier,
                "version": d.version,
                "requires": list(d.requires),
            }
            if platform:
                row["enabled"], row["cause"] = states[d.code]
            rows.append(row)
        cli.json({"platform": platform.code if platform else None, "modules": rows})
        return
    headers = ["code", "tier", "version", "requires"]
    if platform:
        headers += ["state", "cause"]
    rows = []
    for d in modules:
        row = [d.code, d.tier, d.version, joined(d.requires)]
        if platform:
            enabled, cause = states[d.code]
            row += ["on" if enabled else "off", cause or "-"]
        rows.append(row)
    if platform:
        on = sum(1 for enabled, _ in states.values() if enabled)
        cli.out(f"Modules on {platform.code} ({platform.name}): {on} of {len(modules)} enabled")
    for line in table(headers, rows):
        cli.out(line)


# --- show -----------------------------------------------------------------------------------------


def field_type(field: serializers.Field) -> str:
    name = type(field).__name__
    return name.removesuffix("Field").lower() or name


def config_fields(definition: ModuleDefinition) -> list[dict[str, Any]]:
    defaults = module_config.default_config(definition)
    required = module_config.required_fields(definition)
    rows = []
    for name, field in module_config.schema_fields(definition).items():
        row: dict[str, Any] = {
            "name": name,
            "type": field_type(field),
            "default": defaults.get(name),
            "has_default": name in defaults or field.default is not empty,
            "required": name in required,
            "secret": bool(field.write_only),
            "help_text": str(field.help_text or ""),
        }
        choices = getattr(field, "choices", None)
        if choices:
            row["choices"] = [str(key) for key in choices]
        rows.append(row)
    return rows


def describe_module(cli: Cli, definition: ModuleDefinition) -> dict[str, Any]:
    registry = cli.registry
    return {
        "code": definition.code,
        "name": definition.name,
        "description": definition.description,
        "tier": definition.tier,
        "version": definition.version,
        "app_label": definition.app_label,
        "requires": list(definition.requires),
        "requires_transitive": sorted(registry.requirements(definition.code)),
        "unknown_requires": [r for r in definition.requires if r not in registry],
        "dependents": sorted(registry.dependents(definition.code, transitive=False)),
        "dependents_transitive": sorted(registry.dependents(definition.code)),
        "features": list(definition.features),
        "permissions": [
            {"code": p.code, "label": str(p.label), "description": str(p.description)}
            for p in definition.permissions
        ],
        "config": config_fields(definition),
        "scheduled_tasks": [
            {
                "name": t.name,
                "task": t.task,
                "schedule": t.schedule,
                "per_platform": t.per_platform,
                "kwargs": dict(t.kwargs),
                "description": t.description,
            }
            for t in definition.scheduled_tasks
        ],
        "menus": {
            str(frontend): [
                {
                    "id": section.id,
                    "label": str(section.label),
                    "items": [
                        {
                            "id": item.id,
                            "label": str(item.label),
                            "url_name": f"{definition.code}:{item.url_name}",
                            "permission": item.permission,
                            "mandatory": item.mandatory,
                        }
                        for item in section.items
                    ],
                }
                for section in definition.menus.get(frontend, ())
            ]
            for frontend in FrontendType
            if definition.menus.get(frontend)
        },
        "urls": definition.urls,
        "providers_module": definition.providers_module,
        "providers": dict(definition.providers),
    }


def handle_show(cli: Cli) -> None:
    info = describe_module(cli, cli.module(cli.options["code"]))
    if cli.as_json:
        cli.json(info)
        return
    out = cli.out
    out(f"{info['code']}: {info['name']}", cli.style.MIGRATE_HEADING)
    if info["description"]:
        out(f"  {info['description']}")
    out(f"  tier:        {info['tier']}")
    out(f"  version:     {info['version']}")
    requires = joined(info["requires"])
    if info["unknown_requires"]:
        requires += f"  (unknown: {', '.join(info['unknown_requires'])})"
    out(f"  requires:    {requires}")
    out(f"  (all):       {joined(info['requires_transitive'])}")
    out(f"  dependents:  {joined(info['dependents'])}")
    out(f"  (all):       {joined(info['dependents_transitive'])}")
    out(f"  features:    {joined(info['features'])}")
    out(f"  urls:        {info['urls'] or '-'}")
    out(f"  providers:   {info['providers_module'] or '-'}")
    for kind, path in info["providers"].items():
        out(f"    {kind}: {path}")
    out("Permissions:" if info["permissions"] else "Permissions: none")
    for perm in info["permissions"]:
        out(f"  {perm['code']}  {perm['label']}")
    if info["config"]:
        out("Config:")
        rows = [
            [
                f["name"],
                f["type"],
                _value(f["default"]) if f["has_default"] else "-",
                "yes" if f["required"] else "no",
                "yes" if f["secret"] else "no",
            ]
            for f in info["config"]
        ]
        for line in table(["name", "type", "default", "required", "secret"], rows):
            out(f"  {line}")
    else:
        out("Config: none")
    out("Scheduled tasks:" if info["scheduled_tasks"] else "Scheduled tasks: none")
    for task in info["scheduled_tasks"]:
        scope = ", per platform" if task["per_platform"] else ""
        out(f"  {task['name']}: {task['task']} every {_schedule(task['schedule'])}{scope}")
    out("Menus:" if info["menus"] else "Menus: none")
    for frontend, sections in info["menus"].items():
        for section in sections:
            out(f"  {frontend} / {section['label']}")
            for item in section["items"]:
                extra = f" [{item['permission']}]" if item["permission"] else ""
                out(f"    {item['label']} -> {item['url_name']}{extra}")


def _value(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _schedule(schedule: int | str) -> str:
    return f"{schedule}s" if isinstance(schedule, int) else f'"{schedule}" (cron)'


# --- why ------------------------------------------------------------------------------------------


def _audit_row(entry: ModuleAuditEntry) -> dict[str, Any]:
    return {
        "when": entry.created_at,
        "action": entry.action,
        "cause": entry.cause,
        "actor": entry.actor.get_username() if entry.actor else None,
        "source": entry.source,
        "old_config": entry.old_config,
        "new_config": entry.new_config,
    }


def explain(cli: Cli, platform: Platform, definition: ModuleDefinition) -> dict[str, Any]:
    code = definition.code
    record: PlatformModule | None = cli.service.records(platform).get(code)
    states = module_states(cli, platform)
    enabled, cause = states[code]
    enabled_codes = {c for c, (on, _) in states.items() if on}
    history = [_audit_row(e) for e in cli.service.history(platform, code)]
    last_enabled = next(
        (h for h in history if h["action"] == ModuleAuditEntry.Action.ENABLED), None
    )
    last_disabled = next(
        (h for h in history if h["action"] == ModuleAuditEntry.Action.DISABLED), None
    )
    return {
        "module": code,
        "platform": platform.code,
        "tier": definition.tier,
        "enabled": enabled,
        "cause": cause,
        "enabled_at": last_enabled["when"] if last_enabled else getattr(record, "enabled_at", None),
        "enabled_by": last_enabled["actor"] if last_enabled else None,
        "enabled_via": last_enabled["source"] if last_enabled else None,
        "disabled_at": last_disabled["when"]
        if last_disabled
        else getattr(record, "disabled_at", None),
        "disabled_by": last_disabled["actor"] if last_disabled else None,
        "needed_by": sorted(cli.registry.dependents(code) & enabled_codes),
        "requires": sorted(cli.registry.requirements(code)),
        "history": history,
    }


def handle_why(cli: Cli) -> None:
    definition = cli.module(cli.options["code"])
    info = explain(cli, cli.platform(), definition)
    if cli.as_json:
        cli.json(info)
        return
    out = cli.out
    head = f"{info['module']} on {info['platform']}: "
    if info["enabled"]:
        out(head + f"enabled ({info['cause']})", cli.style.SUCCESS)
        if info["enabled_at"]:
            who = _who(info["enabled_by"])
            via = f" via {info['enabled_via']}" if info["enabled_via"] else ""
            out(f"  enabled {_when(info['enabled_at'])} by {who}{via}")
    elif info["history"]:
        out(head + "disabled", cli.style.WARNING)
        if info["disabled_at"]:
            out(f"  disabled {_when(info['disabled_at'])} by {_who(info['disabled_by'])}")
    else:
        out(head + "disabled (never enabled)", cli.style.WARNING)
    if info["enabled"]:
        needed = joined(info["needed_by"], empty="nothing")
        out(f"  needed by enabled modules: {needed}")
        if not info["needed_by"] and info["cause"].startswith("required by"):
            out(f"  nothing needs it any more: `module disable {info['module']}` would free it")
    out(f"  requires: {joined(info['requires'])}")
    if info["history"]:
        out("History (newest first):")
        for h in info["history"]:
            actor = h["actor"] or "-"
            source = f" via {h['source']}" if h["source"] else ""
            out(f"  {_when(h['when'])}  {h['action']:<14} {h['cause']}  by {actor}{source}")


def _who(username: str | None) -> str:
    return username or "(no user recorded)"


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else "-"


# --- graph ----------------------------------------------------------------------------------------


def handle_graph(cli: Cli) -> None:
    if cli.as_json:
        cli.json(graph_data(cli.registry))
        return
    cli.out(render_graph(cli.registry, cli.options["format"]))
