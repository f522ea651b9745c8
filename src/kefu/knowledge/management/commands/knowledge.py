"""``kefu knowledge import FILE|reindex`` — load articles from JSON Lines; rebuild the search index."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from kefu.knowledge import importing, search


class Command(BaseCommand):
    help = (
        "Knowledge base: 'import FILE' (JSON Lines, all or nothing: every bad line is reported as "
        "'line N: field: message' and nothing changes) and 'reindex' (rebuild the search index)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        load = sub.add_parser("import", help="load articles from a JSON Lines file ('-' reads stdin)")
        load.add_argument("file")
        sub.add_parser("reindex", help="rebuild the search index from the published articles")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["command"] == "reindex":
            count = search.reindex()
            self.stdout.write(f"indexed {count} articles in {time.perf_counter() - started:.1f} s")
            return
        path = options["file"]
        try:
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        with stream:
            try:
                checked = importing.validate(stream)
            except UnicodeDecodeError:
                raise CommandError(f"{path}: not UTF-8 text") from None
        if checked.errors:
            for line in checked.errors:
                self.stderr.write(line)
            bad = len({e.split(":", 1)[0] for e in checked.errors})
            raise CommandError(f"{bad} bad line(s); nothing imported")
        result = importing.import_articles(checked.items)
        self.stdout.write(
            f"imported {len(checked.items)} articles ({result.created} new, {result.revised} new versions, "
            f"{result.indexed} published and indexed) in {time.perf_counter() - started:.1f} s"
        )
