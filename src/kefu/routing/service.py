"""The router: the decision core wrapped with persistence and events (one per deployment).

:class:`RouterService` owns a :class:`kefu.routing.core.Router`. Every command (offer a call, set an
agent's state, answer, hang up, tick …) runs under one lock: it is applied to the core, then what it
changed is written to the database (``RoutedCall``, ``AgentStatus`` + ``AgentStateChange``,
``IntervalCount``) and pushed over the bus (``agent_state`` and ``offered`` to ``agent:<job>``, the
wallboard to ``wallboard:<province>``). On start it is rebuilt from those rows (:meth:`restore`), so a
restart loses no queued call.

Exactly one RouterService decides for a deployment: the ``kefu router`` process (ADR 0008), or, when
``KEFU_ROUTER_URL`` is empty (tests, a single process), one inside the web process
(:mod:`kefu.routing.client`). Commands take and answer plain JSON-able values, so both are called the
same way. The core is fed by state changes; no command reads the database to decide.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction

from kefu.core.bus import publish_on_commit
from kefu.core.models import City, Province
from kefu.routing import core
from kefu.routing.choices import AgentStateChoices, NotReadyReason
from kefu.routing.config import load_configuration, seat_spec
from kefu.routing.core import RoutingError
from kefu.routing.models import (
    COUNTER_FIELDS,
    AgentStateChange,
    AgentStatus,
    IntervalCount,
    RoutedCall,
    Seat,
)
from kefu.telephony.services import agent_channel

WALLBOARD_EVERY = 1.0  # seconds: the wallboard is pushed at most this often, while something changed


def to_datetime(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, tz=UTC) if seconds else None


def to_seconds(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


class TrackingRouter(core.Router):
    """The core, noting which agents and which counters each command touched (what to persist)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.touched_agents: set[str] = set()
        self.touched_counts: set[tuple[str, int]] = set()

    def _move(self, agent: core.Agent, state: core.AgentState, now: float, *, reason: str = "") -> None:
        super()._move(agent, state, now, reason=reason)
        self.touched_agents.add(agent.job_number)

    def _counts(self, queue: str, now: float) -> core.Counters:
        self.touched_counts.add((queue, self._slot(now)))
        return super()._counts(queue, now)


