"""The router process's command latency (issue 14, ADR 0008): what a web process waits for when it
offers a call, an agent answers or hangs up — one HTTP hop to ``kefu router``, the decision, the
writes on PostgreSQL — next to the hop alone (``GET /healthz``) in the same run.

A scratch database is created and migrated (dropped at the end unless ``--keep``), one hotline queue
and ``--agents`` seats in the JS public group are made, ``kefu router`` is started, every agent is
set ready. Then ``--calls`` calls are offered from ``--clients`` threads at once (each offer answers
``offered`` while agents are free, then ``queued``); each offered call is answered and hung up, and
the agent's wrap-up ended, all timed per command.

    PYTHONPATH=src .venv/bin/python bench/routing_router.py [--agents 200] [--calls 2000] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

KEFU = [sys.executable, "-m", "kefu.cli"]
SETUP = """
from kefu.core.models import AgentGroup, Province
from kefu.core.models import Staff
from kefu.routing.models import RoutingQueue, Seat
js = Province.objects.get(code="JS")
RoutingQueue.objects.get_or_create(code="JS-10086", defaults=dict(name="bench", province=js, hotline="10086",
    tiers=[{"groups": "@public", "wait": 0}], wrapup_seconds=3600))
public = AgentGroup.objects.get(code="GRP-JS-PUBLIC")
for n in range(AGENTS):
    staff, _ = Staff.objects.get_or_create(job_number=f"rb{n:04d}", defaults=dict(name="bench", role="hotline_agent",
                                          province=js))
    seat, _ = Seat.objects.get_or_create(staff=staff, defaults=dict(contact=f"sip:rb{n:04d}@127.0.0.1"))
    seat.groups.set([public])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection per thread to the router (as a web process's thread would hold)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def command(self, name: str, **arguments) -> tuple[float, int, dict]:
        body = json.dumps(arguments).encode()
        started = time.perf_counter()
        self.connection.request(
            "POST", f"/commands/{name}", body=body, headers={"Content-Type": "application/json"}
        )
        response = self.connection.getresponse()
        data = json.loads(response.read())
        return (time.perf_counter() - started) * 1000, response.status, data

    def health(self) -> float:
        started = time.perf_counter()
        self.connection.request("GET", "/healthz")
        self.connection.getresponse().read()
        return (time.perf_counter() - started) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_routing")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import psycopg

    url = f"{args.server}/{args.database}"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{args.database}"')
    data = Path("var") / "bench-routing"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ, KEFU_DATABASE_URL=url, KEFU_DATA_DIR=str(data), KEFU_BUS_URL=os.environ.get("KEFU_BUS_URL", "db"),
               KEFU_ROUTER_URL=f"http://127.0.0.1:{port}", KEFU_LOG_LEVEL="WARNING")  # fmt: skip
    started = time.monotonic()
    subprocess.run([*KEFU, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*KEFU, "shell", "-c", SETUP.replace("AGENTS", str(args.agents))], env=env, check=True)
    print(f"database migrated and set up in {time.monotonic() - started:.0f} s")
    router = subprocess.Popen([*KEFU, "router"], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Client(port).health()
                break
            except OSError:
                if time.monotonic() > deadline or router.poll() is not None:
                    raise SystemExit("the router did not start")
                time.sleep(0.2)
        setup = Client(port)
        for n in range(args.agents):
            setup.command("set_state", job_number=f"rb{n:04d}", state="ready")

        times: dict[str, list[float]] = {"offer": [], "answer": [], "hangup": [], "end_wrapup": [], "hop": []}
        outcomes: dict[str, int] = {}

        def one(n: int, client: Client) -> None:
            times["hop"].append(client.health())
            ms, status, body = client.command(
                "offer", call_id=f"b{n}", queue="JS-10086", city=None, level=0, calling_number="13900000000"
            )
            times["offer"].append(ms)
            outcomes[body.get("state", str(status))] = outcomes.get(body.get("state", str(status)), 0) + 1
            if body.get("state") != "offered":
                return
            agent = body["agent"]
            for name, arguments in (
                ("answer", {"call_id": f"b{n}", "agent": agent}),
                ("hangup", {"call_id": f"b{n}"}),
                ("end_wrapup", {"job_number": agent}),
            ):
                ms, status, _ = client.command(name, **arguments)
                times[name].append(ms)

        local = threading.local()

        def client() -> Client:
            if not hasattr(local, "client"):
                local.client = Client(port)
            return local.client

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(lambda n: one(n, client()), range(args.calls)))
        elapsed = time.perf_counter() - began
        print(f"{args.calls} calls from {args.clients} threads in {elapsed:.1f} s "
              f"({args.calls / elapsed:.0f} calls/s, each offered, answered, hung up, wrap-up ended): {outcomes}")  # fmt: skip
        print(f"{'command (ms)':<16}{'n':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'mean':>9}")
        for name, values in times.items():
            if values:
                print(f"{name:<16}{len(values):>7}{pct(values, .5):>9.2f}{pct(values, .95):>9.2f}"
                      f"{pct(values, .99):>9.2f}{statistics.fmean(values):>9.2f}")  # fmt: skip
        print(f"offer p95 / hop p95: {pct(times['offer'], 0.95) / pct(times['hop'], 0.95):.1f}x")
    finally:
        router.terminate()
        router.wait(timeout=20)
        if not args.keep:
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
