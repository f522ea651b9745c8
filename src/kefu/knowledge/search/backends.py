"""The adapters of the knowledge search port: one per database engine (ADR 0004).

Both index the same space-separated words (:mod:`.segment`) in four fields — title, body, extra
(tags, business names old and new, the business's token, the single characters of title and tags)
and pinyin (keys of title, tags and business names) — and rank title over extra over pinyin over
body. The tables are created by migration ``knowledge.0002_search_index`` (raw SQL per engine, kept there); they
hold published articles only, keyed by the article id, with each article's scope (audience, kind,
business, levels, validity) beside the words: the scope and the filters are checked in the same
statement without reading the article row (the status once more on the page's rows).

* :class:`SQLiteBackend` — an FTS5 table (``unicode61`` splits the words at the spaces), bm25 with
  column weights.
* :class:`PostgresBackend` — ``tsvector`` columns built with the ``simple`` configuration (weights A
  title, B extra, C pinyin, D body) with GIN indexes: ``document`` (everything) and ``head`` (all but
  the body). Ranking every match of a common word with ``ts_rank`` is slow (``research/cjk.md``:
  168 ms at 12,500 matches), and so is bm25 over 60,000 matches.

Both engines therefore rank a bounded candidate set in two tiers: up to :data:`HEAD_CANDIDATES`
articles matching in title, tags or business names ("head", ranked first, by their head score), then
up to :data:`BODY_CANDIDATES` articles matching anywhere (SQLite takes the newest first, by rowid;
PostgreSQL the first its GIN bitmap yields). A query with fewer matches than that is ranked in full;
for a word in tens of thousands of articles the answer is the best of the head matches, then the
best of a recent slice of the rest — and paging ends after the candidate set.
"""

from __future__ import annotations

from django.db import transaction

TABLE = "knowledge_search"
FTS = "knowledge_search_fts"
SCOPE = "knowledge_search_scope"  # SQLite: audience, kind, business, levels, validity per indexed article
HEAD_CANDIDATES = 500
BODY_CANDIDATES = 500
HEAD_BOOST = 1000  # a match in title, tags or business names ranks above any match in the body only
# column weights: title, body, extra, pinyin
SQLITE_WEIGHTS = (10.0, 1.0, 4.0, 2.0)


def _filters(filters: dict, vendor: str) -> tuple[str, list]:
    """The scope and filters as SQL on ``a``: the scope columns kept beside the words (reading the
    article row would walk the overflow pages of its body on SQLite, and cost a join on PostgreSQL)."""
    today = filters["today"]
    audiences = list(filters["audiences"])
    sql = [
        f"a.audience IN ({', '.join(['%s'] * len(audiences))})",
        "(a.valid_from IS NULL OR a.valid_from <= %s)",
        "(a.valid_until IS NULL OR a.valid_until >= %s)",
    ]
    day = today if vendor == "postgresql" else today.isoformat()
    params: list = [*audiences, day, day]
    if filters.get("business"):
        sql.append("a.business_id IN (SELECT id FROM catalog_business WHERE code = %s)")
        params.append(filters["business"])
    if filters.get("kind"):
        sql.append("a.kind = %s")
        params.append(filters["kind"])
    if filters.get("level"):
        if vendor == "postgresql":
            sql.append("(jsonb_array_length(a.levels) = 0 OR a.levels @> jsonb_build_array(%s::text))")
        else:
            sql.append(
                "(json_array_length(a.levels) = 0 OR EXISTS (SELECT 1 FROM json_each(a.levels) WHERE value = %s))"
            )
        params.append(filters["level"])
    return " AND ".join(sql), params