class RouterService:
    """The router's commands. Not for concurrent use without its lock: every public method takes it."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, interval: float | None = None, auto_tick: bool = True
    ) -> None:
        """``auto_tick``: time passes at the start of every command (the in-process router, which has
        no ticking thread); the router process ticks on its own and passes False."""
        self.clock = clock
        self.auto_tick = auto_tick
        self.interval = interval or float(getattr(settings, "KEFU_ROUTING_INTERVAL", 900))
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0  # bumped by every command that changed something (waiters compare it)
        self.restore()

    # --- start -----------------------------------------------------------------------------------

    def restore(self) -> None:
        """Build the core from the database: configuration, seats, agents' states, live calls and the
        current interval's counters."""
        with self.lock:
            self.core = TrackingRouter(interval=self.interval)
            self._wall_provinces: set[int] = set()
            self._wall_at = 0.0
            self._persisted: dict[str, tuple[str, str, str]] = {}
            self.numbers: dict[str, str] = {}  # live call -> calling number (the desk's "offered")
            self._count_rows: set[tuple[str, int]] = set()  # (queue, slot) whose IntervalCount row exists
            self.province_codes = dict(Province.objects.values_list("id", "code"))
            self.city_ids = dict(City.objects.values_list("code", "id"))
            self._configure()
            self.staff: dict[str, tuple[int, int | None]] = {}
            for seat in Seat.objects.select_related("staff").prefetch_related("groups"):
                self._upsert(seat)
            for status in AgentStatus.objects.select_related("staff").filter(
                staff__job_number__in=list(self.core.agents)
            ):
                job = status.staff.job_number
                self.core.restore_agent(
                    job,
                    state=status.state,
                    since=to_seconds(status.since),
                    reason=status.reason,
                    call_id=status.call_id,
                    queue=status.queue_code,
                    wrapup_until=to_seconds(status.wrapup_until),
                    answered=status.answered,
                )
                self._persisted[job] = (status.state, status.reason, status.call_id)
            live = RoutedCall.objects.filter(state__in=core_live_states()).select_related(
                "queue", "city", "agent"
            )
            for row in live.order_by("joined_at", "id"):
                if row.queue.code not in self.core.queues:
                    continue
                self.core.restore_call(
                    row.call_id,
                    queue=row.queue.code,
                    city=row.city.code if row.city_id else None,
                    level=row.level,
                    joined=to_seconds(row.joined_at),
                    state=row.state,
                    agents=row.agents,
                    agent=row.agent.job_number if row.agent_id else "",
                    offered_at=to_seconds(row.offered_at),
                    answered_at=to_seconds(row.answered_at),
                    front=row.front,
                )
                self.numbers[row.call_id] = row.calling_number
            slot = self.core._slot(self.clock())
            for counts in IntervalCount.objects.filter(start=datetime.fromtimestamp(slot, tz=UTC)):
                self.core.counters[(counts.queue_code, slot)] = core.Counters(
                    **{name: getattr(counts, name) for name in COUNTER_FIELDS}
                )
                self._count_rows.add((counts.queue_code, slot))
            self.core.touched_agents.clear()
            self.core.touched_counts.clear()

    def _configure(self) -> None:
        groups, queues, self.group_province, self.queue_province = load_configuration()
        self.core.configure(groups=groups, queues=queues)
        from kefu.routing.models import RoutingQueue

        self.queue_ids = dict(RoutingQueue.objects.values_list("code", "id"))

    def _upsert(self, seat: Seat) -> None:
        spec = seat_spec(seat)
        self.staff[spec["job_number"]] = (seat.staff_id, seat.staff.province_id)
        self.core.upsert_agent(
            spec["job_number"], groups=spec["groups"], skills=spec["skills"], contact=spec["contact"]
        )

    # --- configuration commands ------------------------------------------------------------------

    def reload(self) -> dict:
        """Queues or groups changed in the database: take them (agents and calls stay)."""
        with self.lock:
            self._configure()
            return {"queues": len(self.core.queues), "groups": len(self.core.groups)}

    def upsert_seat(self, job_number: str) -> dict:
        """A seat was created or edited in the database: take its groups, skills and contact."""
        with self.lock:
            seat = (
                Seat.objects.select_related("staff")
                .prefetch_related("groups")
                .filter(staff__job_number=job_number)
                .first()
            )
            if seat is None:
                raise RoutingError("unknown_agent", f"no seat {job_number}")
            self._upsert(seat)
            self._after([], by="")
            return self._agent_dict(self.core.agents[job_number])

    # --- calls -----------------------------------------------------------------------------------

    def offer(
        self,
        call_id: str,
        *,
        queue: str,
        city: str | None,
        level: int = 0,
        calling_number: str = "",
        called_number: str = "",
    ) -> dict:
        """A new call, already classified (queue, the caller's home city or None, customer level)."""
        with self.lock:
            self._time_passes()
            now = self._now()
            if call_id in self.core.calls or RoutedCall.objects.filter(call_id=call_id).exists():
                raise RoutingError("call_exists", f"call {call_id} is already routed")
            if queue not in self.core.queues:
                raise RoutingError("unknown_queue", f"no queue {queue}")
            decision = self.core.offer(call_id, queue=queue, city=city, level=level, now=now)
            if call_id in self.core.calls:
                self.numbers[call_id] = calling_number
            live = self.core.calls.get(call_id)
            row = RoutedCall(
                call_id=call_id,
                calling_number=calling_number,
                called_number=called_number,
                queue_id=self.queue_ids[queue],
                province_id=self.queue_province[queue],
                city_id=self.city_ids.get(city) if city else None,
                level=level,
                state=decision.state.value,
                joined_at=to_datetime(now),
                reason=decision.reason,
                position=decision.position,
                outcome=decision.reason.get("fallback", "")
                if decision.state == core.CallState.FALLBACK
                else "",
                ended_at=to_datetime(now) if decision.state == core.CallState.FALLBACK else None,
                agents=list(decision.agents),
                offered_at=to_datetime(live.offered_at) if live is not None else None,
            )
            self._after([decision], by="", new_call=row)
            return self._decision_dict(decision)

    def call(self, call_id: str) -> dict:
        """The call's current state in the API's shape (a call no longer live: from its record)."""
        with self.lock:
            self._time_passes()
            live = self.core.calls.get(call_id)
            if live is not None:
                return self._live_call_dict(live)
            row = RoutedCall.objects.select_related("queue", "agent").filter(call_id=call_id).first()
            if row is None:
                raise RoutingError("unknown_call", f"no call {call_id}")
            return {
                "call_id": row.call_id,
                "state": row.state,
                "queue": row.queue.code,
                "position": 0,
                "agent": row.agent.job_number if row.agent_id else "",
                "contact": "",
                "reason": row.reason,
            }

    def wait_call(self, call_id: str, *, wait: float) -> dict:
        """The call's state once it is no longer queued, or after ``wait`` seconds (in-process use:
        the router process waits in its HTTP threads instead, see :mod:`kefu.routing.server`)."""
        deadline = time.monotonic() + max(0.0, wait)
        with self.changed:
            while True:
                self.tick()
                answer = self.call(call_id)
                remaining = deadline - time.monotonic()
                if answer["state"] != core.CallState.QUEUED or remaining <= 0:
                    return answer
                self.changed.wait(min(remaining, 0.5))

    def ring(self, call_id: str, *, agent: str) -> dict:
        """The CTI reports the ringing the router asked for: nothing to decide, only checked."""
        with self.lock:
            self._time_passes()
            call = self.core.calls.get(call_id)
            if call is None:
                raise RoutingError("unknown_call", f"no live call {call_id}")
            if call.state != core.CallState.OFFERED or agent not in call.agents:
                raise RoutingError("call_not_offered", f"call {call_id} is not ringing at agent {agent}")
            return self._live_call_dict(call)

    def answer(self, call_id: str, *, agent: str) -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            decisions = self.core.answer(call_id, agent=agent, now=now)
            self._after(decisions, calls={call_id}, by="")
            return self._live_call_dict(self.core.calls[call_id])

    def hangup(self, call_id: str) -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            call = self.core._call(call_id)
            waiting = call.state in (core.CallState.QUEUED, core.CallState.OFFERED)
            decisions = self.core.hangup(call_id, now=now)
            final = core.CallState.ABANDONED if waiting else core.CallState.ENDED
            self._after(decisions, ended={call_id: (final, "")}, by="")
            return self.call(call_id)

    def abandon(self, call_id: str) -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            decisions = self.core.abandon(call_id, now=now)
            self._after(decisions, ended={call_id: (core.CallState.ABANDONED, "")}, by="")
            return self.call(call_id)

    def no_answer(self, call_id: str, *, agent: str = "") -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            decisions = self.core.no_answer(call_id, agent=agent, now=now)
            self._after(decisions, calls={call_id}, by="")
            return self.call(call_id)

    # --- agents ----------------------------------------------------------------------------------

    def set_state(self, job_number: str, *, state: str, reason: str = "", by: str = "") -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            agent = self.core._agent(job_number)
            if state not in AgentStateChoices.SETTABLE:
                raise RoutingError("invalid_state", f"an agent cannot be set {state}")
            if agent.state == core.AgentState.LOGGED_OUT and state == core.AgentState.LOGGED_OUT:
                raise RoutingError("agent_not_logged_in", f"agent {job_number} is not logged in")
            if state == core.AgentState.NOT_READY:
                reason = reason or NotReadyReason.OTHER
                if reason not in NotReadyReason:
                    raise RoutingError("invalid_state", f"unknown reason {reason}")
            decisions = self.core.set_state(job_number, state, now=now, reason=reason)
            self._after(decisions, by=by)
            return self._agent_dict(agent)

    def end_wrapup(self, job_number: str, *, by: str = "") -> dict:
        with self.lock:
            self._time_passes()
            now = self._now()
            decisions = self.core.end_wrapup(job_number, now=now)
            self._after(decisions, by=by)
            return self._agent_dict(self.core.agents[job_number])

    def agent(self, job_number: str) -> dict:
        with self.lock:
            self._time_passes()
            return self._agent_dict(self.core._agent(job_number))

    # --- time and figures ------------------------------------------------------------------------

    def tick(self) -> list[dict]:
        """Wrap-ups end, tiers open, calls past the longest wait go to the fallback; the wallboard is
        pushed when due."""
        with self.lock:
            now = self._now()
            decisions = self.core.tick(now)
            ended = {
                d.call_id: (core.CallState.FALLBACK, d.reason.get("fallback", ""))
                for d in decisions
                if d.state == core.CallState.FALLBACK
            }
            if decisions or self.core.touched_agents or self.core.touched_counts:
                self._after(decisions, ended=ended, by="")
            self._push_wallboard(now)
            return [self._decision_dict(d) for d in decisions]

    def snapshot(self) -> dict:
        with self.lock:
            self._time_passes()
            return self.core.snapshot(self._now())

    def now(self) -> float:
        return self.clock()

    def _time_passes(self) -> None:
        if self.auto_tick:
            self.tick()

    def _now(self) -> float:
        return self.clock()

    # --- persistence and events ------------------------------------------------------------------

    def _after(
        self,
        decisions: list[core.Decision],
        *,
        calls: set[str] = frozenset(),
        ended: dict[str, tuple[str, str]] | None = None,
        by: str,
        new_call: RoutedCall | None = None,
    ) -> None:
        """Write what the last command changed and announce it; wake the waiters. Rows known to
        exist are updated without reading them first (one statement each)."""
        ended = ended or {}
        touched_calls = set(calls) | {d.call_id for d in decisions} | set(ended)
        reasons = {d.call_id: d.reason for d in decisions}
        with transaction.atomic():
            if new_call is not None:
                new_call.save(force_insert=True)
                touched_calls.discard(new_call.call_id)
            for call_id in touched_calls:
                self._save_call(call_id, ended.get(call_id), reasons.get(call_id))
            for job in sorted(self.core.touched_agents):
                self._save_agent(self.core.agents[job], by=by)
            for queue, slot in sorted(self.core.touched_counts):
                self._save_counts(queue, slot)
        for decision in decisions:
            if decision.state == core.CallState.OFFERED:
                number = self.numbers.get(decision.call_id, "")
                for job in decision.agents:
                    publish_on_commit(
                        agent_channel(job),
                        {
                            "type": "offered",
                            "call_id": decision.call_id,
                            "number": number,
                            "queue": decision.queue,
                        },
                    )
        for queue, _slot in self.core.touched_counts:
            if queue in self.queue_province:
                self._wall_provinces.add(self.queue_province[queue])
        for job in self.core.touched_agents:
            province = self.staff.get(job, (0, None))[1]
            if province:
                self._wall_provinces.add(province)
        self.core.touched_agents.clear()
        self.core.touched_counts.clear()
        self.version += 1
        self.changed.notify_all()

    def _save_call(self, call_id: str, final: tuple[str, str] | None, reason: dict | None) -> None:
        live = self.core.calls.get(call_id)
        now = to_datetime(self._now())
        if live is None:
            self.numbers.pop(call_id, None)
            state, outcome = final or (core.CallState.ENDED, "")
            fields = {"state": str(state), "ended_at": now, "position": 0}
            if reason:
                fields["reason"] = reason
            if outcome:
                fields["outcome"] = outcome
            elif state == core.CallState.ABANDONED:
                fields["outcome"] = "abandoned"
            elif state == core.CallState.ENDED:
                fields["outcome"] = "answered"
            RoutedCall.objects.filter(call_id=call_id).exclude(state__in=final_states()).update(**fields)
            return
        agent_id = self.staff.get(live.agent, (None,))[0] if live.agent else None
        RoutedCall.objects.filter(call_id=call_id).update(
            state=live.state.value,
            agents=list(live.agents),
            agent_id=agent_id,
            front=live.front,
            offered_at=to_datetime(live.offered_at),
            answered_at=to_datetime(live.answered_at),
            position=self.core.position(call_id),
            reason=live.reason,
        )

    def _save_agent(self, agent: core.Agent, *, by: str) -> None:
        staff_id = self.staff.get(agent.job_number, (None,))[0]
        if staff_id is None:
            return
        since = to_datetime(agent.since) or to_datetime(self._now())
        fields = {
            "state": agent.state.value,
            "reason": agent.reason,
            "since": since,
            "call_id": agent.call_id,
            "queue_code": agent.queue,
            "wrapup_until": to_datetime(agent.wrapup_until),
            "answered": agent.answered,
        }
        # one UPDATE for an agent whose row exists (all but their first change), else the row
        if not AgentStatus.objects.filter(staff_id=staff_id).update(**fields):
            AgentStatus.objects.create(staff_id=staff_id, **fields)
        key = (agent.state.value, agent.reason, agent.call_id)
        if self._persisted.get(agent.job_number) != key:
            AgentStateChange.objects.create(
                staff_id=staff_id, state=key[0], reason=key[1], at=since, by=by, call_id=agent.call_id
            )
        self._persisted[agent.job_number] = key
        publish_on_commit(
            agent_channel(agent.job_number),
            {
                "type": "agent_state",
                "state": agent.state.value,
                "reason": agent.reason,
                "since": since.isoformat(),
                "call_id": agent.call_id,
            },
        )

    def _save_counts(self, queue: str, slot: int) -> None:
        counts = self.core.counters.get((queue, slot))
        if counts is None:
            return
        start = datetime.fromtimestamp(slot, tz=UTC)
        if (queue, slot) in self._count_rows and IntervalCount.objects.filter(
            queue_code=queue, start=start
        ).update(**counts.as_dict()):
            return
        IntervalCount.objects.update_or_create(
            queue_code=queue,
            start=start,
            defaults={"province_id": self.queue_province.get(queue), **counts.as_dict()},
        )
        self._count_rows.add((queue, slot))

    def _push_wallboard(self, now: float) -> None:
        if not self._wall_provinces or now - self._wall_at < WALLBOARD_EVERY:
            return
        self._wall_at = now
        snapshot = self.core.snapshot(now)
        for province_id in sorted(self._wall_provinces):
            code = self.province_codes.get(province_id)
            if code is None:
                continue
            publish_on_commit(
                f"wallboard:{code}",
                {
                    **snapshot,  # every figure of Router.snapshot(); queues, groups, agents: this province's
                    "type": "wallboard",
                    "agents": snapshot.get("sites", {}).get(str(province_id), {}),
                    "queues": {
                        k: v
                        for k, v in snapshot["queues"].items()
                        if self.queue_province.get(k) == province_id
                    },
                    "groups": {
                        k: v
                        for k, v in snapshot["groups"].items()
                        if self.group_province.get(k) == province_id
                    },
                },
            )
        self._wall_provinces.clear()

    # --- shapes ----------------------------------------------------------------------------------

    def _decision_dict(self, decision: core.Decision) -> dict:
        return {
            "call_id": decision.call_id,
            "state": decision.state.value,
            "queue": decision.queue,
            "position": decision.position,
            "agent": decision.agent,
            "contact": decision.contact,
            "reason": decision.reason,
        }

    def _live_call_dict(self, call: core.Call) -> dict:
        agent = call.agent or (call.agents[0] if call.agents else "")
        contact = self.core.agents[agent].contact if agent in self.core.agents else ""
        return {
            "call_id": call.call_id,
            "state": call.state.value,
            "queue": call.queue,
            "position": self.core.position(call.call_id),
            "agent": agent,
            "contact": contact,
            "reason": call.reason,
        }

    def _agent_dict(self, agent: core.Agent) -> dict:
        return {
            "job_number": agent.job_number,
            "state": agent.state.value,
            "reason": agent.reason,
            "since": to_datetime(agent.since).isoformat() if agent.since else None,
            "call_id": agent.call_id,
            "groups": sorted(agent.groups),
            "skills": agent.skills,
            "contact": agent.contact,
            "wrapup_until": to_datetime(agent.wrapup_until).isoformat() if agent.wrapup_until else None,
        }


def core_live_states() -> list[str]:
    return [core.CallState.QUEUED.value, core.CallState.OFFERED.value, core.CallState.TALKING.value]


def final_states() -> list[str]:
    return [s.value for s in core.FINAL_STATES]
