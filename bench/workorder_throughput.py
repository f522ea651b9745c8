"""Work-order throughput through the HTTP API, next to pgbench on the same server (PostgreSQL).

Full lifecycles (accept → dispatch → receive → reply → feedback → archive: six transitions) are driven
by client processes against ``kefu serve --workers N`` on a fresh database; then pgbench's TPC-B runs
on a scratch database of the same server for the same time. Prints transitions per second, pgbench's
tps and their ratio; never fails on time.

    .venv/bin/python bench/workorder_throughput.py [--workers 2] [--threads 4] [--clients 8]
        [--seconds 30] [--server postgres://postgres@127.0.0.1:5432] [--keep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

from workorder_common import Client, drop_database, fresh_database, kefu_env, migrate_and_setup, serve, stop

URL = "/api/v1/work-orders"


def _lifecycles(args) -> tuple[int, int, list[float]]:
    port, setup, deadline, index = args
    tokens = setup["tokens"]
    agent, back, city = (Client(port, tokens[k]) for k in ("agent", "back", "city"))
    done = errors = 0
    latencies: list[float] = []
    numbers = setup["numbers"]
    i = index
    while time.time() < deadline:
        i += 1
        started = time.perf_counter()
        status, body = agent.call(
            "POST",
            URL,
            {"kind": "complaint", "subscriber": numbers[i % len(numbers)], "category": setup["category"]},
            {"Idempotency-Key": uuid.uuid4().hex},
        )
        if status != 201:
            errors += 1
            continue
        done += 1
        number = body["number"]
        for client, action, payload in (
            (back, "dispatch", {}),
            (city, "receive", {}),
            (city, "reply", {"comment": "已处理"}),
            (back, "feedback", {"satisfaction": "satisfied"}),
            (
                back,
                "archive",
                {"responsibility_cause": setup["cause"], "responsible_department": setup["department"]},
            ),
        ):
            status, _ = client.call("POST", f"{URL}/{number}/{action}", payload)
            if status != 200:
                errors += 1
                break
            done += 1
        latencies.append(time.perf_counter() - started)
    return done, errors, latencies


def cpu_by_role(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the kefu server (the gunicorn master's workers), PostgreSQL's
    backends, this script's clients and everything else on the machine (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (cmd, (int(fields[11]) + int(fields[12])) / tick)
    me = os.getpid()
    totals = {"server": 0.0, "postgres": 0.0, "clients": 0.0, "other": 0.0}
    for pid, (cmd, seconds) in used.items():
        if pid == server_pid or parents.get(pid) == server_pid:
            role = "server"
        elif cmd.startswith("postgres"):
            role = "postgres"
        elif pid == me or parents.get(pid) == me:
            role = "clients"
        else:
            role = "other"
        totals[role] += seconds
    return totals


def pgbench(server: str, seconds: int, clients: int) -> float:
    binary = shutil.which("pgbench") or next(
        iter(sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin/pgbench"))), None
    )
    if binary is None:
        raise SystemExit("pgbench not found: apt-get install -y postgresql-contrib")
    url = fresh_database(server, "kefu_bench_pgbench")
    try:
        subprocess.run([binary, "-i", "-s", "10", "-q", url], check=True, capture_output=True)
        out = subprocess.run(
            [binary, "-T", str(seconds), "-c", str(clients), "-j", "2", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        drop_database(server, "kefu_bench_pgbench")
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_wo")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--bus", default="redis://127.0.0.1:6379/15", help="KEFU_BUS_URL of the server")
    args = parser.parse_args()

    url = fresh_database(args.server, args.database)
    env = kefu_env(url, "bench-wo")
    # served as in production: after-commit notifications go to Redis pub/sub, not the table bus
    env["KEFU_BUS_URL"] = args.bus
    try:
        setup = migrate_and_setup(env, subscribers=50)
        server = serve(env, port=args.port, workers=args.workers, threads=args.threads)
        try:
            # warm-up: every worker imports, connects and compiles its templates once
            _lifecycles((args.port, setup, time.time() + 3, 10_000))
            deadline = time.time() + args.seconds
            with multiprocessing.Pool(args.clients) as pool:
                started = time.time()
                cpu_before = cpu_by_role(server.pid)
                results = pool.map(
                    _lifecycles, [(args.port, setup, deadline, n * 100_000) for n in range(args.clients)]
                )
                cpu_after = cpu_by_role(server.pid)
                elapsed = time.time() - started
        finally:
            stop(server)
        transitions = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
        latencies = sorted(x for r in results for x in r[2])
        tps = pgbench(args.server, args.seconds, args.clients)
    finally:
        if not args.keep:
            drop_database(args.server, args.database)

    rate = transitions / elapsed
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    print(
        f"kefu serve --workers {args.workers} --threads {args.threads}, {args.clients} client processes, "
        f"{args.seconds} s, bus {args.bus}"
    )
    print(f"  lifecycles completed        {len(latencies):>10,}")
    print(f"  transitions                 {transitions:>10,}  (errors: {errors})")
    print(f"  transitions per second      {rate:>10.1f}")
    print(f"  lifecycle p50 (6 requests)  {p50:>10.1f} ms")
    spent = {role: cpu_after[role] - cpu_before[role] for role in cpu_after}
    print(
        "  CPU per transition           "
        + ", ".join(
            f"{role} {1000 * seconds / max(transitions, 1):.2f} ms" for role, seconds in spent.items()
        )
    )
    print(f"  pgbench TPC-B tps (-s 10 -c {args.clients} -j 2 -T {args.seconds})  {tps:>10.1f}")
    print(f"  ratio transitions/s : tps   {rate / tps:>10.3f}   (goal >= 0.35)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
