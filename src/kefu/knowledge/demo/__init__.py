"""The demo's knowledge content (KB-1, KB-4, SVC-3), written for kefu: articles of every kind over the
shipped catalog's businesses, explanation wording per problem type × customer level × channel, and
general synonyms an editor would add for agents. Three JSON Lines files next to this module are the
source of truth:

* ``articles.jsonl`` — ``code``, ``title``, ``body`` (simple HTML), ``business`` (a business code of
  ``kefu.catalog.reference``), ``kind``, ``audience``; optional ``levels``, ``tags``, ``valid_from``,
  ``valid_until``, ``review_by`` (ISO dates). Some promotions have ended and some start later, so the
  search's validity rules have something to hide; a few outlets are past their review date, so the
  stale list has something to show.
* ``wordings.jsonl`` — ``code``, ``title``, ``problem`` (a request-category code of the shipped
  catalog, or an order-state key ``order.accepted`` … ``order.returned``; ``order.feedback`` is the result message of WO-7), ``level`` (blank: every
  level), ``channel``, ``text``, optional ``business``. Order messages are SMS texts of at most 70
  characters with ``{number}`` where the order number goes.
* ``synonyms.jsonl`` — ``terms`` and an optional ``note``.

:func:`load_demo` writes them; ``kefu demo`` and the federation demo's province set-up call it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kefu.core import audit

HERE = Path(__file__).resolve().parent
ORDER_STATES = (
    "order.accepted",
    "order.dispatched",
    "order.replied",
    "order.feedback",
    "order.archived",
    "order.returned",
)
ORDER_MESSAGE_MAX = 70  # one SMS


@dataclass(frozen=True)
class Loaded:
    """What :func:`load_demo` created (0 for a part that was already there)."""

    articles: int
    wordings: int
    synonyms: int


def read(name: str) -> list[dict]:
    """The rows of one of the demo's JSON Lines files."""
    with (HERE / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _businesses(codes: set[str]) -> dict:
    from kefu.catalog.models import Business

    found = {b.code: b for b in Business.objects.filter(code__in=codes)}
    missing = sorted(codes - found.keys())
    if missing:
        raise ValueError(f"demo knowledge names businesses the catalog does not have: {', '.join(missing)}")
    return found


def _load_synonyms(actor) -> int:
    from kefu.knowledge.models import Synonym

    if Synonym.objects.exists():
        return 0
    now = timezone.now()
    rows = [
        Synonym(terms=row["terms"], note=row.get("note", ""), updated_by=actor, updated_at=now)
        for row in read("synonyms.jsonl")
    ]
    Synonym.objects.bulk_create(rows)
    return len(rows)


def _load_articles(actor) -> int:
    from kefu.knowledge import services
    from kefu.knowledge.choices import Status
    from kefu.knowledge.models import Article

    if Article.objects.exists():
        return 0
    rows = read("articles.jsonl")
    businesses = _businesses({row["business"] for row in rows})
    for row in rows:
        services.save_article(
            actor=actor,
            code=row["code"],
            note="演示数据",
            status=Status.PUBLISHED,
            title=row["title"],
            body=row["body"],
            kind=row["kind"],
            audience=row["audience"],
            business=businesses[row["business"]],
            levels=row.get("levels", []),
            tags=row.get("tags", []),
            valid_from=_date(row.get("valid_from")),
            valid_until=_date(row.get("valid_until")),
            review_by=_date(row.get("review_by")),
        )
    return len(rows)


def _load_wordings(actor) -> int:
    """Published wording, version 1 each. Written here with the ORM: the wording workflow's services
    are not part of the shared model yet; the rows are what they would write."""
    from kefu.knowledge.choices import Status
    from kefu.knowledge.models import Wording, WordingVersion

    if Wording.objects.exists():
        return 0
    rows = read("wordings.jsonl")
    businesses = _businesses({row["business"] for row in rows if row.get("business")})
    now = timezone.now()
    wordings = Wording.objects.bulk_create(
        [
            Wording(
                code=row["code"],
                title=row["title"],
                problem=row["problem"],
                level=row.get("level", ""),
                channel=row["channel"],
                text=row["text"],
                business=businesses.get(row.get("business", "")),
                status=Status.PUBLISHED,
                version=1,
                published_version=1,
                created_by=actor,
                updated_at=now,
                published_at=now,
            )
            for row in rows
        ]
    )
    if not all(w.pk for w in wordings):  # a backend that returns no keys from bulk_create
        wordings = list(Wording.objects.filter(code__in=[row["code"] for row in rows]))
    WordingVersion.objects.bulk_create(
        [
            WordingVersion(
                wording=w, number=1, title=w.title, text=w.text, note="演示数据", author=actor, created_at=now
            )
            for w in wordings
        ]
    )
    for w in wordings:
        audit.record(
            actor=actor, action="knowledge.wording.create", obj=w, changes={"version": 1, "status": w.status}
        )
    return len(wordings)


@transaction.atomic
def load_demo(*, actor=None) -> Loaded:
    """Load the demo's synonyms, articles and wording, each part only when its table is empty (run
    again, it changes nothing). Synonyms go first, so a search adapter that expands them when indexing
    sees them for every article. Articles are written through :func:`services.save_article`, published,
    so each has its version 1, its audit event and its index entry."""
    synonyms = _load_synonyms(actor)
    articles = _load_articles(actor)
    wordings = _load_wordings(actor)
    return Loaded(articles=articles, wordings=wordings, synonyms=synonyms)
