"""Benchmark: relevance of the knowledge search (issue 13) on the held-out set, beside plain ``icontains``.

Loads ``bench/knowledge/relevance/articles.jsonl`` into a fresh database through
``kefu.knowledge.services.save_article`` (published), adds the demo's general synonyms
(``src/kefu/knowledge/demo/synonyms.jsonl``, none aimed at a query of the set; ``--no-synonyms`` leaves
them out), then runs every query of ``queries.jsonl`` through ``kefu.knowledge.search.search(q,
limit=10)`` and, in the same run, through a plain ``icontains`` search over title and body text
(ordered by id, the first 10). Prints hit@3 and MRR (reciprocal rank of the first relevant article in
the first 10) for both, overall and per note, and the queries kefu's search missed at 3. Goal after
issue 13: hit@3 >= 0.95 and MRR >= 0.90 on SQLite and PostgreSQL.

    PYTHONPATH=src .venv/bin/python bench/knowledge_relevance.py            # SQLite in a temp dir
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu \\
        PYTHONPATH=src .venv/bin/python bench/knowledge_relevance.py        # PostgreSQL

On PostgreSQL the database of the URL is not touched: a throw-away database (``--database``, default
``kefu_bench_relevance``) is created on the same server and dropped at the end unless ``--keep``.
On SQLite the database is a file in a temporary directory, removed at the end. Prints figures; never
fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "knowledge" / "relevance"
SYNONYMS = ROOT / "src" / "kefu" / "knowledge" / "demo" / "synonyms.jsonl"
TOP = 10
GOAL_HIT3, GOAL_MRR = 0.95, 0.90


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def point_django_at_fresh_database(args) -> tuple[str, object]:
    """Set the environment for a throw-away database before Django reads its settings; return a label
    and a cleanup function."""
    url = os.environ.get("KEFU_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
        bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{args.database}", parts.query, ""))
        with psycopg.connect(server.replace("postgresql://", "postgres://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.database}"')
        os.environ["KEFU_DATABASE_URL"] = bench_url

        def cleanup():
            if args.keep:
                print(f"kept database {args.database}")
                return
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')

        return f"PostgreSQL ({args.database} on {parts.hostname}:{parts.port or 5432})", cleanup
    if url:
        raise SystemExit(
            f"KEFU_DATABASE_URL: only PostgreSQL or unset (SQLite) is supported here, not {url!r}"
        )
    data_dir = Path(tempfile.mkdtemp(prefix="kefu-relevance-"))
    os.environ["KEFU_DATA_DIR"] = str(data_dir)

    def cleanup():
        if args.keep:
            print(f"kept {data_dir}")
            return
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)

    return "SQLite (temporary file)", cleanup


def load(articles: list[dict], synonyms: list[dict]) -> float:
    """Import the set; return the seconds it took."""
    from kefu.catalog.models import Business
    from kefu.knowledge import search, services
    from kefu.knowledge.choices import Status
    from kefu.knowledge.models import Synonym

    started = time.perf_counter()
    businesses = {b.code: b for b in Business.objects.all()}
    for row in articles:
        services.save_article(
            actor=None,
            code=row["code"],
            title=row["title"],
            body=row["body"],
            kind=row["kind"],
            audience=row["audience"],
            business=businesses[row["business"]],
            status=Status.PUBLISHED,
        )
    for row in synonyms:
        Synonym.objects.create(terms=row["terms"], note=row.get("note", ""))
    if synonyms:
        search.reindex()  # an adapter that expands synonyms when indexing sees them
    return time.perf_counter() - started


def kefu_search(text: str) -> list[str]:
    from kefu.knowledge import search

    return [hit.article.code for hit in search.search(text, limit=TOP).results]


def icontains_search(text: str) -> list[str]:
    from django.db.models import Q

    from kefu.knowledge.choices import Status
    from kefu.knowledge.models import Article

    found = Article.objects.filter(status=Status.PUBLISHED).filter(
        Q(title__icontains=text) | Q(body_text__icontains=text)
    )
    return list(found.order_by("id").values_list("code", flat=True)[:TOP])


def rank(codes: list[str], relevant: list[str]) -> int | None:
    """1-based rank of the first relevant article, None when none is in ``codes``."""
    return next((i for i, code in enumerate(codes, start=1) if code in relevant), None)


def evaluate(queries: list[dict], engine) -> dict:
    rows = []
    for query in queries:
        codes = engine(query["q"])
        rows.append({**query, "codes": codes, "rank": rank(codes, query["relevant"])})
    return {"rows": rows}


def figures(rows: list[dict]) -> tuple[float, float]:
    hit3 = sum(1 for r in rows if r["rank"] and r["rank"] <= 3) / len(rows)
    mrr = sum(1 / r["rank"] for r in rows if r["rank"]) / len(rows)
    return hit3, mrr


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="kefu_bench_relevance", help="PostgreSQL: the throw-away database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-synonyms", action="store_true", help="do not add the demo's synonyms")
    parser.add_argument("--show", type=int, default=3, help="codes shown per missed query")
    args = parser.parse_args()

    articles = read_jsonl(SET / "articles.jsonl")
    queries = read_jsonl(SET / "queries.jsonl")
    synonyms = [] if args.no_synonyms or not SYNONYMS.exists() else read_jsonl(SYNONYMS)

    label, cleanup = point_django_at_fresh_database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    try:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        seconds = load(articles, synonyms)
        from kefu.knowledge import search

        print(f"database: {label}")
        print(f"search: {search.__name__} ({(search.__doc__ or '').strip().splitlines()[0]})")
        print(
            f"set: {len(articles)} articles, {len(queries)} queries, {len(synonyms)} synonym groups;"
            f" loaded in {seconds:.1f} s"
        )
        engines = {"kefu": evaluate(queries, kefu_search), "icontains": evaluate(queries, icontains_search)}
        notes = sorted({q["note"] for q in queries})
        print(
            f"\n{'':<12}{'queries':>8}   {'kefu hit@3':>10} {'MRR':>6}   {'icontains hit@3':>15} {'MRR':>6}"
        )
        for note in [None, *notes]:
            line = f"{note or 'all':<12}"
            for name, result in engines.items():
                rows = [r for r in result["rows"] if note is None or r["note"] == note]
                if name == "kefu":
                    line += f"{len(rows):>8}   "
                hit3, mrr = figures(rows)
                line += f"{hit3:>10.3f} {mrr:>6.3f}   " if name == "kefu" else f"{hit3:>15.3f} {mrr:>6.3f}"
            print(line)
        hit3, mrr = figures(engines["kefu"]["rows"])
        met = "met" if hit3 >= GOAL_HIT3 and mrr >= GOAL_MRR else "NOT met"
        print(f"\ngoal hit@3 >= {GOAL_HIT3} and MRR >= {GOAL_MRR} for kefu's search: {met}")
        for name, result in engines.items():
            missed = [r for r in result["rows"] if not (r["rank"] and r["rank"] <= 3)]
            print(f"\n{name}: {len(missed)} queries without a relevant article in the first 3")
            for r in missed:
                where = f"rank {r['rank']}" if r["rank"] else f"not in the first {TOP}"
                shown = ", ".join(r["codes"][: args.show]) or "nothing"
                print(f"  [{r['note']}] {r['q']!r}: wants {'/'.join(r['relevant'])}, {where}; got {shown}")
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
