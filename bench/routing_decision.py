"""Routing decision latency (issue 14): p50/p99 of the decision core's two decisions with 5,000
agents and 1,000 queued calls, next to a no-op decision doing the same bookkeeping without a choice.

The core (``kefu.routing.core.Router``) is measured alone, in memory, as the router process and the
simulator call it (no database, no HTTP: those are the router process's and the SIP bench's figures).

Set-up: 14 groups (13 city groups of one province and the public group), every agent in their city's
group and the public group; one hotline queue with the seeds' tiers (home, public when all busy,
other cities after 30 s), longest-idle; every agent is talking and 1,000 calls wait. Then, per sample:

- **agent frees** (timed): an agent's call ends and their wrap-up ends: the core picks the best
  waiting call the agent may take across the queue (strict level, first come) and rings them;
- the agent answers (untimed);
- **offer** (timed): a new call arrives, the core weighs the tiers (all busy) and queues it in order.

The no-op decisions do the same bookkeeping (state changes, a sorted insert into the 1,000-long
queue, the counters) without choosing anything: the ratio is what the choice costs.

    PYTHONPATH=src .venv/bin/python bench/routing_decision.py [--agents 5000] [--queued 1000] [--samples 20000]
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import time

from kefu.routing.core import AgentState, Call, CallState, Group, Queue, Router

CITIES = [f"32{n:02d}" for n in range(1, 14)]


def build(agents: int, queued: int, seed: int) -> tuple[Router, list[str], float]:
    rng = random.Random(seed)
    router = Router()
    groups = [Group(f"GRP-{c}", c) for c in CITIES] + [Group("GRP-PUBLIC", None)]
    router.configure(groups=groups, queues=[Queue("Q", hotline="10086", wrapup_seconds=10)])
    now = 1_000_000.0
    jobs = []
    for n in range(agents):
        job = f"a{n:05d}"
        city = CITIES[n % len(CITIES)]
        router.upsert_agent(job, groups=[f"GRP-{city}", "GRP-PUBLIC"], contact=f"sip:{job}@h")
        router.set_state(job, "ready", now=now)
        jobs.append(job)
    for n in range(agents):  # every agent takes a call and answers it
        now += 0.001
        decision = router.offer(f"busy-{n}", queue="Q", city=rng.choice(CITIES), level=0, now=now)
        router.answer(decision.call_id, agent=decision.agent, now=now)
    for n in range(queued):
        now += 0.001
        level = 3 if rng.random() < 0.1 else 0
        router.offer(f"wait-{n}", queue="Q", city=rng.choice(CITIES), level=level, now=now)
    assert sum(len(w) for w in router.waiting.values()) == queued
    return router, jobs, now


def noop_free(router: Router, job: str, now: float) -> str:
    """The bookkeeping of 'an agent frees and takes the head call', with no choice: the head call."""
    agent = router.agents[job]
    agent.state, agent.since = AgentState.READY, now
    waiting = router.waiting["Q"]
    _key, call_id = waiting.pop(0)
    call = router.calls[call_id]
    call.state, call.agents, call.offered_at = CallState.OFFERED, (job,), now
    agent.state, agent.call_id, agent.since = AgentState.RINGING, call_id, now
    return call_id


def noop_offer(router: Router, call_id: str, now: float) -> None:
    """The bookkeeping of 'a call arrives and queues', with no tiers weighed."""
    q = router.queues["Q"]
    call = Call(call_id, "Q", "3201", 0, joined=now)
    call.key = router._key(q, call)
    router._counts("Q", now).offered += 1
    router.calls[call_id] = call
    bisect.insort(router.waiting["Q"], (call.key, call_id))


def percentile(values: list[int], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 1000.0  # ns -> µs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--queued", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    started = time.perf_counter()
    router, jobs, now = build(args.agents, args.queued, args.seed)
    noop_router, noop_jobs, noop_now = build(args.agents, args.queued, args.seed)
    print(
        f"set-up: {args.agents} agents talking, {args.queued} calls queued ({time.perf_counter() - started:.1f} s)"
    )
    rng = random.Random(args.seed)
    frees, offers, noop_frees, noop_offers = [], [], [], []
    talking = {a.job_number: a.call_id for a in router.agents.values() if a.state == AgentState.TALKING}
    noop_talking = dict(talking)
    for n in range(args.samples):
        job = rng.choice(jobs)
        now += 0.01
        # --- the core: the agent's call ends, wrap-up ends (timed), the offered call is answered
        router.hangup(talking[job], now=now)
        t0 = time.perf_counter_ns()
        decisions = router.end_wrapup(job, now=now)
        frees.append(time.perf_counter_ns() - t0)
        assert decisions and decisions[0].agent == job
        router.answer(decisions[0].call_id, agent=job, now=now)
        talking[job] = decisions[0].call_id
        t0 = time.perf_counter_ns()
        decision = router.offer(f"new-{n}", queue="Q", city=rng.choice(CITIES), level=3 if n % 10 == 0 else 0,
                                now=now)  # fmt: skip
        offers.append(time.perf_counter_ns() - t0)
        assert decision.state == CallState.QUEUED
        # --- the no-op, interleaved so that both see the same machine at the same moment
        noop_now += 0.01
        t0 = time.perf_counter_ns()
        taken = noop_free(noop_router, job, noop_now)
        noop_frees.append(time.perf_counter_ns() - t0)
        noop_talking[job] = taken
        t0 = time.perf_counter_ns()
        noop_offer(noop_router, f"new-{n}", noop_now)
        noop_offers.append(time.perf_counter_ns() - t0)
    assert sum(len(w) for w in router.waiting.values()) == args.queued

    print(f"{args.samples} samples of each decision (µs)")
    print(f"{'decision':<28}{'p50':>10}{'p99':>10}{'max':>10}{'mean':>10}")
    rows = [
        ("agent frees (core)", frees),
        ("agent frees (no-op)", noop_frees),
        ("offer, queued (core)", offers),
        ("offer, queued (no-op)", noop_offers),
    ]
    for name, values in rows:
        print(
            f"{name:<28}{percentile(values, 0.5):>10.1f}{percentile(values, 0.99):>10.1f}"
            f"{max(values) / 1000:>10.1f}{statistics.fmean(values) / 1000:>10.1f}"
        )
    # the widest choice: every agent ready, an out-of-area caller goes to the public group, where the
    # core weighs all of them (longest idle); the call is abandoned again (untimed) to keep them ready
    wide = Router()
    wide.configure(groups=[Group(f"GRP-{c}", c) for c in CITIES] + [Group("GRP-PUBLIC", None)],
                   queues=[Queue("Q", hotline="10086")])  # fmt: skip
    for n in range(args.agents):
        wide.upsert_agent(f"a{n:05d}", groups=[f"GRP-{CITIES[n % len(CITIES)]}", "GRP-PUBLIC"])
        wide.set_state(f"a{n:05d}", "ready", now=float(n))
    wide_offers = []
    for n in range(min(args.samples, 2000)):
        t0 = time.perf_counter_ns()
        decision = wide.offer(f"out-{n}", queue="Q", city=None, now=10_000.0 + n)
        wide_offers.append(time.perf_counter_ns() - t0)
        assert decision.state == CallState.OFFERED and decision.reason["candidates"] == args.agents
        wide.abandon(decision.call_id, now=10_000.0 + n)
    print(
        f"{'offer to 1 of ' + str(args.agents) + ' ready (core)':<28}{percentile(wide_offers, 0.5):>10.1f}"
        f"{percentile(wide_offers, 0.99):>10.1f}{max(wide_offers) / 1000:>10.1f}{statistics.fmean(wide_offers) / 1000:>10.1f}"
    )
    for name, core_values, noop_values in (
        ("agent frees", frees, noop_frees),
        ("offer", offers, noop_offers),
    ):
        ratio = percentile(core_values, 0.99) / max(percentile(noop_values, 0.99), 0.001)
        print(f"p99 ratio core / no-op, {name}: {ratio:.1f}x (goal: core p99 <= 1000 µs)")


if __name__ == "__main__":
    main()
