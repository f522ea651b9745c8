"""A discrete-event call-centre simulator driving the ACD's own decision core (issue 14 item 6).

Calls go through :class:`kefu.routing.core.Router` — the object the router process runs — with the
simulated clock passed as ``now``: ``offer`` on arrival, ``answer`` after the ring time, ``hangup`` after
the handle time, ``abandon`` when a queued (or ringing) caller's patience runs out, ``end_wrapup`` when an
agent's wrap-up time is up, and ``tick`` only when something timed is due (a tier opening, a call
reaching the queue's longest wait). The KPIs are read from the core's own raw counters.

Pure Python, no Django: a heap of events, one pending arrival at a time (Poisson per interval, a rate
per interval), exponential or lognormal handle times, exponential patience (or none), a city mix, a VIP
share, agent groups with skills and queues with tiers. The scenario file's format is in
``docs/routing-simulation.md``.

Why ``end_wrapup`` rather than ``tick`` for wrap-ups: ``Router.tick`` walks every agent to find the
wrap-ups that are due, so one tick per hangup costs O(agents); calling ``end_wrapup`` for the one agent
whose time is up is the same transition (``tick`` calls it) at O(1). Ticks for tier openings and the
longest wait are rounded up to ``tick_resolution`` seconds (1 s, as the router process ticks), so a busy
day needs at most one tick per second however many calls wait.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from kefu.routing.core import (
    HOME,
    OTHERS,
    PUBLIC,
    AgentState,
    CallState,
    Decision,
    Group,
    Priority,
    Queue,
    Router,
    Strategy,
    Tier,
)

_ANSWER, _HANGUP, _ABANDON, _WRAPUP, _TICK, _SHIFT, _END = range(7)
_TIER_NAMES = {"home": HOME, "public": PUBLIC, "others": OTHERS, HOME: HOME, PUBLIC: PUBLIC, OTHERS: OTHERS}
_BUSY = (AgentState.RINGING, AgentState.TALKING, AgentState.WRAPUP)


class ScenarioError(ValueError):
    """A scenario the simulator cannot run; the message names the field."""


# --- scenario ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    code: str
    city: str | None  # None: a public group
    agents: int
    skills: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueSpec:
    queue: Queue
    share: float = 1.0  # of the calls


@dataclass(frozen=True)
class Scenario:
    hours: float
    interval: float = 1800.0
    calls_per_interval: tuple[float, ...] = ()  # one rate per interval, the last repeated
    aht: float = 180.0
    handle: str = "exponential"  # or "lognormal"
    handle_cv: float = 1.0  # lognormal: standard deviation / mean
    patience: float | None = None  # mean seconds (exponential); None: nobody abandons
    ring_seconds: float = 0.0
    threshold: float = 20.0
    cities: tuple[tuple[str | None, float], ...] = ((None, 1.0),)
    vip_share: float = 0.0
    vip_level: int = 3
    groups: tuple[GroupSpec, ...] = ()
    queues: tuple[QueueSpec, ...] = ()
    seed: int = 1
    tick_resolution: float = 1.0
    # share of each group's agents logged in per interval (the last repeated); () = all, all day
    on_duty: tuple[float, ...] = ()


def simple_scenario(
    *,
    agents: int,
    erlangs: float,
    aht: float,
    hours: float,
    threshold: float,
    seed: int = 1,
    patience: float | None = None,
) -> Scenario:
    """One pool of ``agents``, Poisson arrivals of ``erlangs`` (λ = A / AHT), exponential handling, no
    wrap-up: the M/M/N queue Erlang C describes; with ``patience`` (exponential, mean seconds) the
    M/M/N+M queue of Erlang A."""
    if agents < 1:
        raise ScenarioError("agents: must be ≥ 1")
    if erlangs <= 0 or aht <= 0 or hours <= 0 or threshold < 0:
        raise ScenarioError("erlangs, aht and hours must be > 0, threshold ≥ 0")
    if patience is not None and not (patience > 0 and math.isfinite(patience)):
        raise ScenarioError("patience: must be > 0 seconds")
    interval = 1800.0
    queue = Queue(
        "pool",
        tiers=(Tier(PUBLIC),),
        wrapup_seconds=0.0,
        answer_threshold=threshold,
        strategy=Strategy.LONGEST_IDLE,
    )
    return Scenario(
        hours=hours,
        interval=interval,
        calls_per_interval=(erlangs / aht * interval,),
        aht=aht,
        patience=patience,
        threshold=threshold,
        groups=(GroupSpec("pool", None, agents),),
        queues=(QueueSpec(queue),),
        seed=seed,
    )


def _number(data: dict, key: str, default: Any = None, *, low: float | None = None, positive=False) -> Any:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{key}: must be a number")
    if positive and value <= 0:
        raise ScenarioError(f"{key}: must be > 0")
    if low is not None and value < low:
        raise ScenarioError(f"{key}: must be ≥ {low}")
    return value


def scenario_from_dict(data: dict) -> Scenario:
    """Read a scenario (the JSON format of docs/routing-simulation.md); every error names its field."""
    if not isinstance(data, dict):
        raise ScenarioError("the scenario must be a JSON object")
    interval = _number(data, "interval", 1800.0, positive=True)
    arrivals = data.get("calls_per_interval")
    if arrivals is None and "calls_per_hour" in data:
        arrivals = [_number(data, "calls_per_hour", low=0) * interval / 3600.0]
    if isinstance(arrivals, int | float) and not isinstance(arrivals, bool):
        arrivals = [arrivals]
    if not isinstance(arrivals, list) or not arrivals:
        raise ScenarioError("calls_per_interval: a list of calls per interval (or calls_per_hour) is needed")
    for i, rate in enumerate(arrivals):
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0 or not math.isfinite(rate):
            raise ScenarioError(f"calls_per_interval[{i}]: must be a number ≥ 0")
    hours = _number(data, "hours", len(arrivals) * interval / 3600.0, positive=True)
    handle = data.get("handle", {}) or {}
    if not isinstance(handle, dict):
        raise ScenarioError("handle: must be an object")
    distribution = handle.get("distribution", "exponential")
    if distribution not in ("exponential", "lognormal"):
        raise ScenarioError("handle.distribution: exponential or lognormal")
    aht = _number(handle, "mean", data.get("aht", 180.0), positive=True)
    cv = _number(handle, "cv", 1.0, positive=True)
    patience = data.get("patience")
    if isinstance(patience, dict):
        patience = _number(patience, "mean", positive=True)
    elif patience is not None:
        patience = _number(data, "patience", positive=True)
    threshold = _number(data, "threshold", 20.0, low=0)
    cities_raw = data.get("cities", {"": 1.0})
    if not isinstance(cities_raw, dict) or not cities_raw:
        raise ScenarioError("cities: an object of city → share of the calls ('' = out of the area)")
    cities = []
    for city, share in cities_raw.items():
        if isinstance(share, bool) or not isinstance(share, int | float) or share < 0:
            raise ScenarioError(f"cities.{city}: share must be a number ≥ 0")
        cities.append((city or None, float(share)))
    if sum(s for _c, s in cities) <= 0:
        raise ScenarioError("cities: the shares add up to 0")
    vip = data.get("vip", {}) or {}
    if not isinstance(vip, dict):
        raise ScenarioError("vip: must be an object")
    vip_share = _number(vip, "share", 0.0, low=0)
    if vip_share > 1:
        raise ScenarioError("vip.share: must be between 0 and 1")
    vip_level = vip.get("level", 3)
    if not isinstance(vip_level, int) or isinstance(vip_level, bool):
        raise ScenarioError("vip.level: must be a whole number")
    groups = _groups(data.get("groups"))
    queues = _queues(data.get("queues"), threshold, {g.code for g in groups})
    seed = data.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ScenarioError("seed: must be a whole number")
    return Scenario(
        hours=hours,
        interval=interval,
        calls_per_interval=tuple(float(r) for r in arrivals),
        aht=aht,
        handle=distribution,
        handle_cv=cv,
        patience=patience,
        ring_seconds=_number(data, "ring_seconds", 0.0, low=0),
        threshold=threshold,
        cities=tuple(cities),
        vip_share=vip_share,
        vip_level=vip_level,
        groups=groups,
        queues=queues,
        seed=seed,
        tick_resolution=_number(data, "tick_resolution", 1.0, low=0),
        on_duty=_on_duty(data.get("on_duty")),
    )


def _on_duty(raw: Any) -> tuple[float, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ScenarioError("on_duty: a list of shares (0–1) per interval")
    for i, share in enumerate(raw):
        if isinstance(share, bool) or not isinstance(share, int | float) or not (0 <= share <= 1):
            raise ScenarioError(f"on_duty[{i}]: must be a number between 0 and 1")
    return tuple(float(x) for x in raw)


def _groups(raw: Any) -> tuple[GroupSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("groups: a list of agent groups is needed")
    groups = []
    for i, g in enumerate(raw):
        if not isinstance(g, dict) or not isinstance(g.get("code"), str) or not g["code"]:
            raise ScenarioError(f"groups[{i}].code: a non-empty string is needed")
        agents = g.get("agents")
        if not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
            raise ScenarioError(f"groups[{i}].agents: a whole number ≥ 0 is needed")
        skills = g.get("skills", {}) or {}
        if not isinstance(skills, dict) or not all(isinstance(v, int) for v in skills.values()):
            raise ScenarioError(f"groups[{i}].skills: an object of skill → level")
        groups.append(GroupSpec(g["code"], g.get("city") or None, agents, dict(skills)))
    if len({g.code for g in groups}) != len(groups):
        raise ScenarioError("groups: codes must be unique")
    return tuple(groups)


def _queues(raw: Any, threshold: float, group_codes: set[str]) -> tuple[QueueSpec, ...]:
    if raw is None:
        raw = [{"code": "main"}]
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("queues: a list of queues is needed")
    queues = []
    for i, q in enumerate(raw):
        where = f"queues[{i}]"
        if not isinstance(q, dict) or not isinstance(q.get("code"), str) or not q["code"]:
            raise ScenarioError(f"{where}.code: a non-empty string is needed")
        tiers = []
        for j, t in enumerate(
            q.get("tiers", [{"groups": "home"}, {"groups": "public"}, {"groups": "others"}])
        ):
            if not isinstance(t, dict) or not isinstance(t.get("groups"), str):
                raise ScenarioError(f"{where}.tiers[{j}].groups: home, public, others or a group code")
            name = _TIER_NAMES.get(t["groups"], t["groups"])
            if name not in (HOME, PUBLIC, OTHERS) and name not in group_codes:
                raise ScenarioError(f"{where}.tiers[{j}].groups: no group {t['groups']!r}")
            tiers.append(Tier(name, float(_number(t, "wait", 0.0, low=0))))
        try:
            strategy = Strategy(q.get("strategy", Strategy.LONGEST_IDLE))
            priority = Priority(q.get("priority", Priority.STRICT))
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
        bonus = q.get("level_bonus", {}) or {}
        if not isinstance(bonus, dict):
            raise ScenarioError(f"{where}.level_bonus: an object of level → seconds")
        try:
            level_bonus = tuple(sorted((int(k), float(v)) for k, v in bonus.items()))
        except (TypeError, ValueError):
            raise ScenarioError(f"{where}.level_bonus: an object of level → seconds") from None
        queue = Queue(
            q["code"],
            hotline=str(q.get("hotline", "")),
            skill=str(q.get("skill", "")),
            min_level=int(_number(q, "min_level", 1, low=0)),
            tiers=tuple(tiers),
            strategy=strategy,
            priority=priority,
            level_bonus=level_bonus,
            wrapup_seconds=float(_number(q, "wrapup_seconds", 0.0, low=0)),
            max_length=int(_number(q, "max_length", 0, low=0)),
            max_wait=float(_number(q, "max_wait", 0.0, low=0)),
            fallback=str(q.get("fallback", "voicemail")),
            answer_threshold=float(_number(q, "threshold", threshold, low=0)),
        )
        queues.append(QueueSpec(queue, float(_number(q, "share", 1.0, low=0))))
    if len({q.queue.code for q in queues}) != len(queues):
        raise ScenarioError("queues: codes must be unique")
    if sum(q.share for q in queues) <= 0:
        raise ScenarioError("queues: the shares add up to 0")
    return tuple(queues)


def load_scenario(path: str) -> Scenario:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise ScenarioError(f"{path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: not valid JSON ({exc})") from None
    return scenario_from_dict(data)


# --- simulation ----------------------------------------------------------------------------------


@dataclass
class _Tally:
    """What the simulator counts beside the core's counters (by caller class, by tier)."""

    offered: int = 0
    answered: int = 0
    in_threshold: int = 0
    waited: int = 0  # not offered an agent on arrival
    wait_answered: float = 0.0
    abandoned: int = 0

    def as_dict(self) -> dict:
        return {
            "calls": self.offered,
            "answered": self.answered,
            "service_level": _ratio(self.in_threshold, self.offered),
            "wait_probability": _ratio(self.waited, self.offered),
            "asa_seconds": _ratio(self.wait_answered, self.answered),
            "abandon_rate": _ratio(self.abandoned, self.offered),
        }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


