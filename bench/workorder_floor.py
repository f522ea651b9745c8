"""How far a Python web tier could go at all: the throughput benchmark's lifecycles against a bare
WSGI app (``_floor_app.py``: psycopg, prepared statements, no framework, no checks) that writes the
same rows into the same schema as the engine, next to kefu itself and pgbench in the same run.

The figure is kefu ÷ floor (goal ≥ 0.5): the gap between the floor and kefu is what the framework
and the engine's checks cost. pgbench's TPC-B rate is printed beside it for orientation (the former
goal of 0.35 × pgbench is out of reach of any Python tier here, the floor included); ``--no-pgbench``
leaves it out.

    cd bench && ../.venv/bin/python workorder_floor.py [--workers 4] [--clients 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time

import psycopg
from workorder_common import (
    ROOT,
    drop_database,
    fresh_database,
    kefu_env,
    migrate_and_setup,
    serve,
    stop,
    wait_healthy,
)
from workorder_throughput import _lifecycles, cpu_by_role, pgbench


def run_clients(port: int, setup: dict, clients: int, seconds: int, server_pid: int) -> dict:
    _lifecycles((port, setup, time.time() + 3, 10_000))  # warm-up
    deadline = time.time() + seconds
    with multiprocessing.Pool(clients) as pool:
        started = time.time()
        before = cpu_by_role(server_pid)
        results = pool.map(_lifecycles, [(port, setup, deadline, n * 100_000) for n in range(clients)])
        after = cpu_by_role(server_pid)
        elapsed = time.time() - started
    transitions = sum(r[0] for r in results)
    return {
        "rate": transitions / elapsed,
        "errors": sum(r[1] for r in results),
        "cpu": {role: 1000 * (after[role] - before[role]) / max(transitions, 1) for role in after},
    }


def serve_floor(url: str, template: dict, bus: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "FLOOR_DSN": url, "FLOOR_TEMPLATE": json.dumps(template), "FLOOR_BUS": bus}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "_floor_app:app"],
        env=env,
        cwd=ROOT / "bench",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return wait_healthy(process, port, "the floor app")


def line(name: str, result: dict, tps: float | None) -> str:
    cpu = ", ".join(f"{role} {ms:.2f}" for role, ms in result["cpu"].items())
    versus = f"  ÷ pgbench {result['rate'] / tps:.3f}" if tps else ""
    return (
        f"  {name:<28}{result['rate']:>9.1f} tr/s{versus}  errors {result['errors']}"
        f"  CPU ms per transition: {cpu}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_floor")
    parser.add_argument("--bus", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--no-pgbench", action="store_true", help="leave pgbench out")
    args = parser.parse_args()

    url = fresh_database(args.server, args.database)
    env = kefu_env(url, "bench-floor")
    env["KEFU_BUS_URL"] = args.bus
    try:
        setup = migrate_and_setup(env, subscribers=50)
        server = serve(env, port=args.port, workers=args.workers, threads=1)
        try:
            kefu = run_clients(args.port, setup, args.clients, args.seconds, server.pid)
        finally:
            stop(server)
        with psycopg.connect(url) as conn:  # rows kefu wrote are the floor's templates
            template = {
                name: conn.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
                for name, table in (
                    ("order", "workorders_workorder"),
                    ("event", "workorders_workorderevent"),
                    ("outbox", "core_outboxmessage"),
                    ("audit", "core_auditevent"),
                )
            }
        server = serve_floor(url, template, args.bus, args.port, args.workers)
        try:
            floor = run_clients(args.port, setup, args.clients, args.seconds, server.pid)
        finally:
            stop(server)
        tps = None if args.no_pgbench else pgbench(args.server, args.seconds, args.clients)
    finally:
        drop_database(args.server, args.database)

    print(
        f"{args.workers} worker processes each (kefu gthread, floor sync), {args.clients} client processes, {args.seconds} s each, bus {args.bus}"
    )
    print(line("kefu (Django, the engine)", kefu, tps))
    print(line("floor (bare WSGI + psycopg)", floor, tps))
    if tps:
        print(f"  pgbench TPC-B tps (-s 10 -c {args.clients} -j 2 -T {args.seconds})  {tps:.1f}")
    print(
        f"  kefu ÷ floor {kefu['rate'] / floor['rate']:.2f}   (goal >= 0.5)   load {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
