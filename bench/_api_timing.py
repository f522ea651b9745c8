"""Shared harness of the API benchmarks (``bench/customer_view.py``, ``bench/contact_history.py``).

* The bench database (PostgreSQL) is created, migrated and filled when it holds no data yet:
  ``kefu seed --subscribers N --months 6`` then ``kefu seedcontacts --per-subscriber K``; it is dropped
  at the end unless ``--keep``.
* Timing is server time measured in-process: Django's test client sends the request through the
  whole stack (middleware, bearer-token authentication, scope, view, serializer, JSON rendering) on a
  warm database connection; no network, no client parsing. One hotline agent of JS (province scope)
  asks for random JS lines.
* In the same run, interleaved with the requests, one indexed primary-key lookup
  (``SELECT … FROM customers_subscriber WHERE id = %s`` on random ids) is timed, so the ratio says how
  far the request is from the cheapest query this database can answer on this machine at that moment.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1_000_000, help="lines to seed if the DB is empty")
    parser.add_argument("--contacts-per-subscriber", type=int, default=10, help="contacts per line if empty")
    parser.add_argument("--samples", type=int, default=500, help="timed requests")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests first")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_customers")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--random-seed", type=int, default=1)
    return parser.parse_args()


def prepare(args) -> dict:
    """Create and fill the bench database if needed; point Django at it; return its sizes."""
    import psycopg

    url = f"{args.server}/{args.database}"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.database}"')
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KEFU_DATABASE_URL": url,
        "KEFU_DATA_DIR": str(ROOT / "var" / "bench-customers"),
    }
    os.environ.update({k: env[k] for k in ("KEFU_DATABASE_URL", "KEFU_DATA_DIR")})
    subprocess.run([*KEFU, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    with psycopg.connect(url) as conn:
        lines = conn.execute("SELECT count(*) FROM customers_subscriber").fetchone()[0]
        contacts = conn.execute("SELECT count(*) FROM contacts_contactrecord").fetchone()[0]
    if lines == 0:
        print(f"seeding {args.subscribers:,} subscribers …", flush=True)
        subprocess.run(
            [*KEFU, "seed", "--subscribers", str(args.subscribers), "--months", "6"],
            check=True,
            env=env,
            cwd=ROOT,
        )
    if contacts == 0 and args.contacts_per_subscriber > 0:  # 0: a bench that reads no contacts
        print(f"seeding {args.contacts_per_subscriber} contacts per subscriber …", flush=True)
        subprocess.run(
            [*KEFU, "seedcontacts", "--per-subscriber", str(args.contacts_per_subscriber)],
            check=True,
            env=env,
            cwd=ROOT,
        )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_subscriber")
        lines = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'contacts_contactrecord'")
        contacts = cursor.fetchone()[0]
    return {"subscribers": lines, "contacts": contacts}


def drop(args) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def agent_client():
    """An API client with the bearer token of a JS hotline agent (created once in the bench DB)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from kefu.core.models import Province, Staff

    staff = Staff.objects.filter(job_number="bench-js").first()
    if staff is None:
        staff = Staff(
            job_number="bench-js",
            name="压测坐席",
            role="hotline_agent",
            province=Province.objects.get(code="JS"),
        )
        staff.set_unusable_password()
        staff.save()
    token, _ = Token.objects.get_or_create(user=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client, staff


def random_js_numbers(count: int, seed: int) -> list[str]:
    """``count`` distinct random numbers of JS lines (random ids, kept if the line is in JS)."""
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM customers_subscriber")
        lo, hi = cursor.fetchone()
        cursor.execute("SELECT id FROM core_province WHERE code = 'JS'")
        js = cursor.fetchone()[0]
        numbers: list[str] = []
        while len(numbers) < count:
            ids = [rng.randint(lo, hi) for _ in range(count * 3)]
            cursor.execute(
                "SELECT number FROM customers_subscriber WHERE id = ANY(%s) AND home_province_id = %s",
                [ids, js],
            )
            numbers.extend(row[0] for row in cursor.fetchall())
    rng.shuffle(numbers)
    return list(dict.fromkeys(numbers))[:count]


def pk_lookup_timer(seed: int):
    """A function that times one indexed primary-key lookup on a random subscriber id (seconds)."""
    from django.db import connection

    rng = random.Random(seed + 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM customers_subscriber")
        lo, hi = cursor.fetchone()

    def once() -> float:
        with connection.cursor() as cursor:
            pk = rng.randint(lo, hi)
            started = time.perf_counter()
            cursor.execute(
                "SELECT id, number, home_province_id FROM customers_subscriber WHERE id = %s", [pk]
            )
            cursor.fetchone()
            return time.perf_counter() - started

    return once


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(args, *, name: str, path_of, check) -> dict:
    """Time ``GET path_of(number)`` for random JS lines, interleaved with primary-key lookups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _staff = agent_client()
    numbers = random_js_numbers(args.samples + args.warmup, args.random_seed)
    pk_once = pk_lookup_timer(args.random_seed)
    for number in numbers[: args.warmup]:
        response = client.get(path_of(number))
        assert response.status_code == 200, (response.status_code, response.content[:300])
        pk_once()
    api, cpu, pk, queries = [], [], [], []
    for number in numbers[args.warmup :]:
        pk.append(pk_once())
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path_of(number))
        api.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        check(response)
    for number in numbers[args.warmup : args.warmup + 20]:
        with CaptureQueriesContext(connection) as captured:
            client.get(path_of(number))
        queries.append(len(captured.captured_queries))
    ms = 1000
    result = {
        "name": name,
        "samples": len(api),
        "p50": statistics.median(api) * ms,
        "p95": percentile(api, 95) * ms,
        "cpu_p50": statistics.median(cpu) * ms,
        "cpu_p95": percentile(cpu, 95) * ms,
        "pk_p50": statistics.median(pk) * ms,
        "pk_p95": percentile(pk, 95) * ms,
        "queries": (min(queries), max(queries)),
    }
    result["ratio_p50"] = result["p50"] / result["pk_p50"]
    result["ratio_p95"] = result["p95"] / result["pk_p95"]
    return result


def report(result: dict, sizes: dict, goal_ms: float) -> None:
    q_lo, q_hi = result["queries"]
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} during the run")
    print(
        f"{result['name']}: {result['samples']} requests, {sizes['subscribers']:,} subscribers, ~{sizes['contacts']:,} contacts"
    )
    print(
        f"  server time  p50 {result['p50']:.2f} ms  p95 {result['p95']:.2f} ms  (goal p95 <= {goal_ms:g} ms: {'met' if result['p95'] <= goal_ms else 'MISSED'})"
    )
    print(
        f"  Python CPU   p50 {result['cpu_p50']:.2f} ms  p95 {result['cpu_p95']:.2f} ms  (of the server time)"
    )
    print(f"  pk lookup    p50 {result['pk_p50']:.3f} ms  p95 {result['pk_p95']:.3f} ms")
    print(f"  ratio        p50 {result['ratio_p50']:.0f}x  p95 {result['ratio_p95']:.0f}x")
    print(f"  SQL queries per request: {q_lo}" + (f"..{q_hi}" if q_hi != q_lo else ""))
