"""``kefu simulate --live URL``: drive a running kefu's routing API with simulated callers, in real time,
so that a supervisor sees the wallboard move and agents see their call bar ring, talk and wrap up.

The driver plays the switch (the CTI adapter): it offers Poisson arrivals to a hotline with
``POST /api/v1/routing/calls``, lets an offered call ring for a moment and answers it with a CTI
``answer`` event as the agent's softphone would, hangs it up after an exponential talk time, asks again
for queued calls (``GET /api/v1/routing/calls/{id}``) and abandons a queued caller whose patience runs
out. The router does the rest (wrap-up, tiers, the wallboard). Numbers are drawn from the given
prefixes, so the number segments (号段) decide each caller's home city.

Time and HTTP are injected (``clock``, ``sleep``, ``send``) so that tests drive it without a server or
waiting.
"""

from __future__ import annotations

import heapq
import itertools
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

Send = Callable[[str, str, dict | None], tuple[int, dict]]


@dataclass
class LivePlan:
    hotline: str
    calls_per_minute: float = 20.0
    talk_seconds: float = 60.0
    ring_seconds: float = 2.0
    patience_seconds: float = 90.0
    minutes: float = 10.0
    prefixes: tuple[str, ...] = ("1392011",)  # Nanjing in the demo's number segments
    agents: tuple[str, ...] = ()  # set ready at the start (job numbers)
    seed: int = 1


@dataclass
class LiveTally:
    offered: int = 0
    answered: int = 0
    queued: int = 0
    abandoned: int = 0
    fallback: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def http_sender(base_url: str, token: str, *, timeout: float = 10.0) -> Send:
    """Requests to a running kefu with an administrator's API token."""
    base = base_url.rstrip("/")

    def send(method: str, path: str, body: dict | None) -> tuple[int, dict]:
        request = urllib.request.Request(
            base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the operator's URL
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except ValueError:
                return exc.code, {}

    return send


def drive(
    plan: LivePlan,
    send: Send,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = lambda _line: None,
) -> LiveTally:
    """Run the plan against ``send`` until its minutes are over and every call has ended."""
    rng = random.Random(plan.seed)
    tally = LiveTally()
    events: list[tuple[float, int, str, str, dict]] = []  # (at, seq, kind, call id, data)
    seq = itertools.count()
    run = f"live-{int(time.time())}-{plan.seed}"

    def at(delay: float, kind: str, call_id: str, **data) -> None:
        heapq.heappush(events, (clock() + delay, next(seq), kind, call_id, data))

    def cti(event: str, call_id: str, number: str, agent: str = "") -> tuple[int, dict]:
        body = {"event": event, "call_id": call_id, "calling_number": number, "called_number": plan.hotline}
        if agent:
            body["agent_job_number"] = agent
        return send("POST", "/api/v1/cti/events", body)

    for job in plan.agents:
        status, answer = send("POST", f"/api/v1/routing/agents/{job}/state", {"state": "ready"})
        if status != 200:
            tally.errors.append(f"{job}: {status} {answer.get('code', '')}")
    end = clock() + plan.minutes * 60
    rate = plan.calls_per_minute / 60.0
    if rate > 0:
        at(rng.expovariate(rate), "arrive", "")
    numbers = itertools.count(1)
    while events:
        due, _n, kind, call_id, data = heapq.heappop(events)
        wait = due - clock()
        if wait > 0:
            sleep(wait)
        if kind == "arrive":
            if clock() < end:
                at(rng.expovariate(rate), "arrive", "")
                n = next(numbers)
                call = f"{run}-{n}"
                number = f"{rng.choice(plan.prefixes)}{n % 10000:04d}"
                status, answer = send(
                    "POST",
                    "/api/v1/routing/calls",
                    {"call_id": call, "calling_number": number, "called_number": plan.hotline},
                )
                if status != 201:
                    tally.refused += 1
                    tally.errors.append(f"{call}: {status} {answer.get('code', '')}")
                    continue
                tally.offered += 1
                patience = rng.expovariate(1 / plan.patience_seconds) if plan.patience_seconds else 0
                _after_routing(
                    answer, call, number, clock() + patience if patience else 0, tally, at, plan, rng, log
                )
            continue
        number = data["number"]
        if kind == "ring":  # the softphone picks up
            status, _answer = cti("answer", call_id, number, data["agent"])
            if status == 200:
                tally.answered += 1
                at(
                    rng.expovariate(1 / plan.talk_seconds),
                    "hangup",
                    call_id,
                    number=number,
                    agent=data["agent"],
                )
                log(f"{call_id} answered by {data['agent']}")
        elif kind == "hangup":
            cti("hangup", call_id, number, data["agent"])
        elif kind == "poll":  # a queued call: offered by now?
            status, answer = send("GET", f"/api/v1/routing/calls/{call_id}", None)
            if status == 200 and answer.get("state") != "queued":
                _after_routing(
                    answer, call_id, number, data["give_up"], tally, at, plan, rng, log, again=True
                )
            elif clock() >= data["give_up"] > 0:
                cti("abandon", call_id, number)
                tally.abandoned += 1
                log(f"{call_id} abandoned in the queue")
            else:
                at(1.0, "poll", call_id, number=number, give_up=data["give_up"])
    return tally


def _after_routing(answer, call_id, number, give_up, tally, at, plan, rng, log, *, again=False) -> None:
    """What the switch does with the router's answer: ring the offered agent, or keep asking for a
    queued call until ``give_up`` (0: never), or count the fallback."""
    state = answer.get("state")
    if state == "offered":
        at(rng.uniform(0.5, 1.5) * plan.ring_seconds, "ring", call_id, number=number, agent=answer["agent"])
        log(f"{call_id} from {number} rings at {answer['agent']}")
    elif state == "queued":
        if not again:
            tally.queued += 1
        at(1.0, "poll", call_id, number=number, give_up=give_up)
        log(f"{call_id} from {number} queued at {answer.get('position')}")
    elif state == "fallback":
        tally.fallback += 1
        log(f"{call_id} from {number}: fallback {answer.get('reason', {}).get('fallback', '')}")
