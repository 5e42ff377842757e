"""``manage.py billing``: operators' tools for billing.

manage.py billing advance [--platform CODE …] [--json]
    Move the subscriptions whose trial or period ended, on every platform with billing on (or
    the ones named): what the scheduled task does. Idempotent.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modules.billing.services import subscriptions
from orion_core.models import Platform, PlatformModule


class Command(BaseCommand):
    help = "Move subscriptions whose trial or period ended."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        advance = sub.add_parser(
            "advance", help="Move subscriptions whose trial or period ended (the scheduled task)."
        )
        advance.add_argument(
            "--platform", action="append", default=[], metavar="CODE", help="Only this platform."
        )
        advance.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        enabled = PlatformModule.objects.filter(module_code="billing", is_enabled=True)
        platforms = Platform.objects.filter(pk__in=enabled.values("platform_id")).order_by("code")
        if options["platform"]:
            known = set(Platform.objects.values_list("code", flat=True))
            unknown = sorted(set(options["platform"]) - known)
            if unknown:
                raise CommandError(f"Unknown platform(s): {', '.join(unknown)}.")
            platforms = platforms.filter(code__in=options["platform"])
        results = {p.code: subscriptions.advance(p).as_dict() for p in platforms}
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        if not results:
            self.stdout.write("No platform with billing on.")
        for code, counts in results.items():
            summary = ", ".join(f"{count} {what}" for what, count in counts.items())
            self.stdout.write(f"{code}: {summary}.")
