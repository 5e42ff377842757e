"""``manage.py orders``: operators' tools for orders.

manage.py orders release-expired [--json]
    Cancel the unpaid orders whose time to pay has passed and release their stock (what the
    scheduled task does).

manage.py orders check [--vendor CODE …] [--json]
    Prove that every order's totals agree with its lines. Prints each problem; exit status 1
    when there is any. (Stock: ``manage.py inventory check``.)
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from modules.orders.services import orders, queries
from modules.tenancy.models import Vendor


class Command(BaseCommand):
    help = "Cancel expired unpaid orders, or check orders' totals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        release = sub.add_parser(
            "release-expired", help="Cancel unpaid orders past their time to pay."
        )
        release.add_argument("--json", action="store_true", help="Print the result as JSON.")
        check = sub.add_parser("check", help="Prove that orders' totals agree with their lines.")
        check.add_argument(
            "--vendor", action="append", default=[], metavar="CODE", help="Only this vendor."
        )
        check.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "release-expired":
            cancelled = orders.expire_unpaid()
            if options["json"]:
                self.stdout.write(json.dumps({"cancelled": cancelled}))
            else:
                self.stdout.write(f"Cancelled {cancelled} expired unpaid order(s).")
            return
        vendor_ids = None
        if options["vendor"]:
            with scopes_disabled():
                found = dict(
                    Vendor.objects.filter(code__in=options["vendor"]).values_list("code", "pk")
                )
            unknown = sorted(set(options["vendor"]) - set(found))
            if unknown:
                raise CommandError(f"Unknown vendor(s): {', '.join(unknown)}.")
            vendor_ids = list(found.values())
        problems = queries.check_orders(vendor_ids)
        if options["json"]:
            body = {"ok": not problems, "problems": [dataclasses.asdict(p) for p in problems]}
            self.stdout.write(json.dumps(body, indent=2))
        elif problems:
            for problem in problems:
                self.stdout.write(f"PROBLEM {problem.describe()}")
        else:
            self.stdout.write(self.style.SUCCESS("Orders OK: every order's totals agree."))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) with orders' totals.")
