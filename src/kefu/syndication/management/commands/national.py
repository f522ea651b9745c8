"""``kefu national publish FILE.jsonl`` — publish national articles in bulk at the hub (ORG-2).

One JSON object per line with ``code``, ``title``, ``body`` and optional ``kind``, ``audience``,
``business`` (code), ``levels``, ``tags``, ``valid_from``, ``valid_until``, ``review_by``, ``note``. A
line whose code exists makes a new version of that national article. All or nothing: any bad line
changes nothing, prints ``line N: field: message`` for every bad line and exits non-zero. Every
article published goes to every province through the outbox, in the same transaction.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kefu.catalog.models import Business
from kefu.core.errors import DomainError
from kefu.knowledge.choices import Origin
from kefu.knowledge.models import Article
from kefu.syndication import services
from kefu.syndication.api import NationalArticleInput


def _messages(errors, prefix="") -> list[str]:
    """Flatten DRF's error dict to ``field: message`` lines."""
    lines = []
    for field, value in errors.items():
        if isinstance(value, dict):
            lines += _messages(value, f"{prefix}{field}.")
        else:
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"{prefix}{field}: {item}")
    return lines


class Command(BaseCommand):
    help = (
        "National knowledge at the hub: 'publish FILE.jsonl' publishes national articles to every province."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="publish national articles from JSON Lines (all or nothing)")
        publish.add_argument("file")
        sub.add_parser(
            "demo-setup", help="(used by `kefu demo --federation`) publish the demo's national knowledge"
        )

    def handle(self, *args, **options):
        if settings.KEFU_ROLE != "hub":
            raise CommandError("hub_only: national knowledge is published at the hub (KEFU_ROLE=hub)")
        if options["action"] == "demo-setup":
            return self.demo_setup()
        path = Path(options["file"])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        errors, rows, seen = [], [], set()
        businesses = set(Business.objects.values_list("code", flat=True))
        locals_ = set(Article.objects.exclude(origin=Origin.NATIONAL).values_list("code", flat=True))
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {number}: line: not JSON ({exc.msg})")
                continue
            if not isinstance(data, dict):
                errors.append(f"line {number}: line: not a JSON object")
                continue
            checked = NationalArticleInput(data=data)
            if not checked.is_valid():
                errors += [f"line {number}: {m}" for m in _messages(checked.errors)]
                continue
            row = dict(checked.validated_data)
            if row["business"] and row["business"] not in businesses:
                errors.append(f"line {number}: business: unknown business {row['business']!r}")
            if row["code"] in locals_:
                errors.append(f"line {number}: code: {row['code']} is a local article")
            if row["code"] in seen:
                errors.append(f"line {number}: code: {row['code']} appears twice in the file")
            seen.add(row["code"])
            rows.append(row)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} bad line(s); nothing was published")
        existing = set(Article.objects.filter(origin=Origin.NATIONAL).values_list("code", flat=True))
        try:
            with transaction.atomic():
                for row in rows:
                    row.pop("publish", None)
                    code, note = row.pop("code"), row.pop("note", "")
                    services.national_article_save(
                        actor=None, code=code, create=code not in existing, publish=True, note=note, **row
                    )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        provinces = services.province_codes()
        self.stdout.write(
            f"published {len(rows)} national article(s) to {', '.join(provinces) or 'no province'}"
        )

    def demo_setup(self) -> None:
        """Publish the demo's national articles and wording once (they go out when the delivery workers run)."""
        from kefu.syndication.demo import ARTICLES, WORDING

        if Article.objects.filter(origin=Origin.NATIONAL).exists():
            self.stdout.write("national knowledge already published")
            return
        with transaction.atomic():
            for article in ARTICLES:
                services.national_article_save(actor=None, create=True, publish=True, **article)
            for wording in WORDING:
                services.national_wording_save(actor=None, create=True, publish=True, **wording)
        self.stdout.write(f"published {len(ARTICLES)} national articles and {len(WORDING)} wording")
