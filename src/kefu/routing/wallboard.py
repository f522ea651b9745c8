"""The supervisors' live wallboard (ST-1, ST-2, SP-3): one JSON document from the router's snapshot and
the day's stored counts. Pure (no Django): the desk's view and API feed it, the page draws it, and the
page recomputes it from every pushed snapshot the same way (``wallboard.js`` mirrors :func:`build`).

Inputs:

- ``snapshot``: :meth:`kefu.routing.core.Router.snapshot` — ``now`` (epoch seconds), per queue
  ``waiting``, ``longest_wait``, ``interval`` (its start) and ``counts`` (this interval's raw counts),
  per group the agents by state. Optional keys used when present: ``state_seconds`` (this interval's
  agent seconds per state, for the interval's occupancy) and ``agents`` (agents by state, each agent
  once, for the totals; without it the totals sum the groups, so an agent of two groups counts twice).
- ``day``: per queue, the stored counts of today's intervals by interval start (epoch seconds), as
  ``IntervalCount`` rows hold them. The snapshot's own interval is taken from the snapshot (live), so
  a stored row for it is ignored whatever its state.
- ``names``: ``{"queues": {code: {"name", "answer_threshold", "groups"}}, "groups": {code: {"name",
  "city"}}}``; ``groups`` of a queue lists the agent groups that serve it (else the snapshot's
  ``groups`` of that queue when it has them, else every group: a queue's tiers name ``@home``,
  ``@public``, ``@others``, which is every group of the province); a code missing from ``names`` is
  shown by its code.
- ``threshold``: the N of N秒人工接通率 for a queue whose ``answer_threshold`` is not in ``names``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from kefu.routing import kpi
from kefu.routing.core import AgentState

STATES: tuple[str, ...] = tuple(s.value for s in AgentState)
RATE_KEYS = frozenset(
    {"answer_rate", "service_level", "abandon_rate", "short_abandon_rate", "occupancy", "occupancy_now"}
)


def _round(figures: dict) -> dict:
    """Rates to 4 decimals, seconds to 1: what a screen needs, and stable JSON."""
    out = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out[key] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in value.items()}
        elif isinstance(value, float):
            out[key] = round(value, 4) if key in RATE_KEYS else round(value, 1)
        else:
            out[key] = value
    return out


def _agents(groups: Mapping[str, Mapping], codes) -> dict[str, int]:
    agents = dict.fromkeys(STATES, 0)
    for code in codes:
        for state, count in groups.get(code, {}).items():
            agents[state] = agents.get(state, 0) + count
    return agents


def _staffed(agents: Mapping[str, int]) -> int:
    return sum(n for state, n in agents.items() if state != AgentState.LOGGED_OUT.value)


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _trend_point(start: float, counts: Mapping) -> dict:
    offered = counts.get("offered") or 0
    answered = counts.get("answered") or 0
    in_threshold = counts.get("answered_in_threshold") or 0
    service_level = kpi.ratio(in_threshold, offered)
    answer_rate = kpi.ratio(answered, offered)
    return {
        "start": start,
        "offered": offered,
        "answered": answered,
        "abandoned": counts.get("abandoned") or 0,
        "service_level": None if service_level is None else round(service_level, 4),
        "answer_rate": None if answer_rate is None else round(answer_rate, 4),
    }


def _ordered(codes, configured: Mapping) -> list[str]:
    """Codes in the configuration's order, then the others by code."""
    known = [c for c in configured if c in codes]
    return known + sorted(c for c in codes if c not in configured)


def build(
    snapshot: Mapping,
    *,
    day: Mapping[str, Mapping],
    names: Mapping,
    threshold: int,
) -> dict:
    """The wallboard: per queue (calls waiting, longest wait, agents of its groups by state, this
    interval's and the day's figures with a trend of the day's intervals), per group (agents by
    state) and totals."""
    now = snapshot.get("now")
    queue_names: Mapping = names.get("queues", {})
    group_names: Mapping = names.get("groups", {})
    live_queues: Mapping = snapshot.get("queues", {})
    groups: Mapping = snapshot.get("groups", {})
    all_groups = _ordered(set(groups) | set(group_names), group_names)
    interval = min((q.get("interval", 0) for q in live_queues.values()), default=None)

    queues = []
    totals_interval = kpi.empty()
    totals_day = kpi.empty()
    trend_total: dict[float, dict] = {}
    for code in _ordered(set(live_queues) | set(day), queue_names):
        live = live_queues.get(code, {})
        config = queue_names.get(code, {})
        start = live.get("interval", interval)
        current = dict(live.get("counts") or kpi.empty())
        stored = {float(s): c for s, c in day.get(code, {}).items() if start is None or float(s) != start}
        points = sorted(stored.items())
        if start is not None:
            points.append((float(start), current))
        day_counts = kpi.sum_counts(c for _s, c in points)
        kpi.add(totals_interval, current)
        kpi.add(totals_day, day_counts)
        for s, c in points:
            kpi.add(trend_total.setdefault(s, kpi.empty()), c)
        served_by = config.get("groups") or live.get("groups") or all_groups
        # the core counts each agent who may take the queue's calls once; else add up its groups
        agents = dict(live["agents"]) if live.get("agents") else _agents(groups, served_by)
        queues.append(
            {
                "code": code,
                "name": config.get("name") or code,
                "threshold": config.get("answer_threshold") or threshold,
                "waiting": live.get("waiting", 0),
                "longest_wait": round(live.get("longest_wait", 0.0), 1),
                "groups": list(served_by),
                "agents": agents,
                "staffed": _staffed(agents),
                "occupancy_now": _round({"occupancy_now": kpi.occupancy(agents)})["occupancy_now"],
                "interval": _round(kpi.figures(current)),
                "day": _round(kpi.figures(day_counts)),
                "trend": [_trend_point(s, c) for s, c in points],
            }
        )

    group_rows = []
    for code in all_groups:
        agents = _agents(groups, [code])
        config = group_names.get(code, {})
        group_rows.append(
            {
                "code": code,
                "name": config.get("name") or code,
                "city": config.get("city"),
                "agents": agents,
                "staffed": _staffed(agents),
                "occupancy_now": _round({"occupancy_now": kpi.occupancy(agents)})["occupancy_now"],
            }
        )

    agents = dict(snapshot["agents"]) if snapshot.get("agents") else _agents(groups, all_groups)
    state_seconds = snapshot.get("state_seconds")
    totals = {
        "waiting": sum(q["waiting"] for q in queues),
        "longest_wait": max((q["longest_wait"] for q in queues), default=0.0),
        "agents": agents,
        "staffed": _staffed(agents),
        "occupancy_now": _round({"occupancy_now": kpi.occupancy(agents)})["occupancy_now"],
        "interval": _round(kpi.figures(totals_interval, state_seconds=state_seconds)),
        "day": _round(kpi.figures(totals_day)),
        "trend": [_trend_point(s, c) for s, c in sorted(trend_total.items())],
    }
    return {
        "now": now,
        "at": _iso(now),
        "interval_start": interval,
        "threshold": threshold,
        "queues": queues,
        "groups": group_rows,
        "totals": totals,
    }
