"""The router survives a restart (issue 14 item 1, done-when): a new router built from the database
has the same queue, in the same order, the same agents' states and the interval's counts."""

from __future__ import annotations

import pytest

from kefu.routing import client
from kefu.routing.models import RoutingQueue
from kefu.routing.service import RouterService

pytestmark = pytest.mark.django_db

NANJING = "GRP-3201"


def test_a_rebuilt_router_keeps_every_queued_call_in_order(hotline, seat, clock):
    """Done-when: a router restart loses no queued call — positions, the agent's talking state, the
    interval's counts are rebuilt from the database; the next decision follows the old order."""
    agent = seat([NANJING])
    r = client.router()
    r.set_state(job_number=agent.job_number, state="ready")
    assert r.offer(call_id="talk", queue="JS-10086", city="3201", level=0)["state"] == "offered"
    r.answer(call_id="talk", agent=agent.job_number)
    for n, level in enumerate([0, 0, 3, 0]):
        clock.advance(1)
        r.offer(call_id=f"q{n}", queue="JS-10086", city="3201", level=level)
    before = {f"q{n}": r.call(call_id=f"q{n}")["position"] for n in range(4)}
    assert before == {"q2": 1, "q0": 2, "q1": 3, "q3": 4}

    rebuilt = RouterService(clock=clock)
    assert {f"q{n}": rebuilt.call(call_id=f"q{n}")["position"] for n in range(4)} == before
    assert rebuilt.agent(job_number=agent.job_number)["state"] == "talking"
    counts = rebuilt.core.counters[("JS-10086", rebuilt.core._slot(clock()))]
    assert (counts.offered, counts.answered) == (5, 1)
    rebuilt.hangup(call_id="talk")
    rebuilt.end_wrapup(job_number=agent.job_number)
    assert rebuilt.call(call_id="q2")["state"] == "offered"
    assert rebuilt.call(call_id="q0")["position"] == 1


def test_a_no_answer_requeued_call_keeps_its_front_place_after_a_restart(hotline, seat, clock):
    """No answer puts a call at the front of its class; the rebuilt router keeps it there."""
    RoutingQueue.objects.filter(code="JS-10086").update(max_no_answer=1)
    first, second = seat([NANJING]), seat([NANJING])
    r = client.router()
    r.reload()
    r.set_state(job_number=first.job_number, state="ready")
    r.offer(call_id="early", queue="JS-10086", city="3201", level=0)  # rings at first
    clock.advance(1)
    r.offer(call_id="late", queue="JS-10086", city="3201", level=0)  # queued
    clock.advance(1)
    # one miss (max_no_answer 1): first is not ready, the call waits at the front, ahead of "late"
    r.no_answer(call_id="early", agent=first.job_number)
    assert r.agent(job_number=first.job_number)["state"] == "not_ready"
    assert r.call(call_id="early")["position"] == 1
    rebuilt = RouterService(clock=clock)
    assert rebuilt.call(call_id="early")["position"] == 1
    assert rebuilt.call(call_id="late")["position"] == 2
    rebuilt.set_state(job_number=second.job_number, state="ready")
    assert rebuilt.call(call_id="early")["agent"] == second.job_number
