"""The knowledge search port (ADR 0004): index an article, remove it, query with ranking.

Text is segmented in Python (:mod:`.segment`, rjieba with the catalog's words) and the words are
indexed by the database: an FTS5 table ranked with bm25 on SQLite, a weighted ``tsvector`` with GIN
ranked with ``ts_rank`` over a bounded candidate set on PostgreSQL (:mod:`.backends`). Only published
articles are in the index; validity dates, audience and the filters are checked against the article
row at query time, so tomorrow's article shows tomorrow without a reindex.

A query is cut into words; question words and particles are dropped; each word may be met by any
word of its synonym group (``knowledge.Synonym``), by how the stock dictionary cuts it, or — for a
business name, old names too — by the business itself. All words must match; when that finds nothing
any word may (more matched words rank higher); when the characters still find nothing, or the query
is ASCII letters that are no indexed term, the pinyin keys of titles, tags and business names are
searched (``cailing`` / ``cl`` → 彩铃).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from html import escape

from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError
from kefu.knowledge.choices import Audience, Status
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.search import segment
from kefu.knowledge.search.query import Query, build_query

CURSOR_SALT = "kefu.knowledge.search.cursor"
SNIPPET_CHARS = 120


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


def _backend():
    from kefu.knowledge.search import backends

    return backends.for_connection(connection)


# -- writing -----------------------------------------------------------------------------------------


def business_token(business_id: int) -> str:
    """The index word that stands for a business (any of its names, old ones too, finds it)."""
    return f"kefubiz{business_id}"


def _business_names(ids) -> dict[int, list[str]]:
    from kefu.catalog.models import Business, BusinessName

    names: dict[int, list[str]] = {}
    for business_id, name in Business.objects.filter(id__in=ids).values_list("id", "name"):
        names.setdefault(business_id, []).append(name)
    for business_id, name in BusinessName.objects.filter(business_id__in=ids).values_list(
        "business_id", "name"
    ):
        if name not in names.setdefault(business_id, []):
            names[business_id].append(name)
    return names


def documents(articles) -> list[tuple]:
    """The index rows of ``articles``: (id, title words, body words, extra words, pinyin keys, scope),
    the words space-separated, the scope (audience, kind, business id, levels as JSON, valid from,
    valid until) for the engines that keep it beside the words. Segments the batch at once."""
    articles = list(articles)
    names = _business_names({a.business_id for a in articles if a.business_id})
    tags = [t for a in articles for t in (a.tags or ()) if isinstance(t, str)]
    if tags:
        segment.add_words(tags)
    titles = segment.words_many([a.title for a in articles])
    bodies = segment.words_many([a.body_text for a in articles])
    rows = []
    for article, title_words, body_words in zip(articles, titles, bodies, strict=True):
        article_tags = [t for t in (article.tags or ()) if isinstance(t, str)]
        business_names = names.get(article.business_id, []) if article.business_id else []
        short = [*article_tags, *business_names]
        extra: list[str] = []
        for text in short:
            extra.extend(segment.words(text))
        extra.extend(segment.chars(" ".join([article.title, *short])))
        if article.business_id:
            extra.append(business_token(article.business_id))
        keys: list[str] = []
        keys.extend(segment.pinyin_words(article.title, whole=False))
        for text in short:
            keys.extend(segment.pinyin_words(text))
        rows.append(
            (
                article.id,
                " ".join(title_words),
                " ".join(body_words),
                " ".join(extra),
                " ".join(dict.fromkeys(keys)),
                (
                    article.audience,
                    article.kind,
                    article.business_id,
                    json.dumps(list(article.levels or [])),
                    article.valid_from.isoformat() if article.valid_from else None,
                    article.valid_until.isoformat() if article.valid_until else None,
                ),
            )
        )
    return rows


def index_article(article) -> None:
    """Bring the index up to date with ``article`` (called inside the writing transaction)."""
    backend = _backend()
    backend.delete([article.id])
    if article.status == Status.PUBLISHED:
        backend.insert(documents([article]))


def index_articles(articles) -> int:
    """Index many articles at once (imports, reindex): published ones in, the others out."""
    articles = list(articles)
    backend = _backend()
    backend.delete([a.id for a in articles])
    published = [a for a in articles if a.status == Status.PUBLISHED]
    if published:
        backend.insert(documents(published))
    return len(published)


def remove_article(article) -> None:
    """Take ``article`` out of the index."""
    _backend().delete([article.id])


def reindex(*, batch: int = 2000) -> int:
    """Rebuild the whole index; returns the number of articles indexed."""
    from kefu.knowledge.models import Article

    segment.ensure_dictionary(force=True)
    backend = _backend()
    backend.clear()
    count = 0
    ids = list(Article.objects.filter(status=Status.PUBLISHED).order_by("id").values_list("id", flat=True))
    fields = ("id", "title", "body_text", "tags", "business_id", "status", "audience", "kind", "levels")
    fields += ("valid_from", "valid_until")
    for start in range(0, len(ids), batch):
        chunk = Article.objects.filter(id__in=ids[start : start + batch]).only(*fields).order_by("id")
        rows = documents(chunk)
        backend.insert(rows)
        count += len(rows)
    backend.optimise()
    return count


def optimise() -> None:
    """After a big load: statistics for the planner (PostgreSQL), merged index segments (SQLite)."""
    _backend().optimise()


# -- reading -----------------------------------------------------------------------------------------


def _cursor_key(query: str, **scope) -> str:
    text = json.dumps([segment.normalise(query).strip(), scope], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _offset(cursor: str | None, key: str) -> int:
    if not cursor:
        return 0
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        if not isinstance(data, dict) or data.get("k") != key:
            raise ValueError
        offset = int(data["o"])
        if offset < 0:
            raise ValueError
    except (signing.BadSignature, ValueError, KeyError, TypeError) as exc:
        raise DomainError(
            _("翻页标记无效或不属于这次搜索"), code=KnowledgeErrorCode.BAD_CURSOR, status=400
        ) from exc
    return offset


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
    today=None,
    province_id: int | None = None,
) -> Page:
    """Published, currently valid articles matching ``query``, best first.

    ``customer`` limits the audiences (:func:`readable_audiences`); ``business`` is a business code,
    ``level`` a customer level (articles without levels apply to every level). ``cursor`` is the
    ``next`` of the previous page; one altered or from another query raises ``bad_cursor``.
    """
    from kefu.knowledge.models import Article

    scope = {
        "customer": bool(customer),
        "business": business or None,
        "kind": kind or None,
        "audience": audience or None,
        "level": level or None,
    }
    offset = _offset(cursor, _cursor_key(query, **scope))
    limit = max(1, min(int(limit), 100))
    parsed = build_query(query)
    if parsed.empty:
        return Page()
    audiences = readable_audiences(customer=customer)
    if audience:
        audiences = tuple(a for a in audiences if a == audience)
        if not audiences:
            return Page()
    filters = {
        "audiences": audiences,
        "today": today or timezone.localdate(),
        "business": business or None,
        "kind": kind or None,
        "level": level or None,
    }
    backend = _backend()
    rows, highlight = _run(backend, parsed, filters, offset, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    by_id = Article.objects.select_related("business").in_bulk([r[0] for r in rows])
    if province_id is not None:
        # another province's local articles are left out (kefu.knowledge.reading.visible_to); a node
        # serves one province in production, so this drops rows only on shared demo nodes
        by_id = {k: a for k, a in by_id.items() if a.province_id in (None, province_id)}
    hits = [
        Hit(
            article=by_id[article_id],
            snippet=snippet(by_id[article_id].body_text, highlight),
            score=round(score, 4),
        )
        for article_id, score in rows
        if article_id in by_id
    ]
    following = None
    if more:
        following = signing.dumps({"k": _cursor_key(query, **scope), "o": offset + limit}, salt=CURSOR_SALT)
    return Page(results=hits, next=following)


def _run(backend, parsed: Query, filters: dict, offset: int, limit: int):
    """Strict (every word), then relaxed (any word), then pinyin — pinyin before relaxed for a query
    of ASCII letters: the first that finds something. Returns the rows and the words to highlight."""
    steps = []
    if parsed.groups:
        steps.append(("strict", parsed.highlight))
    relaxed = ("relaxed", parsed.highlight) if len(parsed.groups) > 1 else None
    pinyin = ("pinyin", []) if parsed.pinyin else None
    steps.extend(s for s in ((pinyin, relaxed) if parsed.ascii else (relaxed, pinyin)) if s)

    def run(step, at, size):
        if step == "pinyin":
            return backend.query_pinyin(parsed.pinyin, filters, at, size)
        return backend.query(parsed.groups, filters, at, size, strict=step == "strict")

    for step, highlight in steps:
        rows = run(step, offset, limit)
        # a later page continues the step its first page came from: the first step with any match
        if rows or (offset and run(step, 0, 1)):
            return rows, highlight
    return [], []


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters of ``text`` around the place with the most distinct matches,
    escaped, each match in ``<mark>…</mark>``."""
    text = text or ""
    words = [w for w in dict.fromkeys(words) if w]
    pattern = (
        re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
        if words
        else None
    )
    start = 0
    if pattern and len(text) > size:
        found = [(m.start(), m.group(0).lower()) for m in pattern.finditer(text)]
        best, best_count = None, 0
        for i, (position, _word) in enumerate(found):
            seen = {w for p, w in found[i:] if p < position + size * 2 // 3}
            if len(seen) > best_count:
                best, best_count = position, len(seen)
        if best is not None:
            start = max(0, best - size // 4)
            newline = text.rfind("\n", start, best)
            if newline >= 0:
                start = newline + 1
    piece = text[start : start + size]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + size < len(text) else ""
    if not pattern:
        return prefix + escape(piece) + suffix
    out, last = [], 0
    for m in pattern.finditer(piece):
        out.append(escape(piece[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(piece[last:]))
    return prefix + "".join(out) + suffix


def timed_search(query: str, **kwargs) -> tuple[Page, float]:
    """:func:`search` and its duration in milliseconds (benchmarks)."""
    started = time.perf_counter()
    page = search(query, **kwargs)
    return page, (time.perf_counter() - started) * 1000