class Simulation:
    """One run of a scenario. ``run()`` returns the KPIs (a JSON-ready dict)."""

    def __init__(self, scenario: Scenario) -> None:
        if not scenario.groups or not scenario.queues:
            raise ScenarioError("a scenario needs groups and queues")
        self.s = scenario
        self.rng = random.Random(scenario.seed)
        self.router = Router(interval=scenario.interval)
        self.router.configure(
            groups=[Group(g.code, g.city) for g in scenario.groups],
            queues=[q.queue for q in scenario.queues],
        )
        self.events: list[tuple] = []
        self._seq = 0
        self.calls: dict[str, list] = {}  # call id -> [joined, tally, has a home group, overflowed]
        self.group_of: dict[str, str] = {}
        self._vip, self._ordinary = _Tally(), _Tally()
        self.class_tally = {"vip": self._vip, "ordinary": self._ordinary}
        self._thresholds = {q.queue.code: q.queue.answer_threshold for q in scenario.queues}
        self.tier_answered: dict[str, dict[str, int]] = {q.queue.code: {} for q in scenario.queues}
        self.overflow = 0  # answered outside the caller's home group although they have one
        self.waited = 0
        self.ticks = 0
        self._tick_due: dict[float, list[str]] = {}  # tick time -> the calls it is for
        self.timed_queues = {
            q.queue.code: sorted({t.wait for t in q.queue.tiers if t.wait > 0} | {q.queue.max_wait} - {0.0})
            for q in scenario.queues
        }
        cities = [c for c, _s in scenario.cities]
        self._city_choices = cities
        self._city_weights = _cumulative([s for _c, s in scenario.cities])
        self._queue_choices = [q.queue.code for q in scenario.queues]
        self._queue_weights = _cumulative([q.share for q in scenario.queues])
        self._home_cities = {g.city for g in scenario.groups if g.city}
        if scenario.handle == "lognormal":
            sigma2 = math.log(1.0 + scenario.handle_cv**2)
            self._ln = (math.log(scenario.aht) - sigma2 / 2.0, math.sqrt(sigma2))
        # The clock starts one interval after 0: this branch's Router._move books a state's seconds
        # only when the agent's ``since`` is truthy, so a state entered at now == 0 would not count
        # (main's core has since fixed it; starting later is right for both).
        self.start = scenario.interval
        self.end = self.start + scenario.hours * 3600.0
        self.jobs: dict[str, list[str]] = {}
        self.window_seconds: dict[str, dict[str, float]] = {}  # agent -> state -> seconds in the window

    # events
    def _push(self, at: float, kind: int, a: Any = None, b: Any = None) -> None:
        self._seq += 1
        heapq.heappush(self.events, (at, self._seq, kind, a, b))

    def _handle_time(self) -> float:
        if self.s.handle == "lognormal":
            return self.rng.lognormvariate(*self._ln)
        return self.rng.expovariate(1.0 / self.s.aht)

    def _next_arrival(self, now: float) -> float:
        """The next Poisson arrival after ``now`` (rates per interval, piecewise constant); ``inf`` once
        the arrivals' window is over. Arrivals are kept out of the event heap (one is pending at a time)."""
        rates = self.s.calls_per_interval
        t = now
        while t < self.end:
            if t >= self._slot_end or t < self._slot_end - self.s.interval:
                index = int((t - self.start) // self.s.interval)
                self._slot_end = min(self.start + (index + 1) * self.s.interval, self.end)
                self._slot_rate = rates[min(index, len(rates) - 1)] / self.s.interval
            if self._slot_rate > 0:
                t_next = t + self.rng.expovariate(self._slot_rate)
                if t_next < self._slot_end:
                    return t_next
            t = self._slot_end  # memoryless: start again at the next interval's rate
        return math.inf

    def _pick(self, choices: list, cumulative: list[float]) -> Any:
        if len(choices) == 1:
            return choices[0]
        index = bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
        return choices[min(index, len(choices) - 1)]

    def run(self) -> dict:
        started, cpu = time.perf_counter(), time.process_time()
        router = self.router
        for g in self.s.groups:
            jobs = self.jobs[g.code] = [f"{g.code}-{i + 1}" for i in range(g.agents)]
            for job in jobs:
                router.upsert_agent(job, groups=[g.code], skills=g.skills)
                self.group_of[job] = g.code
        if self.s.on_duty:
            slots = math.ceil(self.s.hours * 3600.0 / self.s.interval)
            for index in range(1, slots):
                self._push(self.start + index * self.s.interval, _SHIFT, index)
        self._shift(0, self.start)
        self._push(self.end, _END)
        self._slot_end, self._slot_rate = -math.inf, 0.0
        arrival = self._next_arrival(self.start)
        events = self.events
        heappop = heapq.heappop
        now = self.start
        while True:
            if arrival != math.inf and (not events or arrival <= events[0][0]):
                now = arrival
                self._arrive(now)
                arrival = self._next_arrival(now)
                continue
            if not events:
                break
            now, _seq, kind, a, b = heappop(events)
            if kind == _HANGUP:
                decisions = router.hangup(a, now=now)
                if decisions:
                    self._apply(decisions, now)
                self._after_hangup(a, b, now)
            elif kind == _WRAPUP:
                agent = router.agents[a]
                if agent.state == AgentState.WRAPUP and agent.call_id == b:
                    self._apply(router.end_wrapup(a, now=now), now)
            elif kind == _ANSWER:
                call = router.calls.get(a)
                if call is not None and call.state == CallState.OFFERED and b in call.agents:
                    self._answer(a, b, now)
            elif kind == _ABANDON:
                call = router.calls.get(a)
                if call is not None and call.state in (CallState.QUEUED, CallState.OFFERED):
                    self._apply(router.abandon(a, now=now), now)
                    self.calls.pop(a)[1].abandoned += 1
            elif kind == _TICK:
                # a tick walks every agent and waiting call: only when a call it is for still waits
                due = self._tick_due.pop(now, ())
                calls = router.calls
                if any(c in calls and calls[c].state == CallState.QUEUED for c in due):
                    self.ticks += 1
                    self._apply(router.tick(now), now)
            elif kind == _SHIFT:
                self._shift(a, now)
            elif kind == _END:
                self._snapshot(now)
        self.cpu_seconds = time.process_time() - cpu
        return self._kpis(time.perf_counter() - started, last=now)

    def _shift(self, index: int, now: float) -> None:
        """Log agents in or out so that each group has its interval's share on duty. An agent on a call
        is logged out by the core once the call and its wrap-up end."""
        share = self.s.on_duty[min(index, len(self.s.on_duty) - 1)] if self.s.on_duty else 1.0
        router = self.router
        for g in self.s.groups:
            target = round(g.agents * share)
            agents = [router.agents[job] for job in self.jobs[g.code]]
            on = [
                a
                for a in agents
                if a.state != AgentState.LOGGED_OUT and a.after_call != AgentState.LOGGED_OUT
            ]
            if target > len(on):
                off = [a for a in agents if a.state == AgentState.LOGGED_OUT]
                for agent in off[: target - len(on)]:
                    self._apply(router.set_state(agent.job_number, "ready", now=now), now)
            elif target < len(on):
                # the idle first, then those in wrap-up, then those on a call (deferred by the core)
                order = {AgentState.READY: 0, AgentState.NOT_READY: 0, AgentState.WRAPUP: 1}
                on.sort(key=lambda a: order.get(a.state, 2))
                for agent in on[: len(on) - target]:
                    router.set_state(agent.job_number, "logged_out", now=now)

    def _snapshot(self, now: float) -> None:
        """Each agent's seconds per state from the start to the end of the arrivals (occupancy): the
        core's booked seconds plus the state they are in since ``since``."""
        for job, agent in self.router.agents.items():
            seconds = dict(agent.seconds)
            if agent.since is not None:  # None: never in a known state (a newer core's marker)
                seconds[agent.state] = seconds.get(agent.state, 0.0) + max(0.0, now - agent.since)
            self.window_seconds[job] = seconds

    def _arrive(self, now: float) -> None:
        self._seq += 1
        call_id = str(self._seq)
        city = self._pick(self._city_choices, self._city_weights)
        queue = self._pick(self._queue_choices, self._queue_weights)
        vip = bool(self.s.vip_share) and self.rng.random() < self.s.vip_share
        level = self.s.vip_level if vip else 0
        tally = self._vip if vip else self._ordinary
        tally.offered += 1
        # joined, the caller's tally, has a home group, overflowed (set when offered outside it)
        self.calls[call_id] = [now, tally, city in self._home_cities, False]
        decision = self.router.offer(call_id, queue=queue, city=city, level=level, now=now)
        if decision.state == CallState.QUEUED:
            self.waited += 1
            tally.waited += 1
        self._apply((decision,), now)

    def _apply(self, decisions: list[Decision], now: float) -> None:
        for d in decisions:
            if d.state == CallState.OFFERED:
                info = self.calls[d.call_id]
                if info[2] and d.reason.get("groups") != HOME:
                    info[3] = True  # overflowed (counted on answer)
                if self.s.ring_seconds > 0:
                    self._push(now + self.s.ring_seconds, _ANSWER, d.call_id, d.agent)
                else:
                    self._answer(d.call_id, d.agent, now)
            elif d.state == CallState.QUEUED:
                self._queued(d, now)
            elif d.state == CallState.FALLBACK:
                self.calls.pop(d.call_id, None)

    def _queued(self, d: Decision, now: float) -> None:
        if self.s.patience:
            self._push(now + self.rng.expovariate(1.0 / self.s.patience), _ABANDON, d.call_id)
        res = self.s.tick_resolution
        for wait in self.timed_queues[d.queue]:
            at = now + wait
            at = math.ceil(at / res) * res if res > 0 else at + 1e-9
            due = self._tick_due.get(at)
            if due is None:
                self._tick_due[at] = [d.call_id]
                self._push(at, _TICK)
            else:
                due.append(d.call_id)

    def _answer(self, call_id: str, agent: str, now: float) -> None:
        router = self.router
        call = router.calls[call_id]
        queue = call.queue
        groups = call.reason.get("groups", "")
        released = router.answer(call_id, agent=agent, now=now)
        if released:
            self._apply(released, now)
        info = self.calls[call_id]
        tally = info[1]
        wait = now - info[0]
        tally.answered += 1
        tally.wait_answered += wait
        if wait <= self._thresholds[queue]:
            tally.in_threshold += 1
        per_tier = self.tier_answered[queue]
        per_tier[groups] = per_tier.get(groups, 0) + 1
        if info[3]:
            self.overflow += 1
        self._seq += 1
        heapq.heappush(self.events, (now + self._handle_time(), self._seq, _HANGUP, call_id, agent))

    def _after_hangup(self, call_id: str, job: str, now: float) -> None:
        self.calls.pop(call_id, None)
        agent = self.router.agents[job]
        if agent.state == AgentState.WRAPUP and agent.call_id == call_id:
            self._push(agent.wrapup_until, _WRAPUP, job, call_id)

    # KPIs
    def _kpis(self, wall: float, *, last: float) -> dict:
        router = self.router
        per_queue: dict[str, dict] = {}
        totals: dict[str, float] = {}
        for (code, _slot), counts in router.counters.items():
            q = per_queue.setdefault(code, {})
            for key, value in counts.as_dict().items():
                if key == "max_wait":
                    q[key] = max(q.get(key, 0.0), value)
                    totals[key] = max(totals.get(key, 0.0), value)
                else:
                    q[key] = q.get(key, 0) + value
                    totals[key] = totals.get(key, 0) + value
        busy_all, idle_all, agents_all = 0.0, 0.0, 0
        per_group: dict[str, dict] = {}
        for g in self.s.groups:
            busy = idle = 0.0
            answered = 0
            for job in self.jobs[g.code]:
                seconds = self.window_seconds.get(job, {})
                busy += sum(seconds.get(s, 0.0) for s in _BUSY)
                idle += seconds.get(AgentState.READY, 0.0)
                answered += router.agents[job].answered
            busy_all += busy
            idle_all += idle
            agents_all += g.agents
            per_group[g.code] = {
                "agents": g.agents,
                "answered": answered,
                # handling time / (handling + ready) during the arrivals' window
                "occupancy": _ratio(busy, busy + idle),
                "agent_hours": (busy + idle) / 3600.0,
            }
        result = _summary(totals, waited=self.waited)
        result.update(
            {
                "occupancy": _ratio(busy_all, busy_all + idle_all),
                "agent_hours": (busy_all + idle_all) / 3600.0,
                "agents": agents_all,
                "hours": self.s.hours,
                "threshold_seconds": self.s.threshold,
                "overflow": self.overflow,
                "ticks": self.ticks,
                "simulated_seconds": last - self.start,
                "wall_seconds": round(wall, 3),
                "cpu_seconds": round(self.cpu_seconds, 3),
                "queues": {
                    code: _summary(q) | {"answered_by_tier": self.tier_answered.get(code, {})}
                    for code, q in sorted(per_queue.items())
                },
                "groups": per_group,
                "callers": {k: t.as_dict() for k, t in self.class_tally.items()},
            }
        )
        return result


def _summary(c: dict, *, waited: int | None = None) -> dict:
    offered = c.get("offered", 0)
    answered = c.get("answered", 0)
    handled = c.get("handled", 0)
    out = {
        "calls": offered,
        "answered": answered,
        "abandoned": c.get("abandoned", 0),
        "abandoned_short": c.get("abandoned_short", 0),
        "fallback": c.get("fallback", 0),
        "service_level": _ratio(c.get("answered_in_threshold", 0), offered),
        "asa_seconds": _ratio(c.get("wait_answered", 0.0), answered),
        "abandon_rate": _ratio(c.get("abandoned", 0), offered),
        "aht_seconds": _ratio(c.get("talk_seconds", 0.0) + c.get("wrapup_seconds", 0.0), handled),
        "talk_seconds_mean": _ratio(c.get("talk_seconds", 0.0), handled),
        "max_wait_seconds": c.get("max_wait", 0.0),
    }
    if waited is not None:
        out["wait_probability"] = _ratio(waited, offered)
    return out


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def simulate(scenario: Scenario) -> dict:
    return Simulation(scenario).run()


def format_text(kpis: dict) -> str:
    """The KPIs for a terminal."""
    lines = [
        f"calls {kpis['calls']}  answered {kpis['answered']}  abandoned {kpis['abandoned']}  "
        f"fallback {kpis['fallback']}  overflow {kpis['overflow']}",
        f"service level ({kpis['threshold_seconds']:g} s) {kpis['service_level']:.4f}  "
        f"P(wait) {kpis['wait_probability']:.4f}  ASA {kpis['asa_seconds']:.2f} s  "
        f"abandon rate {kpis['abandon_rate']:.4f}",
        f"occupancy {kpis['occupancy']:.4f}  AHT {kpis['aht_seconds']:.1f} s  agents {kpis['agents']}  "
        f"hours {kpis['hours']:g}  wall {kpis['wall_seconds']:.2f} s  CPU {kpis['cpu_seconds']:.2f} s",
    ]
    for code, q in kpis["queues"].items():
        lines.append(
            f"  queue {code}: calls {q['calls']}  SL {q['service_level']:.4f}  ASA {q['asa_seconds']:.2f} s  "
            f"abandon {q['abandon_rate']:.4f}  AHT {q['aht_seconds']:.1f} s  by tier {q['answered_by_tier']}"
        )
    for code, g in kpis["groups"].items():
        lines.append(
            f"  group {code}: agents {g['agents']}  answered {g['answered']}  occupancy {g['occupancy']:.4f}"
        )
    for name, t in kpis["callers"].items():
        if t["calls"]:
            lines.append(
                f"  {name} callers: calls {t['calls']}  SL {t['service_level']:.4f}  ASA {t['asa_seconds']:.2f} s"
            )
    return "\n".join(lines)
