"""``kefu outbox purge [--days N] [--dry-run]``: outbox housekeeping by hand (the worker runs it daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.core import outbox


class Command(BaseCommand):
    help = (
        "Delete outbox rows that have done their work (delivered, or work-order events nobody delivers) "
        "and are older than KEFU_OUTBOX_RETENTION_DAYS; rows a reader still needs, dead letters and "
        "undelivered federation messages stay."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        purge = sub.add_parser("purge", help="delete what has done its work")
        purge.add_argument("--days", type=int, help="retention in days (default: KEFU_OUTBOX_RETENTION_DAYS)")
        purge.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, **options):
        try:
            report = outbox.outbox_purge(days=options.get("days"), dry_run=options.get("dry_run", False))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would delete" if options.get("dry_run") else "deleted"
        self.stdout.write(f"outbox rows {verb}: {report.deleted} (older than {report.cutoff:%Y-%m-%d %H:%M})")
        for prefix, first in sorted(report.held.items()):
            self.stdout.write(f"  kept for a reader: {prefix}* from id {first}")
