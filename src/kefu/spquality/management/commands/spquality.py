"""``kefu spquality collect|seed|generate|upload|due --month YYYY-MM`` (SP-2) on a province node."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import DomainError
from kefu.spquality import services


class Command(BaseCommand):
    help = "SP service-quality files (SP-2): seed demo figures, generate and upload the monthly file."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["collect", "seed", "generate", "upload", "due"])
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        month = services.month_of(options["month"]) if options["month"] else services.previous_month()
        try:
            if options["action"] == "collect":
                self.stdout.write(
                    f"{services.figures_collect(month=month)} SPs' complaint figures for {month:%Y-%m}"
                )
                return
            if options["action"] == "seed":
                self.stdout.write(f"{services.figures_seed(month=month)} SP figures added for {month:%Y-%m}")
                return
            if options["action"] == "due":
                self.stdout.write(services.report_due())
                return
            if options["action"] == "generate":
                file = services.file_generate(month=month)
            else:
                file = services.file_upload(month=month)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        if options["json"]:
            self.stdout.write(json.dumps({"month": f"{month:%Y-%m}", "file": file.filename, "rows": file.rows,
                                          "status": file.status, "errors": file.errors, "message": file.last_error},
                                         ensure_ascii=False))  # fmt: skip
            return
        self.stdout.write(f"{file.filename}: {file.rows} rows, {file.get_status_display()}")
        for error in file.errors:
            self.stdout.write(f"  line {error['row']} {error['field']}: {error['message']}")
        if file.last_error:
            self.stdout.write(f"  {file.last_error}")
        if file.status in ("refused", "failed"):
            raise CommandError(f"upload {file.status}")
