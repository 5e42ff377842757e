"""Writing subcommands: ``enable``, ``disable``, ``config get|set`` and ``purge``.

Each goes through ``ModuleService`` (one transaction per platform, audited with source "cli").
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError

from orion_core.exceptions import ModuleConfigError, ModuleStateError, OrionError
from orion_core.management.module_cli.base import SOURCE, Cli
from orion_core.models import Platform
from orion_core.services import ModulePlan, platforms
from orion_core.services.config import SECRET_MASK

# --- enable / disable -----------------------------------------------------------------------------


def handle_change(cli: Cli) -> None:
    """``enable`` or ``disable`` one module on one platform or on every platform."""
    action = cli.options["subcommand"]
    definition = cli.module(cli.options["code"])
    if action == "disable" and definition.is_core:
        raise ModuleStateError(f"'{definition.code}' is a core module and cannot be disabled.")
    user = cli.user()
    if not cli.options["all_platforms"]:
        plan = _change(cli, action, cli.platform(), user)
        if cli.as_json:
            cli.json(plan.as_dict())
        else:
            _print_plan(cli, plan.describe())
        return

    targets = list(platforms())
    if not targets:
        raise CommandError("There are no platforms.")
    results: list[dict[str, Any]] = []
    for index, platform in enumerate(targets, start=1):
        prefix = f"[{index}/{len(targets)}] {platform.code}: "
        try:
            plan = _change(cli, action, platform, user)
        except Exception as exc:  # keep going: one platform's failure must not stop the others
            message = str(exc) if isinstance(exc, OrionError) else f"{type(exc).__name__}: {exc}"
            results.append({"platform": platform.code, "ok": False, "error": message})
            if not cli.as_json:
                cli.err(cli.style.ERROR(f"{prefix}FAILED: {message}"))
            continue
        results.append({"platform": platform.code, "ok": True, "plan": plan.as_dict()})
        if not cli.as_json:
            lines = plan.describe()
            _print_plan(cli, [prefix + lines[0], *lines[1:]])
    failed = [r["platform"] for r in results if not r["ok"]]
    if cli.as_json:
        cli.json(
            {"action": action, "module": definition.code, "results": results, "failed": failed}
        )
    elif not failed:
        verb = "Planned" if cli.options["dry_run"] else "Done"
        cli.out(
            cli.style.SUCCESS(f"{verb}: {action} {definition.code} on {len(targets)} platform(s).")
        )
    if failed:
        raise CommandError(
            f"{action} {definition.code} failed on {len(failed)} of {len(targets)} platforms: "
            f"{', '.join(failed)}."
        )


def _change(cli: Cli, action: str, platform: Platform, user: Any) -> ModulePlan:
    code, dry_run = cli.options["code"], cli.options["dry_run"]
    if action == "enable":
        return cli.service.enable(platform, code, user=user, dry_run=dry_run, source=SOURCE)
    return cli.service.disable(
        platform, code, user=user, dry_run=dry_run, prune=cli.options["prune"], source=SOURCE
    )


def _print_plan(cli: Cli, lines: list[str]) -> None:
    for line in lines:
        cli.out(line)


# --- config ---------------------------------------------------------------------------------------


def handle_config_get(cli: Cli) -> None:
    definition = cli.module(cli.options["code"])
    platform = cli.platform()
    config = cli.service.get_config(platform, definition.code)
    if cli.as_json:
        cli.json({"module": definition.code, "platform": platform.code, "config": config})
        return
    _print_config(cli, definition.code, platform.code, config)


def _print_config(cli: Cli, code: str, platform_code: str, config: dict[str, Any]) -> None:
    if not config:
        cli.out(f"{code} on {platform_code} has no config.")
        return
    width = max(len(key) for key in config)
    for key, value in config.items():
        shown = value if value == SECRET_MASK else json.dumps(value)
        cli.out(f"{key.ljust(width)} = {shown}")


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a VALUE that is valid JSON (42, true, null, "x", [1]) is decoded."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"Expected KEY=VALUE, got '{pair}'.")
        try:
            values[key] = json.loads(raw)
        except ValueError:
            values[key] = raw
    return values


def handle_config_set(cli: Cli) -> None:
    definition = cli.module(cli.options["code"])
    platform = cli.platform()
    values: dict[str, Any] = {}
    raw_json = cli.options.get("json")
    if isinstance(raw_json, str) and raw_json:
        try:
            values = json.loads(raw_json)
        except ValueError as exc:
            raise CommandError(f"--json is not valid JSON: {exc}.") from None
        if not isinstance(values, dict):
            raise CommandError("--json must be a JSON object of settings.")
    values.update(parse_assignments(cli.options["assignments"]))
    if not values:
        raise CommandError("Nothing to set: give KEY=VALUE pairs or --json '{...}'.")
    user = cli.user()
    before = cli.service.get_config(platform, definition.code)
    try:
        after = cli.service.set_config(platform, definition.code, values, user=user, source=SOURCE)
    except ModuleConfigError as exc:
        if cli.as_json:
            cli.json({"module": definition.code, "platform": platform.code, "errors": exc.errors})
        else:
            for field, messages in exc.errors.items():
                cli.err(f"  {field}: {' '.join(_messages(messages))}")
        fields = ", ".join(exc.errors)
        raise CommandError(
            f"Invalid config for module '{definition.code}' on {platform.code} ({fields}); "
            "nothing was saved."
        ) from None
    changed = sorted(k for k in after if after.get(k) != before.get(k))
    if cli.as_json:
        cli.json(
            {
                "module": definition.code,
                "platform": platform.code,
                "config": after,
                "changed": changed,
            }
        )
        return
    _print_config(cli, definition.code, platform.code, after)
    if changed:
        cli.out(
            cli.style.SUCCESS(
                f"Saved {definition.code} config on {platform.code}: {', '.join(changed)}."
            )
        )
    else:
        cli.out(f"No change to {definition.code} config on {platform.code}.")


def _messages(messages: Any) -> list[str]:
    if isinstance(messages, (list, tuple)):
        return [m for item in messages for m in _messages(item)]
    if isinstance(messages, dict):
        return [f"{k}: {' '.join(_messages(v))}" for k, v in messages.items()]
    return [str(messages)]


# --- purge ----------------------------------------------------------------------------------------


def handle_purge(cli: Cli) -> None:
    definition = cli.module(cli.options["code"])
    platform = cli.platform()
    code = definition.code
    if definition.is_core:
        raise ModuleStateError(f"'{code}' is a core module; its data cannot be purged.")
    record = cli.service.records(platform).get(code)
    if record is not None and record.is_enabled:
        raise ModuleStateError(f"Disable '{code}' on {platform.code} before purging its data.")
    user = cli.user()
    if not cli.options["yes"]:
        cli.out(
            cli.style.WARNING(
                f"This destroys the data and config of module '{code}' on platform "
                f"'{platform.code}'. It cannot be undone."
            )
        )
        answer = _ask(cli, f"Type the module code ({code}) to confirm: ")
        if answer.strip() != code:
            raise CommandError(
                "Purge cancelled: the confirmation did not match; nothing was changed."
            )
    cli.service.purge(platform, code, user=user, source=SOURCE)
    if cli.as_json:
        cli.json({"module": code, "platform": platform.code, "purged": True})
    else:
        cli.out(cli.style.SUCCESS(f"Purged the data and config of {code} on {platform.code}."))


def _ask(cli: Cli, prompt: str) -> str:
    stdin = cli.options.get("stdin")
    if stdin is not None:  # call_command(..., stdin=StringIO("billing\n"))
        cli.stdout.write(prompt, ending="")
        return stdin.readline()
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        raise CommandError(
            "Purge cancelled (no confirmation; pass --yes to skip it); nothing was changed."
        ) from None
