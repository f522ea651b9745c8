"""Cross-level orders on loopback (WO-3): N orders province → hub → SIMS → reply → province.

Starts HUB, JS, ZJ and SIMS as real node processes (each its own database, web server and delivery
worker; SQLite by default, PostgreSQL with KEFU_DATABASE_URL=postgres://…), accepts N complaints on JS
at a steady offered rate (``--rate`` orders per second; 0 = as fast as the client threads go) and sends
them to the hub, while an SP replier on SIMS receives and replies to each order as soon as it
is listed. Prints the end-to-end latency of the messages (JS dispatch → SIMS has it, plus SIMS reply → JS
has it: two hops each way, the SP's own time left out) as p50/p95, and orders per second (first dispatch
to last reply on JS). Never fails on time.

    .venv/bin/python bench/federation.py [--orders 1000] [--rate 4] [--threads 8] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

TIMES = r"""
import json
role = "%s"
out = {}
if role == "province":
    from kefu.workorders.models import WorkOrderEvent
    rows = WorkOrderEvent.objects.filter(order__title__startswith="BENCH", action__in=["dispatch", "reply"])
    for number, action, at in rows.values_list("order__number", "action", "at"):
        out.setdefault(number, {})[action] = at.timestamp()
else:
    from kefu.sims.models import SpOrder
    for o in SpOrder.objects.filter(title__startswith="BENCH"):
        out[o.number] = {"in": o.dispatched_at.timestamp(), "out": o.replied_at.timestamp() if o.replied_at else None}
print(json.dumps(out))
"""


def _json(node, code: str) -> dict:
    return json.loads(node.kefu("shell", "-c", code).stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--rate", type=float, default=4.0, help="orders sent per second (0: as fast as the threads go)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the nodes' data directory")
    args = parser.parse_args()

    import django

    django.setup()
    from tests.federation import xl
    from tests.federation.nodes import drop_databases, wait_for

    base = Path(os.environ.get("KEFU_DATA_DIR", ROOT / "var" / "xl")).resolve() / "bench"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"starting HUB, JS, ZJ, SIMS under {base} …", flush=True)
    fed = xl.start(base)
    try:
        d = xl.Desks(fed)
        pool = ThreadPoolExecutor(max_workers=args.threads)
        stop = threading.Event()
        replied: set[str] = set()

        def replier():
            while not stop.is_set():
                try:
                    page = d.sims_admin.get("/api/v1/sp-orders?state=dispatched&limit=2000")["results"]
                except (xl.ApiError, OSError):
                    continue
                todo = [o["number"] for o in page if o["number"] not in replied]
                if not todo:
                    time.sleep(0.05)
                    continue

                def one(number):
                    d.sp_act(number, "receive")
                    d.sp_act(number, "reply", "已退订并退费")
                    replied.add(number)

                list(pool.map(one, todo))

        thread = threading.Thread(target=replier, daemon=True)
        thread.start()
        started = time.perf_counter()

        def order(i):
            if args.rate:
                time.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
            number = d.accept(f"BENCH-{i:05d}")
            d.send(number)
            return number

        with ThreadPoolExecutor(max_workers=args.threads) as senders:
            numbers = list(senders.map(order, range(args.orders)))
        print(f"{args.orders} orders accepted and sent in {time.perf_counter() - started:.1f} s", flush=True)

        def all_replied():
            states = {}
            url = "/api/v1/work-orders?page_size=500&state=replied"
            while url:
                page = d.back.get(url)
                states.update({o["number"]: o["state"] for o in page["results"]})
                url = page["next"][page["next"].index("/api/") :] if page.get("next") else None
            return len(set(numbers) & set(states)) == len(numbers)

        wait_for(all_replied, timeout=1800, interval=1, what="every reply back on JS")
        stop.set()
        thread.join(timeout=30)
        pool.shutdown()
        js, sims = _json(fed["JS"], TIMES % "province"), _json(fed["SIMS"], TIMES % "sims")
        latencies = [(sims[n]["in"] - js[n]["dispatch"]) + (js[n]["reply"] - sims[n]["out"]) for n in numbers]
        down = sorted(sims[n]["in"] - js[n]["dispatch"] for n in numbers)
        up = sorted(js[n]["reply"] - sims[n]["out"] for n in numbers)
        print(
            f"legs: JS→SIMS p50 {down[len(down) // 2] * 1000:.0f} ms, SIMS→JS p50 {up[len(up) // 2] * 1000:.0f} ms"
        )
        span = max(js[n]["reply"] for n in numbers) - min(js[n]["dispatch"] for n in numbers)
        cuts = statistics.quantiles(latencies, n=100)
        db = "PostgreSQL" if os.environ.get("KEFU_DATABASE_URL", "").startswith("postgres") else "SQLite"
        rate = f"{args.rate:g}/s" if args.rate else "unlimited"
        print(f"database: {db}; orders: {len(numbers)}; offered rate: {rate}; threads: {args.threads}")
        print(f"end-to-end message latency (JS→HUB→SIMS + SIMS→HUB→JS): p50 {cuts[49] * 1000:.0f} ms, "
              f"p95 {cuts[94] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")  # fmt: skip
        print(
            f"throughput: {len(numbers) / span:.1f} orders/s ({span:.1f} s from first dispatch to last reply)"
        )
    finally:
        fed.stop()
        drop_databases(fed)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
