"""``manage.py inventory``: operators' tools for stock.

manage.py inventory check [--vendor CODE …] [--json]
    Prove that every stock level equals the sum of its movements (on hand and reserved),
    that no movements exist for a missing level, and that what a level holds reserved is
    what its held reservations hold. Prints each drift; exit status 1 when there is any.

manage.py inventory release-expired [--json]
    Release the held reservations whose expiry has passed (what the scheduled task does).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from modules.inventory import services
from modules.tenancy.models import Vendor


class Command(BaseCommand):
    help = "Check the stock ledger, or release expired reservations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser(
            "check", help="Prove that stock levels agree with their movements and reservations."
        )
        check.add_argument(
            "--vendor",
            action="append",
            default=[],
            metavar="CODE",
            help="Only this vendor (repeat for several).",
        )
        check.add_argument("--json", action="store_true", help="Print the result as JSON.")
        release = sub.add_parser(
            "release-expired", help="Release the reservations whose expiry has passed."
        )
        release.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            self.check_ledger(options["vendor"], as_json=options["json"])
        else:
            released = services.expire_reservations()
            if options["json"]:
                self.stdout.write(json.dumps({"released": released}))
            else:
                self.stdout.write(f"Released {released} expired reservation(s).")

    def check_ledger(self, codes: list[str], *, as_json: bool) -> None:
        vendor_ids = None
        if codes:
            with scopes_disabled():
                found = dict(Vendor.objects.filter(code__in=codes).values_list("code", "pk"))
            unknown = sorted(set(codes) - set(found))
            if unknown:
                raise CommandError(f"Unknown vendor(s): {', '.join(unknown)}.")
            vendor_ids = list(found.values())
        drifts = services.check_ledger(vendor_ids)
        if as_json:
            self.stdout.write(
                json.dumps({"ok": not drifts, "drifts": [d.as_dict() for d in drifts]}, indent=2)
            )
        elif drifts:
            for drift in drifts:
                self.stdout.write(f"DRIFT {drift.describe()}")
        else:
            self.stdout.write(self.style.SUCCESS("Stock ledger OK: every level agrees."))
        if drifts:
            raise CommandError(f"{len(drifts)} stock level(s) disagree with the ledger.")
