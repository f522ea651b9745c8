"""How long the wallboard's document takes to build (kefu.routing.wallboard.build), pure Python, for a
large centre: the work the JSON endpoint does per request beside its three queries, and what each
supervisor's browser does per pushed snapshot (the same formulas in wallboard.js).

A core Router with ``--agents`` agents in ``--groups`` city groups plus a public group, ``--queues``
queues, ``--waiting`` calls waiting and a full day of stored intervals (``--intervals``, 96 = 15 min)
per queue. In the same run, ``Router.snapshot`` is timed (the router's own work per push) and the
document's JSON size printed. Figures only: nothing passes or fails on time.

    PYTHONPATH=src .venv/bin/python bench/wallboard.py [--agents 5000] [--queues 20] [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from kefu.routing import kpi, wallboard
from kefu.routing.core import Group, Queue, Router


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--intervals", type=int, default=96)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(14)

    router = Router(interval=900)
    cities = [f"{3200 + i}" for i in range(args.groups)]
    groups = [Group(f"G{c}", c) for c in cities] + [Group("PUB")]
    queues = [Queue(f"Q{i:02d}", hotline=f"1000{i}") for i in range(args.queues)]
    router.configure(groups=groups, queues=queues)
    now = 86400.0 * 20000
    for i in range(args.agents):
        job = f"A{i:05d}"
        router.upsert_agent(job, groups=[rng.choice(groups).code])
        state = rng.choice(["ready", "ready", "not_ready", "logged_out"])
        if state != "logged_out":
            router.set_state(job, "ready", now=now - 600)
        if state == "not_ready":
            router.set_state(job, "not_ready", now=now - 590, reason="break")
    # every ready agent takes a call, then the waiting ones queue
    for i in range(sum(1 for a in router.agents.values() if a.state == "ready") + args.waiting):
        router.offer(
            f"c{i}", queue=rng.choice(queues).code, city=rng.choice(cities), now=now - rng.random() * 60
        )
    snapshot = router.snapshot(now)
    start = snapshot["queues"][queues[0].code]["interval"]
    day = {
        q.code: {
            start - 900 * (k + 1): {
                **kpi.empty(),
                "offered": 100,
                "answered": 90,
                "answered_in_threshold": 80,
                "wait_answered": 700.0,
            }
            for k in range(args.intervals - 1)
        }
        for q in queues
    }
    names = {
        "queues": {q.code: {"name": q.code, "answer_threshold": 15} for q in queues},
        "groups": {g.code: {"name": g.code, "city": g.city} for g in groups},
    }

    def timed(fn) -> list[float]:
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        return sorted(samples)

    snap_ms = timed(lambda: router.snapshot(now))
    build_ms = timed(lambda: wallboard.build(snapshot, day=day, names=names, threshold=15))
    size = len(json.dumps(wallboard.build(snapshot, day=day, names=names, threshold=15), ensure_ascii=False))
    push = len(json.dumps({"type": "wallboard", **snapshot}, ensure_ascii=False))

    def p(samples: list[float], q: float) -> float:
        return samples[min(len(samples) - 1, int(q * len(samples)))]

    print(
        f"agents {args.agents}, groups {len(groups)}, queues {args.queues}, waiting {args.waiting}, "
        f"stored intervals {args.intervals - 1} per queue, runs {args.runs}"
    )
    print(
        f"Router.snapshot    median {statistics.median(snap_ms):7.2f} ms  p99 {p(snap_ms, 0.99):7.2f} ms"
        f"  pushed message {push / 1024:.1f} KiB"
    )
    print(
        f"wallboard.build    median {statistics.median(build_ms):7.2f} ms  p99 {p(build_ms, 0.99):7.2f} ms"
        f"  document {size / 1024:.1f} KiB"
    )


if __name__ == "__main__":
    main()
