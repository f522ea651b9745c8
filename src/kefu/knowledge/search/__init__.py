"""The knowledge search port (ADR 0004): index an article, remove it, query with ranking.

INTERIM (issue 13 lead's skeleton): a plain ``icontains`` scan so the other parts can be built
against the interface; the search branch replaces this module with the jieba-segmented FTS5 /
tsvector adapters. The names and signatures below are the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.db.models import Q
from django.utils import timezone

from kefu.knowledge.choices import Audience, Status


@dataclass(frozen=True)
class Hit:
    article: object  # kefu.knowledge.models.Article
    snippet: str  # escaped text with matches in <mark>…</mark>
    score: float


@dataclass(frozen=True)
class Page:
    results: list[Hit] = field(default_factory=list)
    next: str | None = None  # opaque cursor for the following page


def readable_audiences(*, customer: bool) -> tuple[str, ...]:
    """Staff read every article; a customer (self-service) only customer ones."""
    return (
        (Audience.CUSTOMER, Audience.BOTH) if customer else (Audience.AGENT, Audience.CUSTOMER, Audience.BOTH)
    )


def index_article(article) -> None:
    """Bring the index up to date with ``article`` (called inside the writing transaction)."""


def remove_article(article) -> None:
    """Take ``article`` out of the index."""


def search(
    query: str,
    *,
    customer: bool = False,
    business: str | None = None,
    kind: str | None = None,
    audience: str | None = None,
    level: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Page:
    """Published, currently valid articles matching ``query``, best first."""
    from kefu.knowledge.models import Article

    today = timezone.localdate()
    articles = Article.objects.filter(
        status=Status.PUBLISHED, audience__in=readable_audiences(customer=customer)
    )
    articles = articles.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
    articles = articles.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if business:
        articles = articles.filter(business__code=business)
    if kind:
        articles = articles.filter(kind=kind)
    if audience:
        articles = articles.filter(audience=audience)
    articles = articles.filter(Q(title__icontains=query) | Q(body_text__icontains=query))
    hits = [Hit(article=a, snippet=escape(a.body_text[:120]), score=1.0) for a in articles[:limit]]
    if level:
        hits = [h for h in hits if h.article.applies_to_level(level)]
    return Page(results=hits)


def reindex() -> int:
    """Rebuild the whole index; returns the number of articles indexed."""
    return 0
