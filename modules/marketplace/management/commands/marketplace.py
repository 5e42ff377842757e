"""``manage.py marketplace``: operators' tools for catalogue imports.

manage.py marketplace import FILE --vendor CODE [--platform CODE] [--publish]
    Stage FILE (CSV or JSON, by its extension) for the vendor, in this process, with a
    progress bar on a terminal (a line per batch otherwise). Exit status 1 with the reason when
    the file cannot be imported. The job is the portal's: review it there, or add ``--publish``
    to publish its new and changed rows at once.

manage.py marketplace sync-feeds [--vendor CODE] [--dry-run]
    What the hourly ``marketplace.sync_feeds`` does, now: on every active platform with
    marketplace on, a job for each feed that is due (only the vendor's with ``--vendor``),
    queued like the schedule's. ``--dry-run`` lists the due feeds and creates nothing.
"""

from __future__ import annotations

import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from modules.marketplace import tasks
from modules.marketplace.models import ImportJob
from modules.marketplace.services import jobs, publishing, syncing
from modules.tenancy.models import Vendor, VendorPlatform
from orion_core.models import PlatformModule

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import a product feed (CSV or JSON) into a vendor's staging area."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = sub.add_parser("import", help="Stage a feed file for a vendor.")
        run.add_argument("file", metavar="FILE", help="The feed: a .csv or .json file.")
        run.add_argument("--vendor", required=True, metavar="CODE", help="The vendor's code.")
        run.add_argument(
            "--platform",
            metavar="CODE",
            help="The platform the import is for (default: the vendor's only one).",
        )
        run.add_argument(
            "--publish",
            action="store_true",
            help="Publish the new and changed rows at once (rows with errors are skipped).",
        )
        sync = sub.add_parser("sync-feeds", help="Import the configured feeds that are due.")
        sync.add_argument("--vendor", metavar="CODE", help="Only this vendor's feeds.")
        sync.add_argument(
            "--dry-run", action="store_true", help="List the feeds that are due; import nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync-feeds":
            self.sync_feeds(options["vendor"], dry_run=options["dry_run"])
        else:
            self.import_file(options)

    def sync_feeds(self, code: str | None, *, dry_run: bool) -> None:
        vendor = None
        if code:
            with scopes_disabled():
                vendor = Vendor.objects.filter(code=code).first()
            if vendor is None:
                raise CommandError(f"No vendor with the code {code!r}.")
        platform_ids = (
            PlatformModule.objects.filter(
                module_code="marketplace", is_enabled=True, platform__is_active=True
            )
            .order_by("platform_id")
            .values_list("platform_id", flat=True)
        )
        for platform_id in platform_ids:
            result = syncing.sync(platform_id, vendor=vendor, dry_run=dry_run)
            for feed in result.due:
                self.stdout.write(f"Due: feed {feed.pk} {feed.url} ({feed.vendor.code})")
            for feed in result.busy:
                self.stdout.write(f"Busy: feed {feed.pk} {feed.url} ({feed.vendor.code})")
            for job in result.started:
                self.stdout.write(f"Import job {job.pk}: {job.feed_url} ({job.vendor.code})")
                tasks.run_import.delay(job.pk)
            for job in result.requeued:
                since = f"{job.created_at:%Y-%m-%d %H:%M}"
                self.stdout.write(
                    f"Import job {job.pk} queued again (pending since {since}): "
                    f"{job.feed_url} ({job.vendor.code})"
                )
                tasks.run_import.delay(job.pk)

    def import_file(self, options: dict[str, Any]) -> None:
        path = pathlib.Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if jobs.format_of(path.name) is None:
            raise CommandError("Only .csv and .json files can be imported.")
        vendor, platform = self.vendor_and_platform(options["vendor"], options["platform"])
        with path.open("rb") as upload:
            job = jobs.create_upload_job(vendor, upload, path.name, platform=platform)
        self.stdout.write(f"Import job {job.pk}: {path.name} for {vendor.code}")
        job = jobs.run(job, progress=self.progress)
        self.end_progress()
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"Import job {job.pk} failed: {job.error_message}")
        self.stdout.write(
            f"Staged {job.rows_done} row(s): {job.new_count} new, {job.changed_count} changed, "
            f"{job.unchanged_count} unchanged, {job.error_rows} with errors."
        )
        if options["publish"]:
            job = publishing.publish(job)
            self.stdout.write(
                f"Published: {job.created_products} product(s) created, "
                f"{job.updated_products} updated."
            )

    def vendor_and_platform(self, code: str, platform_code: str | None) -> tuple[Vendor, Any]:
        with scopes_disabled():
            vendor = Vendor.objects.filter(code=code).first()
            if vendor is None:
                raise CommandError(f"No vendor with the code {code!r}.")
            links = VendorPlatform.objects.filter(vendor=vendor).select_related("platform")
            if platform_code:
                link = links.filter(platform__code=platform_code).first()
                if link is None:
                    raise CommandError(f"{code} does not sell on the platform {platform_code!r}.")
                return vendor, link.platform
            found = list(links[:2])
        return vendor, found[0].platform if len(found) == 1 else None

    def progress(self, job: ImportJob) -> None:
        total = job.total_rows or 0
        done = job.rows_done
        if self.stdout.isatty():
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            percent = 100 * done // total if total else 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(
                f"\r[{bar}] {percent:3d}% {done}/{total} rows, {job.error_rows} errors",
                ending="",
            )
            self._bar = True
        else:
            self.stdout.write(f"{done}/{total} rows, {job.error_rows} errors")

    def end_progress(self) -> None:
        if getattr(self, "_bar", False):
            self.stdout.write("")
