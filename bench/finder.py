"""Benchmark: the desk's finder (VIEW-1) by name, name + city and ID-number prefix, on PostgreSQL.

``GET /desk/customers/?q=…`` as a JS hotline agent (province scope), timed in-process as server time
(the whole stack: session, scope, the search query, its audit row, the page), for queries built from
random JS customers: their name ("张伟"), their name and home city ("张伟 南京"), and a prefix of
6 to 14 characters of their ID number. Goal: p95 <= 100 ms at 1,000,000 subscribers. In the same run
one indexed primary-key lookup is timed (see bench/_api_timing.py).

    flock /tmp/kefu-bench.lock .venv/bin/python bench/finder.py [--samples 300] [--keep]
        [--database kefu_bench_customers] [--subscribers 1000000] [--contacts-per-subscriber 0]

The database of bench/customer_view.py is reused when it exists (``--keep``); otherwise it is created
and filled (the finder reads no contacts: ``--contacts-per-subscriber 0`` skips them) and dropped
afterwards unless --keep. Prints figures; never fails on time.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_timing as timing  # noqa: E402

GOAL_MS = 100


def queries(args) -> dict[str, list[str]]:
    """The three kinds of query, built from random JS lines' customers."""
    from kefu.customers.models import Subscriber

    rng = random.Random(args.random_seed + 11)
    numbers = timing.random_js_numbers(args.samples + args.warmup, args.random_seed)
    lines = Subscriber.objects.filter(number__in=numbers).select_related("customer", "home_city")
    rows = [(s.customer.name, s.home_city.name, s.customer.id_number) for s in lines]
    rng.shuffle(rows)
    return {
        "name": [name for name, _city, _id in rows],
        "name + city": [f"{name} {city}" for name, city, _id in rows],
        "ID prefix": [id_number[: rng.randint(6, 14)] for _name, _city, id_number in rows],
    }


def time_kind(client, pk_once, kind: str, texts: list[str], warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for text in texts[:warmup]:
        client.get("/desk/customers/", {"q": text})
    server, cpu, pk, found = [], [], [], []
    for text in texts[warmup:]:
        pk.append(pk_once())
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/desk/customers/", {"q": text})
        server.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code in (200, 302), (response.status_code, text)
        found.append(
            1 if response.status_code == 302 else response.content.count(b'<tr><td><a href="/desk/customers/')
        )
    counts = []
    for text in texts[warmup : warmup + 10]:
        with CaptureQueriesContext(connection) as captured:
            client.get("/desk/customers/", {"q": text})
        counts.append(len(captured.captured_queries))
    ms = 1000
    return {
        "kind": kind,
        "samples": len(server),
        "p50": statistics.median(server) * ms,
        "p95": timing.percentile(server, 95) * ms,
        "cpu_p50": statistics.median(cpu) * ms,
        "cpu_p95": timing.percentile(cpu, 95) * ms,
        "pk_p95": timing.percentile(pk, 95) * ms,
        "found_p50": statistics.median(found),
        "found_max": max(found),
        "queries": (min(counts), max(counts)),
    }


def main() -> int:
    args = timing.arguments(__doc__)
    sizes = timing.prepare(args)
    try:
        import os

        from django.test import Client

        _api_client, staff = timing.agent_client()
        client = Client()
        client.force_login(staff)
        pk_once = timing.pk_lookup_timer(args.random_seed)
        kinds = queries(args)
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
        print(f"finder: {sizes['subscribers']:,} subscribers; goal p95 <= {GOAL_MS} ms per kind")
        for kind, texts in kinds.items():
            r = time_kind(client, pk_once, kind, texts, args.warmup)
            q_lo, q_hi = r["queries"]
            print(
                f"  {r['kind']:<12} {r['samples']} searches  p50 {r['p50']:.2f} ms  p95 {r['p95']:.2f} ms"
                f"  ({'met' if r['p95'] <= GOAL_MS else 'MISSED'})  lines found p50 {r['found_p50']:g}"
                f" max {r['found_max']}  SQL queries {q_lo}{f'..{q_hi}' if q_hi != q_lo else ''}"
                f"  Python CPU p50 {r['cpu_p50']:.2f} / p95 {r['cpu_p95']:.2f} ms  pk lookup p95 {r['pk_p95']:.3f} ms"
            )
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        if not args.keep:
            timing.drop(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
