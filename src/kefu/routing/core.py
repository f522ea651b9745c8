"""The decision core of the ACD (ORG-4, ORG-6, TIER-1): which agent takes which call, in memory.

Pure Python, no Django and no database: the routing service feeds it state changes (agents, calls,
configuration) and persists what it answers; the simulator (``kefu simulate``) drives the very same
object with simulated time. Every method takes ``now`` (seconds, any epoch) so that both can.

Model (the anchors' in ``research/acd.md``: FreeSWITCH tiers, Asterisk strategies, Azure Job Router):

- A **queue** serves one hotline and, optionally, one skill (ORG-6 specialised seats: complaints,
  broadband faults, callbacks …) with a minimum skill level. Its **tiers** are tried in order: the
  caller's home-city group (``HOME``), the public group (``PUBLIC``), every other city's group
  (``OTHERS``), or a named group. A tier opens ``wait`` seconds after the call joined; a tier with
  wait 0 is open at once and used when every earlier tier has no free agent ("when all busy").
  Callers from outside the centre's area have no home group: the public tier comes first.
- **Caller order** (TIER-1): ``strict`` — higher customer level first, first come first served within
  a level; ``score`` — ``score = wait + bonus(level)``, highest first, so a VIP counts as having waited
  longer and an ordinary caller cannot starve. Either way the order of two waiting calls never changes
  with time, so each queue keeps its calls sorted once, on arrival.
- **Agent choice** within a tier: ``longest_idle`` (ready the longest), ``fewest_calls`` (fewest
  answered today), ``round_robin`` (offered the longest ago) or ``ring_all`` (every free agent of the
  tier rings; the first to answer takes it). A skill-based queue prefers the higher skill level first.
- **No answer**: the call goes back to the front of its queue; the agent is set not ready (reason
  ``no_answer``) after ``max_no_answer`` misses in a row, else made ready again.
- **Wrap-up**: after hangup the agent is in wrap-up for the queue's ``wrapup_seconds`` (or until they
  end it), then ready.
- **Limits**: a queue longer than ``max_length`` refuses new calls and a call queued longer than
  ``max_wait`` leaves with the queue's fallback (voicemail, callback offer): both are decisions with
  state ``fallback``.

Every decision carries its reason — tier, group, strategy, score and the candidates weighed — so the
call's record says why this agent.

Counters (ST-1, ST-2, SP-3) are kept per queue and interval as raw counts, so that every variant of a
service level can be recomputed later; :meth:`Router.snapshot` gives the wallboard's live figures.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    TALKING = "talking"
    WRAPUP = "wrapup"


BUSY_STATES = frozenset({AgentState.RINGING, AgentState.TALKING, AgentState.WRAPUP})


class CallState(StrEnum):
    QUEUED = "queued"
    OFFERED = "offered"  # ringing at an agent (or several: ring_all)
    TALKING = "talking"
    ENDED = "ended"
    ABANDONED = "abandoned"
    FALLBACK = "fallback"  # left the queue by its limits: the queue's fallback takes it


FINAL_STATES = frozenset({CallState.ENDED, CallState.ABANDONED, CallState.FALLBACK})


class Strategy(StrEnum):
    LONGEST_IDLE = "longest_idle"
    FEWEST_CALLS = "fewest_calls"
    ROUND_ROBIN = "round_robin"
    RING_ALL = "ring_all"


class Priority(StrEnum):
    STRICT = "strict"
    SCORE = "score"


_BY_IDLE = operator.attrgetter("idle_since", "job_number")  # longest idle first, then job number

HOME = "@home"  # tier placeholder: the caller's home-city group
PUBLIC = "@public"  # the public group(s)
OTHERS = "@others"  # every city group but the caller's own


class RoutingError(Exception):
    """A command the core cannot apply; ``code`` is the stable error code the API answers."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    groups: str  # HOME, PUBLIC, OTHERS or a group code
    wait: float = 0.0  # seconds after joining before this tier opens


@dataclass(frozen=True)
class Group:
    code: str
    city: str | None = None  # None: a public group (takes any caller)
    site: str = ""  # whose group it is (a province): the snapshot counts each agent once per site


