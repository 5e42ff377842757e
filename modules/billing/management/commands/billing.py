"""``manage.py billing``: operators' tools for billing.

manage.py billing advance [--platform CODE …] [--json]
    Move the subscriptions whose trial or period ended, on every platform with billing on (or
    the ones named): what the scheduled task does. Idempotent.

manage.py billing run-invoices [--platform CODE …] [--dry-run] [--json]
    Issue the invoices that are due, remind and cancel overdue ones, tell trials that end
    soon: what the hourly task does. Idempotent. ``--dry-run`` lists the invoices that would
    be issued and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modules.billing.services import invoices, subscriptions
from orion_core.models import Platform, PlatformModule


class Command(BaseCommand):
    help = "Operators' tools for billing: advance subscriptions, run invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        advance = sub.add_parser(
            "advance", help="Move subscriptions whose trial or period ended (the scheduled task)."
        )
        advance.add_argument(
            "--platform", action="append", default=[], metavar="CODE", help="Only this platform."
        )
        advance.add_argument("--json", action="store_true", help="Print the result as JSON.")
        run = sub.add_parser(
            "run-invoices",
            help="Issue the invoices that are due, dun overdue ones (the hourly task).",
        )
        run.add_argument(
            "--platform", action="append", default=[], metavar="CODE", help="Only this platform."
        )
        run.add_argument(
            "--dry-run", action="store_true", help="List what would be issued; change nothing."
        )
        run.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        enabled = PlatformModule.objects.filter(module_code="billing", is_enabled=True)
        platforms = Platform.objects.filter(pk__in=enabled.values("platform_id")).order_by("code")
        if options["platform"]:
            known = set(Platform.objects.values_list("code", flat=True))
            unknown = sorted(set(options["platform"]) - known)
            if unknown:
                raise CommandError(f"Unknown platform(s): {', '.join(unknown)}.")
            platforms = platforms.filter(code__in=options["platform"])
        if options["action"] == "run-invoices":
            self.run_invoices(platforms, dry_run=options["dry_run"], as_json=options["json"])
            return
        results = {p.code: subscriptions.advance(p).as_dict() for p in platforms}
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        if not results:
            self.stdout.write("No platform with billing on.")
        for code, counts in results.items():
            summary = ", ".join(f"{count} {what}" for what, count in counts.items())
            self.stdout.write(f"{code}: {summary}.")

    def run_invoices(self, platforms: Any, *, dry_run: bool, as_json: bool) -> None:
        if dry_run:
            drafts = {p.code: invoices.run(p, dry_run=True).would_issue for p in platforms}
            if as_json:
                self.stdout.write(json.dumps({code: [
                    {"vendor": d.subscription.vendor.code, "total": str(d.total),
                     "currency": d.subscription.currency, "lines": [line[1] for line in d.lines]}
                    for d in found] for code, found in drafts.items()}, indent=2))  # fmt: skip
                return
            for code, found in drafts.items():
                self.stdout.write(f"{code}: {len(found)} invoice(s) would be issued.")
                for draft in found:
                    self.stdout.write(
                        f"  {draft.subscription.vendor.code}: {draft.total} "
                        f"{draft.subscription.currency} ({len(draft.lines)} line(s))"
                    )
            return
        results = {p.code: invoices.run(p).as_dict() for p in platforms}
        if as_json:
            self.stdout.write(json.dumps(results, indent=2))
            return
        if not results:
            self.stdout.write("No platform with billing on.")
        for code, counts in results.items():
            summary = ", ".join(f"{count} {what}" for what, count in counts.items())
            self.stdout.write(f"{code}: {summary}.")
