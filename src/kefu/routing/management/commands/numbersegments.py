"""``kefu numbersegments import FILE``: load number segments (号段) from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.routing.segments import CSV_HEADER, SegmentFileError, import_segments


class Command(BaseCommand):
    help = (
        f"Number segments (号段). `import FILE`: a CSV with the header {','.join(CSV_HEADER)}; every line is "
        "checked first and nothing is stored when one is bad (each reported as `line N: field: message`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}")
        try:
            result = import_segments(text)
        except SegmentFileError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(f"{path}: {len(error.errors)} bad line(s); nothing imported")
        self.stdout.write(f"{result.created} segments added, {result.updated} updated")