class SQLiteBackend:
    vendor = "sqlite"

    def __init__(self, connection):
        self.connection = connection

    def insert(self, rows) -> None:
        rows = list(rows)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, body, extra, pinyin) VALUES (%s, %s, %s, %s, %s)",
                [row[:5] for row in rows],
            )
            cursor.executemany(
                f"INSERT INTO {SCOPE} (article_id, audience, kind, business_id, levels, valid_from, valid_until) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(row[0], *row[5]) for row in rows],
            )

    def delete(self, ids) -> None:
        ids = list(ids)
        with self.connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM {SCOPE} WHERE article_id IN ({marks})", chunk)

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")
            cursor.execute(f"DELETE FROM {SCOPE}")

    def optimise(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")

    @staticmethod
    def _term(word: str) -> str:
        return '"' + word.replace('"', "") + '"'

    def _expression(self, groups, strict: bool, columns: str) -> str:
        parts = []
        for group in groups:
            alternatives = [" AND ".join(self._term(w) for w in alternative) for alternative in group]
            parts.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
        return "{" + columns + "} : (" + (" AND " if strict else " OR ").join(parts) + ")"

    def _run(self, head: str, full: str | None, filters: dict, offset: int, limit: int):
        where, params = _filters(filters, self.vendor)
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        tier = (
            f"SELECT {FTS}.rowid AS id, -bm25({FTS}, {weights}) AS s FROM {FTS} "
            f"JOIN {SCOPE} a ON a.article_id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {where} ORDER BY {FTS}.rowid DESC LIMIT %s"
        )
        tiers = [f"SELECT id, {HEAD_BOOST} + s AS score FROM ({tier})"]
        args = [head, *params, HEAD_CANDIDATES]
        if full:
            tiers.append(f"SELECT id, s AS score FROM ({tier})")
            args += [full, *params, BODY_CANDIDATES]
        sql = (
            f"SELECT id, max(score) AS score FROM ({' UNION ALL '.join(tiers)}) "
            "GROUP BY id ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*args, limit, offset])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def query(self, groups, filters: dict, offset: int, limit: int, *, strict: bool):
        head = self._expression(groups, strict, "title extra")
        full = self._expression(groups, strict, "title body extra")
        return self._run(head, full, filters, offset, limit)

    def query_pinyin(self, key: str, filters: dict, offset: int, limit: int):
        return self._run(f'pinyin : "{key}" *', None, filters, offset, limit)


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, connection):
        self.connection = connection

    def insert(self, rows) -> None:
        rows = list(rows)
        sql = (
            f"INSERT INTO {TABLE} (article_id, audience, kind, business_id, levels, valid_from, valid_until, "
            "head, document) "
            "SELECT v.id, v.audience, v.kind, v.business_id, v.levels::jsonb, v.valid_from::date, "
            "v.valid_until::date, v.head, v.head || setweight(to_tsvector('simple', v.b), 'D') FROM ("
            "SELECT %s::integer AS id, %s::text AS audience, %s::text AS kind, %s::integer AS business_id, "
            "%s::text AS levels, %s::text AS valid_from, %s::text AS valid_until, %s::text AS b, "
            "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') "
            "|| setweight(to_tsvector('simple', %s), 'C') AS head) v"
        )
        with self.connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [(i, *scope, body, title, extra, pinyin) for i, title, body, extra, pinyin, scope in rows],
            )

    def delete(self, ids) -> None:
        ids = list(ids)
        if ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def optimise(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    @staticmethod
    def _term(word: str, weights: str) -> str:
        return "'" + word.replace("'", "").replace("\\", "") + "'" + weights

    def _tsquery(self, groups, strict: bool) -> str:
        parts = []
        for group in groups:
            # no weight labels (such as :ABD to leave the pinyin keys out): PostgreSQL estimates a
            # weighted tsquery at a flat ~3 % of the rows and, under the LIMIT, then scans the table
            # (600 ms for a word that is nowhere); a plain one is estimated from the statistics
            alternatives = [" & ".join(self._term(w, "") for w in alternative) for alternative in group]
            parts.append("(" + " | ".join(f"({a})" for a in alternatives) + ")")
        return (" & " if strict else " | ").join(parts)

    def _run(self, tsquery: str, filters: dict, offset: int, limit: int, *, body: bool = True):
        where, params = _filters(filters, self.vendor)
        # the tsquery is written out in each tier (not a CTE) so that the planner sees a constant and
        # uses the GIN index
        tier = (
            f"SELECT a.article_id AS id, %s + ts_rank(a.{{column}}, to_tsquery('simple', %s)) AS score "
            f"FROM {TABLE} a WHERE a.{{column}} @@ to_tsquery('simple', %s) AND {where} LIMIT %s"
        )
        tiers = [f"({tier.format(column='head')})"]
        args = [HEAD_BOOST, tsquery, tsquery, *params, HEAD_CANDIDATES]
        if body:  # pinyin keys live in the head only
            tiers.append(f"({tier.format(column='document')})")
            args += [0, tsquery, tsquery, *params, BODY_CANDIDATES]
        sql = (
            f"SELECT id, max(score) AS score FROM ({' UNION ALL '.join(tiers)}) u "
            "GROUP BY id ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            # Under the LIMIT the planner prefers a sequential scan that stops at the first matches,
            # which reads every row's tsvector when the word is rare in that column (140 ms for a
            # pinyin key looked for in the bodies). The GIN bitmap is never much slower: it is forced
            # for this statement only (set_config(..., true) lasts until the transaction ends, so the
            # old value is put back).
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
            )
            previous = cursor.fetchone()[0]
            try:
                cursor.execute(sql, [*args, limit, offset])
                return [(row[0], float(row[1])) for row in cursor.fetchall()]
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def query(self, groups, filters: dict, offset: int, limit: int, *, strict: bool):
        return self._run(self._tsquery(groups, strict), filters, offset, limit)

    def query_pinyin(self, key: str, filters: dict, offset: int, limit: int):
        return self._run(self._term(key, ":*"), filters, offset, limit, body=False)


def for_connection(connection):
    if connection.vendor == "postgresql":
        return PostgresBackend(connection)
    return SQLiteBackend(connection)
