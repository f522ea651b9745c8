"""Drive many cross-level orders through real nodes (JS → HUB → SIMS → JS), optionally killing (SIGKILL)
the hub and the province at random moments and restarting them, then check that every node agrees:
used by ``tests/federation/test_fault.py`` and ``bench/federation_fault.py`` / ``bench/federation.py``.

Each order goes: accept (JS agent, with an Idempotency-Key) → send to the hub (JS back office) → receive
and reply (SP desk) → feedback "satisfied" and archive (JS back office). The driver works in rounds: it
reads every node's list of orders, does the next step of each order whose state calls for it (in a
thread pool), and tolerates a node being down (the call is simply tried again in a later round).
"""

from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.federation import xl
from tests.waits import wait_for

ROUND_PAUSE = 0.3  # seconds between two rounds of the driver

INSPECT = r"""
import json
from django.db.models import Count
from kefu.core.models import OutboxMessage
from kefu.federation.models import InboxMessage
out = {"pending": OutboxMessage.objects.filter(delivered_at__isnull=True, dead=False).count(),
       "dead": OutboxMessage.objects.filter(dead=True).count(),
       "held": InboxMessage.objects.filter(status="held").count(),
       "inbox": InboxMessage.objects.count()}
role = "%s"
if role == "province":
    from kefu.workorders.models import WorkOrder
    out["orders"] = {o.number: [o.state, o.event_seq] for o in WorkOrder.objects.filter(title__startswith="%s")}
elif role == "hub":
    from kefu.hub.models import HubOrder
    out["orders"] = {o.number: [o.state, o.event_seq] for o in HubOrder.objects.filter(title__startswith="%s")}
else:
    from kefu.sims.models import SpOrder
    out["orders"] = {o.number: [o.state, o.event_seq] for o in SpOrder.objects.filter(title__startswith="%s")}
print(json.dumps(out))
"""


def inspect(node, tag: str) -> dict:
    out = node.kefu("shell", "-c", INSPECT % (node.role, tag, tag, tag)).stdout
    return json.loads(out.strip().splitlines()[-1])


@dataclass
class Report:
    orders: int
    seconds: float = 0.0
    kills: list = field(default_factory=list)
    api_errors: int = 0


class Driver:
    def __init__(self, fed, desks: xl.Desks, *, n: int, tag: str, threads: int = 8):
        self.fed, self.d, self.n, self.tag = fed, desks, n, tag
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.numbers: dict[int, str] = {}
        self.errors = 0
        self.lock = threading.Lock()

    def _try(self, fn, *args):
        try:
            return fn(*args)
        except (xl.ApiError, OSError) as exc:
            if isinstance(exc, xl.ApiError) and exc.status in (400, 403, 422):
                raise
            with self.lock:
                self.errors += 1
            return None

    def _accept(self, i: int):
        number = self.d.accept(f"{self.tag}-{i:05d}", key=f"{self.tag}-{i}")
        self.numbers[i] = number
        return number

    def _relogin(self):
        for api in (self.d.agent, self.d.back):
            try:
                api.login()
            except (xl.ApiError, OSError):
                pass

    def _list(self, api, path: str, key: str = "results") -> dict[str, str]:
        states: dict[str, str] = {}
        url = path
        while url:
            page = api.get(url)
            for row in page[key]:
                if row.get("title", self.tag).startswith(self.tag):
                    states[row["number"]] = row["state"]
            nxt = page.get("next")
            url = nxt[nxt.index("/api/") :] if nxt else None
        return states

    def states(self) -> tuple[dict, dict] | None:
        try:
            js = self._list(self.d.back, "/api/v1/work-orders?page_size=500")
            sims = self._list(self.d.sims_admin, "/api/v1/sp-orders?limit=2000")
        except (xl.ApiError, OSError):
            return None
        return js, sims

    def round(self) -> bool:
        """One round; True when every order is archived on JS and SIMS."""
        missing = [i for i in range(self.n) if i not in self.numbers]
        futures = [self.pool.submit(self._try, self._accept, i) for i in missing[:200]]
        for f in futures:
            f.result()
        got = self.states()
        if got is None:  # a node is down: try again next round
            return False
        js, sims = got
        steps = []
        for number in self.numbers.values():
            j, s = js.get(number), sims.get(number)
            if j == "accepted":
                steps.append((self.d.send, number))
            elif s == "dispatched":
                steps.append((self.d.sp_act, number, "receive"))
            elif s == "processing":
                steps.append((self.d.sp_act, number, "reply", "已退订并退费"))
            elif j == "replied":
                steps.append((self.d.js_act, number, "feedback", {"satisfaction": "satisfied"}))
            elif j == "feedback":
                steps.append((self.d.archive, number))
        futures = [self.pool.submit(self._try_step, step) for step in steps]
        for f in futures:
            f.result()
        done = len(self.numbers) == self.n and all(
            js.get(n) == "archived" and sims.get(n) == "archived" for n in self.numbers.values()
        )
        return done

    def _try_step(self, step):
        fn, *args = step
        try:
            return fn(*args)
        except xl.ApiError as exc:
            if exc.status == 401:
                self._relogin()
            with self.lock:
                self.errors += 1  # e.g. a step already taken (409) or a node just restarted
        except OSError:
            with self.lock:
                self.errors += 1

    def run(self, *, timeout: float) -> None:
        wait_for(self.round, timeout, f"all {self.n} orders archived on JS and SIMS", interval=ROUND_PAUSE)