@dataclass(frozen=True)
class Queue:
    code: str
    hotline: str = ""
    skill: str = ""  # required skill ("" = any agent of the tiers' groups)
    min_level: int = 1
    tiers: tuple[Tier, ...] = (Tier(HOME), Tier(PUBLIC), Tier(OTHERS, 30.0))
    strategy: Strategy = Strategy.LONGEST_IDLE
    priority: Priority = Priority.STRICT
    # seconds of bonus per customer level (score priority), e.g. {3: 60, 4: 120, 5: 300}
    level_bonus: tuple[tuple[int, float], ...] = ()
    wrapup_seconds: float = 10.0
    max_no_answer: int = 3
    max_length: int = 0  # 0: unlimited
    max_wait: float = 0.0  # 0: unlimited
    fallback: str = "voicemail"
    site: str = ""  # whose queue it is (a province): its tiers take only that site's groups ("" = any)
    answer_threshold: float = 15.0  # N of the N-second answer rate (SP-3)
    short_abandon: float = 5.0  # abandons this short are counted apart

    def bonus(self, level: int) -> float:
        return dict(self.level_bonus).get(level, 0.0)


# --- live objects --------------------------------------------------------------------------------


@dataclass(eq=False)
class Agent:
    job_number: str
    groups: frozenset[str] = frozenset()
    skills: dict[str, int] = field(default_factory=dict)
    contact: str = ""  # where to send the call (e.g. a SIP URI)
    state: AgentState = AgentState.LOGGED_OUT
    reason: str = ""
    since: float | None = None  # when the current state began (None: never set since known)
    idle_since: float = 0.0  # when the agent last became ready
    last_offered: float = -math.inf
    answered: int = 0  # calls answered in this session (fewest_calls)
    misses: int = 0  # offers not answered in a row
    call_id: str = ""  # the call ringing, in talk or in wrap-up
    queue: str = ""  # that call's queue
    wrapup_until: float = 0.0
    # asked for during a call (not ready, logged out): applied when the call's wrap-up ends
    after_call: AgentState | None = None
    after_reason: str = ""
    # seconds spent per state since the counters were last taken (occupancy)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(eq=False)
class Call:
    call_id: str
    queue: str
    city: str | None  # the caller's home city; None: outside the centre's area
    level: int = 0  # customer level (0 = ordinary)
    joined: float = 0.0
    state: CallState = CallState.QUEUED
    agents: tuple[str, ...] = ()  # offered to (ring_all: several)
    agent: str = ""  # who answered
    offered_at: float = 0.0
    answered_at: float = 0.0
    front: bool = False  # re-queued after no answer: first in its class
    reason: dict = field(default_factory=dict)
    key: tuple = ()  # the call's place in its queue (see Router._key)


@dataclass
class Decision:
    """What the core decided for one call: offered to an agent, queued, or sent to the fallback."""

    call_id: str
    state: CallState
    queue: str
    agent: str = ""
    agents: tuple[str, ...] = ()
    contact: str = ""
    position: int = 0
    reason: dict = field(default_factory=dict)


@dataclass
class Counters:
    """Raw counts of one queue in one interval (ST-1/ST-2): every rate is computed from these."""

    offered: int = 0  # agent requests (人工请求量)
    answered: int = 0
    answered_in_threshold: int = 0  # queue + ring time <= the queue's answer_threshold
    abandoned: int = 0
    abandoned_short: int = 0
    abandoned_ringing: int = 0
    abandoned_in_threshold: int = 0  # abandoned within answer_threshold (service-level variants 1, 4)
    fallback: int = 0
    no_answer: int = 0
    wait_answered: float = 0.0  # summed queue + ring seconds of answered calls (ASA)
    wait_abandoned: float = 0.0
    talk_seconds: float = 0.0
    wrapup_seconds: float = 0.0
    handled: int = 0  # calls whose talk ended (AHT)
    max_wait: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# --- the router ----------------------------------------------------------------------------------


