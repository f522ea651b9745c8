"""Call-centre figures from raw counts (ST-1, ST-2, SP-3): pure functions, no Django.

The router keeps per queue and interval only raw counts (:class:`kefu.routing.core.Counters`); every rate
is computed here from them, so that the wallboard, the reports and the simulator agree and any variant
can be recomputed later from the stored counts (``IntervalCount``). Definitions follow
``research/acd.md`` section 2:

- 人工请求量 (offered): every call that asked for an agent, including those that later abandoned or left
  by the queue's limits (fallback: queue full, longest wait reached);
- 人工接通量 (answered) and 人工接通率 = answered / offered;
- N秒人工接通率 = answered within N s of queue plus ring time / offered (the Chinese operators' service
  level, variant 3 of acd.md with every agent request in the denominator); N is the queue's
  ``answer_threshold`` (15 for SP-3), fixed when the call is counted;
- the service-level variants 1-5 of acd.md (see :func:`service_levels`);
- abandon rate = abandoned / offered, with the short abandons (within the queue's ``short_abandon``
  seconds) counted apart;
- ASA = queue plus ring seconds of answered calls / answered; AHT = (talk + wrap-up) / handled;
- occupancy = (ringing + talking + wrap-up) / (those + ready) agent seconds.

A rate whose denominator is 0 is ``None`` ("no calls"), never 0 ("all calls failed").

Counts are attributed to the interval in which each event happened (a call offered at 09:14:55 and
answered at 09:15:05 is offered in one interval and answered in the next), so one interval's rates
may exceed 1 when calls cross its edges; over a day they do not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from kefu.routing.core import AgentState, Counters

COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Counters))
# counts that are not summed over intervals but take the largest
MAX_FIELDS = frozenset({"max_wait"})
# abandons within the answer threshold: not a core counter today; when the counts carry it, the
# service-level variants 1 and 4 are computed, else they are None
ABANDONED_IN_THRESHOLD = "abandoned_in_threshold"

_NUMBERS = (int, float)
BUSY_STATES = (AgentState.RINGING.value, AgentState.TALKING.value, AgentState.WRAPUP.value)


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return part / whole if whole else None


def empty() -> dict:
    """Counts of an interval in which nothing happened."""
    return Counters().as_dict()


def add(total: dict, counts: Mapping) -> dict:
    """Add ``counts`` into ``total`` (in place; returned): sums, except the longest wait, which is the
    largest. Keys ``total`` does not know yet (e.g. ``abandoned_in_threshold``) are summed as well;
    missing keys count as 0."""
    get = total.get
    for key, value in counts.items():
        if type(value) not in _NUMBERS:  # text, None, and bool (not a count)
            continue
        total[key] = max(get(key, 0.0), value) if key in MAX_FIELDS else get(key, 0) + value
    return total


def sum_counts(rows: Iterable[Mapping]) -> dict:
    """The counts of several intervals (a day, a shift) as one."""
    total = empty()
    for row in rows:
        add(total, row)
    return total


def _get(counts: Mapping, key: str) -> float:
    return counts.get(key) or 0


def service_levels(counts: Mapping) -> dict[str, float | None]:
    """The five service-level variants of acd.md section 2, T being the queue's answer threshold:

    1. (answered ≤ T + abandoned ≤ T) / (answered + abandoned)
    2. answered ≤ T / answered
    3. answered ≤ T / (answered + abandoned)
    4. answered ≤ T / (answered + abandoned > T)
    5. (answered ≤ T + short abandons) / (answered + abandoned)

    Variants 1 and 4 need the abandons within T, which the counts carry only as
    ``abandoned_in_threshold``; without it they are None.
    """
    answered = _get(counts, "answered")
    in_threshold = _get(counts, "answered_in_threshold")
    abandoned = _get(counts, "abandoned")
    short = _get(counts, "abandoned_short")
    levels: dict[str, float | None] = {
        "1": None,
        "2": ratio(in_threshold, answered),
        "3": ratio(in_threshold, answered + abandoned),
        "4": None,
        "5": ratio(in_threshold + short, answered + abandoned),
    }
    if counts.get(ABANDONED_IN_THRESHOLD) is not None:
        abandoned_in = counts[ABANDONED_IN_THRESHOLD]
        levels["1"] = ratio(in_threshold + abandoned_in, answered + abandoned)
        levels["4"] = ratio(in_threshold, answered + abandoned - abandoned_in)
    return levels


def occupancy(state_seconds: Mapping | None) -> float | None:
    """Busy (ringing, talking, wrap-up) agent seconds over busy plus ready seconds; not-ready and
    logged-out time is left out. Given agents counted by their current state instead of seconds, the
    same ratio is the occupancy of this moment."""
    if not state_seconds:
        return None
    busy = sum(state_seconds.get(state, 0.0) for state in BUSY_STATES)
    return ratio(busy, busy + state_seconds.get(AgentState.READY.value, 0.0))


def figures(counts: Mapping, *, state_seconds: Mapping | None = None) -> dict:
    """Every figure of the wallboard from one queue's (or several queues') raw counts."""
    offered = _get(counts, "offered")
    answered = _get(counts, "answered")
    abandoned = _get(counts, "abandoned")
    short = _get(counts, "abandoned_short")
    handled = _get(counts, "handled")
    return {
        "offered": offered,
        "answered": answered,
        "answered_in_threshold": _get(counts, "answered_in_threshold"),
        "abandoned": abandoned,
        "abandoned_short": short,
        "abandoned_long": abandoned - short,
        "abandoned_ringing": _get(counts, "abandoned_ringing"),
        "fallback": _get(counts, "fallback"),
        "no_answer": _get(counts, "no_answer"),
        "handled": handled,
        "max_wait": _get(counts, "max_wait"),
        # 人工接通率 and N秒人工接通率 (SP-3: N = 15, above 0.85)
        "answer_rate": ratio(answered, offered),
        "service_level": ratio(_get(counts, "answered_in_threshold"), offered),
        "service_levels": service_levels(counts),
        "abandon_rate": ratio(abandoned, offered),
        "short_abandon_rate": ratio(short, offered),
        "asa": ratio(_get(counts, "wait_answered"), answered),
        "average_abandon_wait": ratio(_get(counts, "wait_abandoned"), abandoned),
        "aht": ratio(_get(counts, "talk_seconds") + _get(counts, "wrapup_seconds"), handled),
        "occupancy": occupancy(state_seconds),
    }