def killer(
    fed, stop: threading.Event, report: Report, *, seed: int, victims=("HUB", "JS")
) -> threading.Thread:
    """Kill a victim node (SIGKILL) at a random moment, wait a little, restart it; until ``stop``."""
    rng = random.Random(seed)

    def run():
        while not stop.wait(rng.uniform(2.0, 6.0)):
            code = rng.choice(victims)
            node = fed[code]
            xl.kill(node)
            report.kills.append(code)
            stop.wait(rng.uniform(0.2, 1.5))  # down a random while: the fault itself, not a wait
            node.start()

    thread = threading.Thread(target=run, name="killer", daemon=True)
    thread.start()
    return thread


def run(
    fed, desks: xl.Desks, *, n: int, kill: bool, seed: int = 5, tag: str = "FAULT", timeout: float = 1800
):
    """Drive ``n`` orders to archive (killing HUB and JS meanwhile when ``kill``); return the report."""
    report = Report(orders=n)
    driver = Driver(fed, desks, n=n, tag=tag)
    stop = threading.Event()
    thread = killer(fed, stop, report, seed=seed) if kill else None
    started = time.monotonic()
    try:

        def archived() -> bool:
            done = driver.round()
            # the killing stops once most orders have passed the hub at least once
            if thread is not None and not stop.is_set() and len(report.kills) >= max(4, n // 100):
                stop.set()
            return done

        wait_for(archived, timeout, f"all {n} orders archived on JS and SIMS", interval=ROUND_PAUSE)
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=120)
        driver.pool.shutdown(wait=True)
    for code in ("HUB", "JS"):  # a node killed last may still be starting
        if not fed[code].procs:
            fed[code].start()
    report.seconds = time.monotonic() - started
    report.api_errors = driver.errors
    return report


def verify(fed, *, n: int, tag: str = "FAULT") -> dict:
    """Every order in the same state on every node, each action applied exactly once, nothing left."""
    xl.quiet(fed, timeout=300)
    views = {code: inspect(fed[code], tag) for code in ("JS", "HUB", "SIMS")}
    js, hub, sims = (views[c]["orders"] for c in ("JS", "HUB", "SIMS"))
    assert len(js) == n, f"JS has {len(js)} orders, expected {n}"
    assert set(js) == set(hub) == set(sims), "the nodes do not hold the same orders"
    for number in js:
        states = (js[number][0], hub[number][0], sims[number][0])
        assert states == ("archived",) * 3, f"{number}: {states}"
        # JS: accept, dispatch, receive, reply (the hub's), feedback, archive; the hub and SIMS: dispatch,
        # receive, reply, feedback, archive — one event per action, so nothing was applied twice
        seqs = (js[number][1], hub[number][1], sims[number][1])
        assert seqs == (6, 5, 5), f"{number}: events {seqs}"
    for code, view in views.items():
        assert (view["pending"], view["dead"], view["held"]) == (0, 0, 0), f"{code}: {view}"
    return {code: {k: v for k, v in view.items() if k != "orders"} for code, view in views.items()}
