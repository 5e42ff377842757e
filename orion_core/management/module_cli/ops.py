"""Operator subcommands: ``check`` (the orion system checks) and ``sync-schedule``."""

from __future__ import annotations

from dataclasses import asdict

from django.core import checks
from django.core.management.base import CommandError

from orion_core.management.module_cli.base import Cli
from orion_core.modules.checks import ORION_TAG
from orion_core.scheduling import sync_schedule

LEVELS = {
    checks.DEBUG: "DEBUG",
    checks.INFO: "INFO",
    checks.WARNING: "WARNING",
    checks.ERROR: "ERROR",
    checks.CRITICAL: "CRITICAL",
}


def handle_check(cli: Cli) -> None:
    messages = checks.run_checks(
        tags=[ORION_TAG], include_deployment_checks=False, databases=["default"]
    )
    messages = sorted(messages, key=lambda m: (-m.level, m.id or "", str(m.obj)))
    errors = [m for m in messages if m.is_serious()]
    if cli.as_json:
        cli.json(
            {
                "ok": not errors,
                "messages": [
                    {
                        "id": m.id,
                        "level": LEVELS.get(m.level, str(m.level)),
                        "message": m.msg,
                        "hint": m.hint,
                        "obj": None if m.obj is None else str(m.obj),
                    }
                    for m in messages
                ],
            }
        )
    else:
        for m in messages:
            style = cli.style.ERROR if m.is_serious() else cli.style.WARNING
            obj = f"{m.obj}: " if m.obj is not None else ""
            cli.out(style(f"{m.id} {LEVELS.get(m.level, m.level)} {obj}{m.msg}"))
            if m.hint:
                cli.out(f"    HINT: {m.hint}")
        modules = len(cli.registry)
        if not messages:
            cli.out(cli.style.SUCCESS(f"Module checks passed: {modules} modules, no issues."))
        elif not errors:
            cli.out(f"Module checks passed with {len(messages)} warning(s).")
    if errors:
        raise CommandError(f"Module checks found {len(errors)} error(s).")


def handle_sync_schedule(cli: Cli) -> None:
    report = sync_schedule()
    if cli.as_json:
        cli.json({**asdict(report), "changed": report.changed})
        return
    for kind in ("created", "updated", "disabled"):
        for name in getattr(report, kind):
            cli.out(f"  {kind}: {name}")
    summary = (
        f"Schedule synced: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.disabled)} disabled, {len(report.unchanged)} unchanged."
    )
    cli.out(cli.style.SUCCESS(summary) if report.changed else summary)
