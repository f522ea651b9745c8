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

# Every federation message a node sent (outbox) and received (inbox), with the times the protocol
# records: enough to split each hop into queueing at the sender, the post, the apply and the answer.
MESSAGES = r"""
import json
from kefu.core.models import OutboxMessage
from kefu.federation.models import InboxMessage
sent = {}
for pk, dest, payload, created, delivered, attempts, error in OutboxMessage.objects.filter(
    topic="federation.message"
).values_list("pk", "destination", "payload", "created_at", "delivered_at", "attempts", "last_error"):
    sent[payload["id"]] = {"to": dest, "type": payload["type"], "order": payload["order"],
                           "created": created.timestamp(), "attempts": attempts, "error": error[:120],
                           "delivered": delivered.timestamp() if delivered else None}
received = {}
for mid, sender, envelope, received_at, applied_at in InboxMessage.objects.values_list(
    "message_id", "sender", "envelope", "received_at", "applied_at"
):
    received[str(mid)] = {"from": sender, "sent": envelope["timestamp"], "received": received_at.timestamp(),
                          "applied": applied_at.timestamp() if applied_at else None}
print(json.dumps({"sent": sent, "received": received}))
"""


def _json(node, code: str) -> dict:
    return json.loads(node.kefu("shell", "-c", code).stdout.strip().splitlines()[-1])


def _ms(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "-"
    cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return f"p50 {cuts[49] * 1000:5.0f}  p95 {cuts[94] * 1000:5.0f}  max {values[-1] * 1000:5.0f} ms"


def breakdown(fed, slowest: list[tuple[float, str, float]], first: float) -> None:
    """Per link: queueing at the sender (recorded → last attempt sent), post (sent → the receiver's
    inbox row, i.e. connection, a free server thread and the database's write lock), apply (inbox row
    → applied) and answer (applied → the sender marked it delivered); retried posts and their errors.
    Then the messages of the slowest orders, hop by hop (times in ms from the order's dispatch on JS)."""
    from datetime import datetime

    nodes = {code: _json(node, MESSAGES) for code, node in fed.nodes.items()}
    for data in nodes.values():
        for got in data["received"].values():
            got["sent"] = datetime.fromisoformat(got["sent"].replace("Z", "+00:00")).timestamp()
    print("per link (n, retried):  queue | post | apply | answer")
    for sender, data in nodes.items():
        by_peer: dict[str, list] = {}
        for mid, out in data["sent"].items():
            got = nodes.get(out["to"], {}).get("received", {}).get(mid)
            if got and got["applied"] and out["delivered"]:
                by_peer.setdefault(out["to"], []).append((out, got))
        for peer, pairs in sorted(by_peer.items()):
            sent = [g["sent"] for _, g in pairs]
            retried = [o for o, _ in pairs if o["attempts"] > 1]
            print(f"  {sender}→{peer} ({len(pairs)}, {len(retried)})")
            print(f"    queue  {_ms([s - o['created'] for s, (o, _) in zip(sent, pairs, strict=True)])}")
            print(f"    post   {_ms([g['received'] - s for s, (_, g) in zip(sent, pairs, strict=True)])}")
            print(f"    apply  {_ms([g['applied'] - g['received'] for _, g in pairs])}")
            print(f"    answer {_ms([o['delivered'] - g['applied'] for o, g in pairs])}")
            errors: dict[str, int] = {}
            for o in retried:
                errors[o["error"]] = errors.get(o["error"], 0) + 1
            for error, count in sorted(errors.items(), key=lambda item: -item[1])[:5]:
                print(f"    retried {count}×, last error: {error}")
    for latency, number, start in slowest:
        print(f"  {number}: {latency * 1000:.0f} ms, dispatched at +{start - first:.1f} s")
        hops = []
        for sender, data in nodes.items():
            for mid, out in data["sent"].items():
                got = nodes.get(out["to"], {}).get("received", {}).get(mid)
                if out["order"] == number and got and got["applied"]:
                    hops.append((out["created"], sender, out, got))
        for created, sender, out, got in sorted(hops, key=lambda hop: hop[0]):
            print(
                f"    {sender}→{out['to']} {out['type']:<20} recorded +{(created - start) * 1000:5.0f}"
                f"  queue {(got['sent'] - created) * 1000:5.0f}  post {(got['received'] - got['sent']) * 1000:5.0f}"
                f"  apply {(got['applied'] - got['received']) * 1000:5.0f}  attempts {out['attempts']}"
                + (f"  ({out['error']})" if out["error"] else "")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--rate", type=float, default=4.0, help="orders sent per second (0: as fast as the threads go)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the nodes' data directory")
    parser.add_argument(
        "--breakdown", action="store_true", help="also print where each link's time goes (queue, post, apply)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from tests.federation import xl
    from tests.federation.nodes import drop_databases
    from tests.waits import wait_for

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

        wait_for(all_replied, timeout=1800, interval=1, message="every reply back on JS")
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
        if args.breakdown:
            worst = sorted(zip(latencies, numbers, strict=True), reverse=True)[:5]
            first = min(js[n]["dispatch"] for n in numbers)
            breakdown(fed, [(latency, n, js[n]["dispatch"]) for latency, n in worst], first)
    finally:
        fed.stop()
        drop_databases(fed)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