class Router:
    """The in-memory ACD. Not thread-safe: one owner calls it (the router process or the simulator)."""

    def __init__(self, *, interval: float = 900.0) -> None:
        self.interval = interval
        self.groups: dict[str, Group] = {}
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.calls: dict[str, Call] = {}  # live calls (not final)
        self.waiting: dict[str, list[tuple]] = {}  # queue -> sorted [(key, call_id)]
        self.ready: dict[str, dict[str, Agent]] = {}  # group -> ready agents, longest ready first
        self.counters: dict[tuple[str, int], Counters] = {}  # (queue, interval start) -> counts
        self.state_seconds: dict[int, dict[str, float]] = {}  # interval start -> state -> seconds
        # per site (and under "" every site's): city -> its groups, and the public groups
        self._city_group: dict[str, dict[str, list[str]]] = {}
        self._public: dict[str, list[str]] = {}
        self._seq = itertools.count()

    # --- configuration ---------------------------------------------------------------------------

    def configure(self, *, groups: Iterable[Group], queues: Iterable[Queue]) -> None:
        """Set (or replace) the groups and queues; agents and calls already known stay."""
        self.groups = {g.code: g for g in groups}
        self.queues = {q.code: q for q in queues}
        self._city_group, self._public = {}, {}
        for g in self.groups.values():
            for site in {"", g.site}:
                if g.city is None:
                    self._public.setdefault(site, []).append(g.code)
                else:
                    self._city_group.setdefault(site, {}).setdefault(g.city, []).append(g.code)
        for code in self.queues:
            self.waiting.setdefault(code, [])
        for code in self.groups:
            self.ready.setdefault(code, {})
        for agent in self.agents.values():
            if agent.state == AgentState.READY:
                self._index_ready(agent)

    def queue_for(self, hotline: str, skill: str = "") -> Queue | None:
        for queue in self.queues.values():
            if queue.hotline == hotline and queue.skill == skill:
                return queue
        return None

    def upsert_agent(
        self,
        job_number: str,
        *,
        groups: Iterable[str],
        skills: dict[str, int] | None = None,
        contact: str = "",
    ) -> Agent:
        """Add an agent or change their groups, skills and contact (their state is kept)."""
        agent = self.agents.get(job_number)
        if agent is None:
            agent = self.agents[job_number] = Agent(job_number)
        self._unindex_ready(agent)
        agent.groups = frozenset(groups)
        agent.skills = dict(skills or {})
        if contact:
            agent.contact = contact
        if agent.state == AgentState.READY:
            self._index_ready(agent)
        return agent

    # --- agents ----------------------------------------------------------------------------------

    def set_state(self, job_number: str, state: str, *, now: float, reason: str = "") -> list[Decision]:
        """The agent (or a supervisor) sets ready, not ready (with a reason) or logged out. Becoming
        ready may take a waiting call at once: the decisions made are returned."""
        agent = self._agent(job_number)
        state = AgentState(state)
        if state not in (AgentState.READY, AgentState.NOT_READY, AgentState.LOGGED_OUT):
            raise RoutingError("invalid_state", f"an agent cannot be set {state}")
        if agent.state == AgentState.LOGGED_OUT and state == AgentState.NOT_READY:
            raise RoutingError("agent_not_logged_in", f"agent {job_number} is not logged in")
        if agent.state in (AgentState.RINGING, AgentState.TALKING):
            if state == AgentState.READY:
                raise RoutingError("agent_busy", f"agent {job_number} is on a call")
            # not ready / logged out during a call: applies once the call and its wrap-up end
            agent.after_call, agent.after_reason = state, reason
            return []
        if agent.state == AgentState.WRAPUP:
            self._count_wrapup(agent, now)
        agent.after_call, agent.after_reason = None, ""
        self._move(agent, state, now, reason=reason if state == AgentState.NOT_READY else "")
        if state == AgentState.READY:
            agent.misses = 0
            return self._serve_agent(agent, now)
        return []

    def _move(self, agent: Agent, state: AgentState, now: float, *, reason: str = "") -> None:
        if agent.since is not None:
            spent = max(0.0, now - agent.since)
            agent.seconds[agent.state] = agent.seconds.get(agent.state, 0.0) + spent
            bucket = self.state_seconds.setdefault(self._slot(now), {})
            bucket[agent.state] = bucket.get(agent.state, 0.0) + spent
        if agent.state == AgentState.READY:
            self._unindex_ready(agent)
        agent.state, agent.reason, agent.since = state, reason, now
        if state == AgentState.READY:
            agent.idle_since = now
            self._index_ready(agent)
        if state in (AgentState.READY, AgentState.NOT_READY, AgentState.LOGGED_OUT):
            agent.call_id, agent.queue = "", ""

    def _index_ready(self, agent: Agent) -> None:
        for code in agent.groups:
            self.ready.setdefault(code, {})[agent.job_number] = agent

    def _unindex_ready(self, agent: Agent) -> None:
        for code in agent.groups:
            self.ready.get(code, {}).pop(agent.job_number, None)

    def _agent(self, job_number: str) -> Agent:
        agent = self.agents.get(job_number)
        if agent is None:
            raise RoutingError("unknown_agent", f"no agent {job_number}")
        return agent

    # --- calls -----------------------------------------------------------------------------------

    def offer(self, call_id: str, *, queue: str, city: str | None, level: int = 0, now: float) -> Decision:
        """A new call for ``queue`` from a caller of ``city`` (None: outside the area) at ``level``."""
        if call_id in self.calls:
            raise RoutingError("call_exists", f"call {call_id} is already routed")
        q = self.queues.get(queue)
        if q is None:
            raise RoutingError("unknown_queue", f"no queue {queue}")
        call = Call(call_id, queue, city, level, joined=now)
        call.key = self._key(q, call)
        counts = self._counts(queue, now)
        counts.offered += 1
        if q.max_length and len(self.waiting[queue]) >= q.max_length and not self._free_agent(q, call, now):
            counts.fallback += 1
            return Decision(
                call_id,
                CallState.FALLBACK,
                queue,
                reason={"rule": "queue_full", "fallback": q.fallback, "length": len(self.waiting[queue])},
            )
        self.calls[call_id] = call
        decision = self._try_offer(q, call, now)
        if decision is not None:
            return decision
        return self._enqueue(q, call)

    def restore_call(
        self,
        call_id: str,
        *,
        queue: str,
        city: str | None,
        level: int,
        joined: float,
        state: str = CallState.QUEUED,
        agents: Iterable[str] = (),
        agent: str = "",
        offered_at: float = 0.0,
        answered_at: float = 0.0,
        front: bool = False,
    ) -> None:
        """Put back a live call after a restart (from the database), without counting or deciding.
        ``front``: re-queued after a no answer (keeps its place before its class)."""
        call = Call(call_id, queue, city, level, joined=joined, state=CallState(state))
        call.agents, call.agent = tuple(agents), agent
        call.offered_at, call.answered_at, call.front = offered_at, answered_at, front
        call.key = self._key(self.queues[queue], call)
        self.calls[call_id] = call
        if call.state == CallState.QUEUED:
            bisect.insort(self.waiting[queue], (call.key, call_id))

    def restore_agent(
        self, job_number: str, *, state: str, since: float, reason: str = "", call_id: str = "",
        queue: str = "", wrapup_until: float = 0.0, answered: int = 0,
    ) -> None:  # fmt: skip
        """Put back an agent's state after a restart (the agent must have been upserted)."""
        agent = self._agent(job_number)
        self._unindex_ready(agent)
        agent.state, agent.since, agent.reason = AgentState(state), since, reason
        agent.call_id, agent.queue = call_id, queue
        agent.wrapup_until, agent.answered = wrapup_until, answered
        if agent.state == AgentState.READY:
            agent.idle_since = since
            self._index_ready(agent)

    def answer(self, call_id: str, *, agent: str, now: float) -> list[Decision]:
        """The offered agent picked up. With ring_all the others stop ringing and are free again."""
        call = self._call(call_id)
        if call.state == CallState.TALKING and call.agent == agent:
            return []  # repeated
        if call.state != CallState.OFFERED or agent not in call.agents:
            raise RoutingError("call_not_offered", f"call {call_id} is not ringing at agent {agent}")
        taker = self._agent(agent)
        call.state, call.agent, call.answered_at = CallState.TALKING, agent, now
        self._move(taker, AgentState.TALKING, now)
        taker.call_id, taker.queue, taker.misses = call_id, call.queue, 0
        taker.answered += 1
        q = self.queues[call.queue]
        counts = self._counts(call.queue, now)
        waited = now - call.joined
        counts.answered += 1
        counts.wait_answered += waited
        counts.max_wait = max(counts.max_wait, waited)
        if waited <= q.answer_threshold:
            counts.answered_in_threshold += 1
        decisions: list[Decision] = []
        for other in call.agents:
            if other != agent:
                decisions += self._release(self._agent(other), now)
        return decisions

    def no_answer(self, call_id: str, *, agent: str = "", now: float) -> list[Decision]:
        """The offered agent(s) did not pick up: the call goes back to the front of its queue (and may
        be offered again at once); the agent is set not ready after ``max_no_answer`` misses."""
        call = self._call(call_id)
        if call.state != CallState.OFFERED:
            raise RoutingError("call_not_offered", f"call {call_id} is not ringing")
        q = self.queues[call.queue]
        missed = [agent] if agent else list(call.agents)
        if agent and agent not in call.agents:
            raise RoutingError("call_not_offered", f"call {call_id} is not ringing at agent {agent}")
        self._counts(call.queue, now).no_answer += 1
        remaining = tuple(a for a in call.agents if a not in missed)
        freed: list[Agent] = []
        for code in missed:
            a = self._agent(code)
            a.misses += 1
            if a.misses >= q.max_no_answer:
                self._move(a, AgentState.NOT_READY, now, reason="no_answer")
            else:
                # ready again, but behind every other ready agent (idle since now)
                self._move(a, AgentState.READY, now)
                freed.append(a)
        if remaining:
            call.agents = remaining
            return []
        call.state, call.agents, call.front = CallState.QUEUED, (), True
        call.key = self._key(q, call)
        decisions = []
        retry = self._try_offer(q, call, now, exclude=set(missed))
        decisions.append(retry if retry is not None else self._enqueue(q, call))
        for a in freed:
            if a.state == AgentState.READY:  # the missed call goes to someone else first
                decisions += self._serve_agent(a, now, skip=call_id)
        return decisions

    def abandon(self, call_id: str, *, now: float) -> list[Decision]:
        """The caller hung up while queued or ringing."""
        call = self._call(call_id)
        if call.state not in (CallState.QUEUED, CallState.OFFERED):
            raise RoutingError("call_not_waiting", f"call {call_id} is {call.state}, not waiting")
        q = self.queues[call.queue]
        counts = self._counts(call.queue, now)
        waited = now - call.joined
        counts.abandoned += 1
        counts.wait_abandoned += waited
        if waited <= q.short_abandon:
            counts.abandoned_short += 1
        if waited <= q.answer_threshold:
            counts.abandoned_in_threshold += 1
        decisions: list[Decision] = []
        if call.state == CallState.QUEUED:
            self._dequeue(call)
        else:
            counts.abandoned_ringing += 1
            for code in call.agents:
                decisions += self._release(self._agent(code), now)
        call.state = CallState.ABANDONED
        del self.calls[call_id]
        return decisions

    def hangup(self, call_id: str, *, now: float) -> list[Decision]:
        """The call in talk ended: the agent goes to wrap-up (then ready, by :meth:`tick` or
        :meth:`end_wrapup`). A hangup of a waiting call is an abandon."""
        call = self._call(call_id)
        if call.state in (CallState.QUEUED, CallState.OFFERED):
            return self.abandon(call_id, now=now)
        q = self.queues[call.queue]
        counts = self._counts(call.queue, now)
        counts.talk_seconds += max(0.0, now - call.answered_at)
        counts.handled += 1
        call.state = CallState.ENDED
        del self.calls[call_id]
        agent = self.agents.get(call.agent)
        if agent is None or agent.call_id != call_id:
            return []
        self._move(agent, AgentState.WRAPUP, now)
        agent.call_id, agent.queue = call_id, q.code
        agent.wrapup_until = now + q.wrapup_seconds
        return self.end_wrapup(agent.job_number, now=now) if q.wrapup_seconds <= 0 else []

    def end_wrapup(self, job_number: str, *, now: float) -> list[Decision]:
        """The agent ends after-call work early (or the time is up)."""
        agent = self._agent(job_number)
        if agent.state != AgentState.WRAPUP:
            raise RoutingError("not_in_wrapup", f"agent {job_number} is not in wrap-up")
        self._count_wrapup(agent, now)
        after, reason = agent.after_call, agent.after_reason
        agent.after_call, agent.after_reason, agent.wrapup_until = None, "", 0.0
        if after is not None:
            self._move(agent, after, now, reason=reason if after == AgentState.NOT_READY else "")
            return []
        self._move(agent, AgentState.READY, now)
        return self._serve_agent(agent, now)

    def _count_wrapup(self, agent: Agent, now: float) -> None:
        if agent.queue in self.queues:
            self._counts(agent.queue, now).wrapup_seconds += max(0.0, now - agent.since)

    def tick(self, now: float) -> list[Decision]:
        """Time passes: wrap-ups end, tiers open for waiting calls, calls past the longest wait leave
        with the fallback. Call it about once a second."""
        decisions: list[Decision] = []
        for agent in [a for a in self.agents.values() if a.state == AgentState.WRAPUP]:
            if now >= agent.wrapup_until:
                decisions += self.end_wrapup(agent.job_number, now=now)
        for code, waiting in self.waiting.items():
            if not waiting:
                continue
            q = self.queues[code]
            for _key, call_id in list(waiting):
                call = self.calls[call_id]
                if q.max_wait and now - call.joined >= q.max_wait:
                    self._dequeue(call)
                    del self.calls[call_id]
                    call.state = CallState.FALLBACK
                    self._counts(code, now).fallback += 1
                    decisions.append(
                        Decision(
                            call_id,
                            CallState.FALLBACK,
                            code,
                            reason={
                                "rule": "max_wait",
                                "fallback": q.fallback,
                                "waited": round(now - call.joined, 3),
                            },
                        )
                    )
                    continue
                if not any(0 < t.wait <= now - call.joined for t in q.tiers):
                    continue  # no tier opened by time for this call
                offered = self._try_offer(q, call, now)
                if offered is not None:
                    self._dequeue(call)
                    decisions.append(offered)
        return decisions

    # --- decisions -------------------------------------------------------------------------------

    def _key(self, q: Queue, call: Call) -> tuple:
        """Sort key of a waiting call, smallest first; it does not change while the call waits."""
        front = 0 if call.front else 1
        if q.priority == Priority.STRICT:
            return (-call.level, front, call.joined, next(self._seq))
        # score = (now - joined) + bonus: the highest score is the smallest (joined - bonus)
        return (front, call.joined - q.bonus(call.level), next(self._seq))

    def _tier_groups(self, q: Queue, call: Call, tier: Tier) -> list[str]:
        cities = self._city_group.get(q.site, {})
        if tier.groups == HOME:
            return cities.get(call.city, []) if call.city else []
        if tier.groups == PUBLIC:
            return self._public.get(q.site, [])
        if tier.groups == OTHERS:
            own = set(cities.get(call.city, [])) if call.city else set()
            return [c for codes in cities.values() for c in codes if c not in own]
        return [tier.groups] if tier.groups in self.groups else []

    def _ordered_tiers(self, q: Queue, call: Call) -> list[tuple[int, Tier]]:
        """The queue's tiers in the order this caller tries them: an out-of-area caller (no home group)
        starts with the public tier, at once."""
        tiers = list(enumerate(q.tiers))
        if call.city is None or not self._city_group.get(q.site, {}).get(call.city):
            public = [(i, Tier(t.groups, 0.0)) for i, t in tiers if t.groups == PUBLIC]
            rest = [(i, t) for i, t in tiers if t.groups not in (PUBLIC, HOME)]
            return public + rest
        return tiers

    def _eligible(self, q: Queue, agent: Agent) -> bool:
        return not q.skill or agent.skills.get(q.skill, 0) >= q.min_level

    def _candidates(self, q: Queue, groups: list[str], exclude: set[str]) -> list[Agent]:
        if len(groups) == 1 and not q.skill and not exclude:
            # the common wide case (one group, e.g. the public one, no skill): no per-agent checks
            return list(self.ready.get(groups[0], {}).values())
        seen: dict[str, Agent] = {}
        for code in groups:
            for job, agent in self.ready.get(code, {}).items():
                if job not in seen and job not in exclude and self._eligible(q, agent):
                    seen[job] = agent
        return list(seen.values())

    def _pick(self, q: Queue, agents: list[Agent]) -> list[Agent]:
        if q.strategy == Strategy.RING_ALL:
            return agents
        if not q.skill and q.strategy == Strategy.LONGEST_IDLE:
            return [min(agents, key=_BY_IDLE)]  # the same order as below, compared in C
        skill = (lambda a: -a.skills.get(q.skill, 0)) if q.skill else (lambda a: 0)
        if q.strategy == Strategy.FEWEST_CALLS:
            best = min(agents, key=lambda a: (skill(a), a.answered, a.idle_since, a.job_number))
        elif q.strategy == Strategy.ROUND_ROBIN:
            best = min(agents, key=lambda a: (skill(a), a.last_offered, a.job_number))
        else:
            best = min(agents, key=lambda a: (skill(a), a.idle_since, a.job_number))
        return [best]

    def _try_offer(
        self, q: Queue, call: Call, now: float, exclude: set[str] = frozenset()
    ) -> Decision | None:
        waited = now - call.joined
        weighed: list[dict] = []
        for index, tier in self._ordered_tiers(q, call):
            if tier.wait and waited < tier.wait:
                weighed.append(
                    {"tier": index, "groups": tier.groups, "opens_in": round(tier.wait - waited, 3)}
                )
                continue
            groups = self._tier_groups(q, call, tier)
            candidates = self._candidates(q, groups, exclude)
            weighed.append({"tier": index, "groups": tier.groups, "free": len(candidates)})
            if not candidates:
                continue
            chosen = self._pick(q, candidates)
            return self._ring(q, call, chosen, now, tier=index, tier_groups=tier.groups, weighed=weighed,
                              candidates=candidates)  # fmt: skip
        call.reason = {"rule": "all_busy", "tiers": weighed}
        return None

    def _ring(self, q: Queue, call: Call, chosen: list[Agent], now: float, *, tier: int, tier_groups: str,
              weighed: list[dict], candidates: list[Agent]) -> Decision:  # fmt: skip
        for agent in chosen:
            self._move(agent, AgentState.RINGING, now)
            agent.call_id, agent.queue = call.call_id, q.code
            agent.last_offered = now
        call.state, call.offered_at = CallState.OFFERED, now
        call.agents = tuple(a.job_number for a in chosen)
        score = round(now - call.joined + q.bonus(call.level), 3) if q.priority == Priority.SCORE else None
        call.reason = {
            "rule": "offered",
            "tier": tier,
            "groups": tier_groups,
            "strategy": q.strategy.value,
            "level": call.level,
            "score": score,
            "waited": round(now - call.joined, 3),
            "candidates": len(candidates),
            "weighed": [a.job_number for a in candidates[:10]],
            "tiers": weighed,
        }
        first = chosen[0]
        return Decision(
            call.call_id,
            CallState.OFFERED,
            q.code,
            agent=first.job_number,
            agents=call.agents,
            contact=first.contact,
            reason=call.reason,
        )

    def _enqueue(self, q: Queue, call: Call) -> Decision:
        call.state = CallState.QUEUED
        waiting = self.waiting[q.code]
        bisect.insort(waiting, (call.key, call.call_id))
        position = bisect.bisect_left(waiting, (call.key, call.call_id)) + 1
        return Decision(call.call_id, CallState.QUEUED, q.code, position=position, reason=call.reason)

    def _dequeue(self, call: Call) -> None:
        waiting = self.waiting[call.queue]
        index = bisect.bisect_left(waiting, (call.key, call.call_id))
        if index < len(waiting) and waiting[index][1] == call.call_id:
            del waiting[index]

    def _release(self, agent: Agent, now: float) -> list[Decision]:
        """An agent who was ringing for a call that went elsewhere (or was abandoned) is free again."""
        if agent.state != AgentState.RINGING:
            return []
        self._move(agent, AgentState.READY, now)
        return self._serve_agent(agent, now)

    def _free_agent(self, q: Queue, call: Call, now: float) -> bool:
        waited = now - call.joined
        return any(
            self._candidates(q, self._tier_groups(q, call, t), set())
            for _i, t in self._ordered_tiers(q, call)
            if not t.wait or waited >= t.wait
        )

    def _serve_agent(self, agent: Agent, now: float, skip: str = "") -> list[Decision]:
        """A ready agent takes the first waiting call they may take (best caller first across the
        queues they serve; a call is theirs once the tier holding their group has opened)."""
        best: tuple | None = None
        for code, waiting in self.waiting.items():
            if not waiting:
                continue
            q = self.queues[code]
            if not self._eligible(q, agent):
                continue
            for key, call_id in waiting:
                if call_id == skip:
                    continue
                call = self.calls[call_id]
                tier = self._agent_tier(q, call, agent, now)
                if tier is None:
                    continue
                rank = (key[:2] if q.priority == Priority.STRICT else (key[0], -(now - key[1])), call.joined)
                if best is None or rank < best[0]:
                    best = (rank, q, call, tier)
                break  # the first eligible call is this queue's best for the agent
        if best is None:
            return []
        _rank, q, call, (index, tier) = best
        self._dequeue(call)
        return [
            self._ring(
                q,
                call,
                [agent],
                now,
                tier=index,
                tier_groups=tier.groups,
                weighed=[{"tier": index, "groups": tier.groups, "free": 1}],
                candidates=[agent],
            )  # fmt: skip
        ]

    def _agent_tier(self, q: Queue, call: Call, agent: Agent, now: float) -> tuple[int, Tier] | None:
        waited = now - call.joined
        for index, tier in self._ordered_tiers(q, call):
            if tier.wait and waited < tier.wait:
                continue
            if agent.groups.intersection(self._tier_groups(q, call, tier)):
                return index, tier
        return None

    # --- reading ---------------------------------------------------------------------------------

    def _call(self, call_id: str) -> Call:
        call = self.calls.get(call_id)
        if call is None:
            raise RoutingError("unknown_call", f"no live call {call_id}")
        return call

    def position(self, call_id: str) -> int:
        call = self._call(call_id)
        if call.state != CallState.QUEUED:
            return 0
        return bisect.bisect_left(self.waiting[call.queue], (call.key, call_id)) + 1

    def _slot(self, now: float) -> int:
        return int(now // self.interval * self.interval)

    def _counts(self, queue: str, now: float) -> Counters:
        key = (queue, self._slot(now))
        counts = self.counters.get(key)
        if counts is None:
            counts = self.counters[key] = Counters()
        return counts

    def snapshot(self, now: float) -> dict:
        """Live figures for the wallboard: per queue the calls waiting and the longest wait, per group
        the agents by state, and this interval's raw counts."""
        slot = self._slot(now)
        every_state = [s.value for s in AgentState]
        queues = {}
        serving: dict[str, frozenset[str]] = {}
        for code, waiting in self.waiting.items():
            q = self.queues[code]
            oldest = min((self.calls[c].joined for _k, c in waiting), default=None)
            counts = self.counters.get((code, slot), Counters())
            serving[code] = self._serving_groups(q)
            queues[code] = {
                "waiting": len(waiting),
                "longest_wait": round(now - oldest, 3) if oldest is not None else 0.0,
                "interval": slot,
                "counts": counts.as_dict(),
                "groups": sorted(serving[code]),
                "agents": dict.fromkeys(every_state, 0),  # agents who may take its calls, by state
            }
        groups = {code: dict.fromkeys(every_state, 0) for code in self.groups}
        agents = dict.fromkeys(every_state, 0)
        sites: dict[str, dict[str, int]] = {}
        # agents alike in groups, skills and state count together: a handful of kinds, not 5,000 agents
        kinds = Counter(
            (a.groups, tuple(sorted(a.skills.items())), a.state.value) for a in self.agents.values()
        )
        for (agent_groups, skills, state), n in kinds.items():
            agents[state] += n
            for site in {self.groups[c].site for c in agent_groups if c in self.groups}:
                sites.setdefault(site, dict.fromkeys(every_state, 0))[state] += n
            for code in agent_groups:
                if code in groups:
                    groups[code][state] += n
            for code, codes in serving.items():
                q = self.queues[code]
                if agent_groups & codes and (not q.skill or dict(skills).get(q.skill, 0) >= q.min_level):
                    queues[code]["agents"][state] += n
        seconds = self.state_seconds.get(slot, {})
        return {
            "now": now,
            "interval": slot,
            "queues": queues,
            "groups": groups,
            "agents": agents,  # every agent once, by state
            "sites": sites,  # every agent once per site of its groups, by state
            "state_seconds": {str(k): round(v, 3) for k, v in seconds.items()},
        }

    def _serving_groups(self, q: Queue) -> frozenset[str]:
        """The groups whose agents may take the queue's calls (by its tiers, for any caller)."""
        codes: set[str] = set()
        for tier in q.tiers:
            if tier.groups in (HOME, OTHERS):
                codes.update(c for cs in self._city_group.get(q.site, {}).values() for c in cs)
            elif tier.groups == PUBLIC:
                codes.update(self._public.get(q.site, []))
            elif tier.groups in self.groups:
                codes.add(tier.groups)
        return frozenset(codes)
