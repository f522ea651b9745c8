"""The routing API (issue 14): shapes, the seeds' rules through real requests, errors that change
nothing. Time is the test's clock: nothing sleeps."""

from __future__ import annotations

import pytest

from kefu.core.choices import CustomerLevel
from kefu.routing.models import AgentStateChange, AgentStatus, IntervalCount, RoutedCall
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

NANJING, SUZHOU, PUBLIC = "GRP-3201", "GRP-3205", "GRP-JS-PUBLIC"


@pytest.fixture
def admin_api(js_admin, api_client_for):
    return api_client_for(js_admin)


def offer(api, call_id, calling="13902501234", called="10086"):
    return api.post(
        "/api/v1/routing/calls",
        {"call_id": call_id, "calling_number": calling, "called_number": called},
        format="json",
    )


def ready(api, staff, state="ready", reason=""):
    body = {"state": state} | ({"reason": reason} if reason else {})
    return api.post(f"/api/v1/routing/agents/{staff.job_number}/state", body, format="json")


def cti(api, event, call_id, agent=None, calling="13902501234"):
    body = {"event": event, "call_id": call_id, "calling_number": calling}
    if agent is not None:
        body["agent_job_number"] = agent.job_number
    return api.post("/api/v1/cti/events", body, format="json")


def test_a_nanjing_caller_reaches_the_ready_nanjing_agent(hotline, seat, admin_api):
    """ORG-4: the caller's home city (by number segment) picks the city group first; the answer has
    the documented shape, and the call's record says why."""
    nanjing = seat([NANJING])
    public = seat([PUBLIC])
    assert ready(admin_api, public).status_code == 200
    assert ready(admin_api, nanjing).status_code == 200
    response = offer(admin_api, "c1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"call_id", "state", "queue", "position", "agent", "contact", "reason"}
    assert body["state"] == "offered"
    assert body["agent"] == nanjing.job_number
    assert body["contact"] == f"sip:{nanjing.job_number}@127.0.0.1:5070"
    assert body["reason"]["groups"] == "@home"
    row = RoutedCall.objects.get(call_id="c1")
    assert row.city.code == "3201" and row.agent is None and row.reason["tier"] == 0


def test_all_busy_city_overflows_to_public_and_out_of_area_goes_public_first(hotline, seat, admin_api):
    """ORG-4: with the Nanjing group busy the call goes to the public group; a Beijing caller (out of
    the area) goes to the public group even while a Nanjing agent is free."""
    nanjing = seat([NANJING])
    public = seat([PUBLIC])
    ready(admin_api, nanjing)
    ready(admin_api, public)
    assert offer(admin_api, "c1").json()["agent"] == nanjing.job_number
    second = offer(admin_api, "c2").json()
    assert second["agent"] == public.job_number and second["reason"]["groups"] == "@public"

    other_nanjing = seat([NANJING])
    other_public = seat([PUBLIC])
    ready(admin_api, other_nanjing)
    ready(admin_api, other_public)
    beijing = offer(admin_api, "c3", calling="13901001234").json()
    assert beijing["agent"] == other_public.job_number
    assert beijing["reason"]["groups"] == "@public"


def test_a_vip_caller_jumps_an_ordinary_one(hotline, seat, admin_api):
    """TIER-1: with every agent busy, a gold caller who arrives later is offered first when an agent
    frees up."""
    agent = seat([NANJING])
    ready(admin_api, agent)
    assert offer(admin_api, "busy").json()["state"] == "offered"
    ordinary = offer(admin_api, "ordinary").json()
    assert ordinary["state"] == "queued" and ordinary["position"] == 1
    vip = SubscriberFactory(home="3201", level=CustomerLevel.GOLD)
    hotline_state = offer(admin_api, "vip", calling=vip.number).json()
    assert hotline_state["state"] == "queued" and hotline_state["position"] == 1
    assert admin_api.get("/api/v1/routing/calls/ordinary").json()["position"] == 2
    # the agent answers, hangs up, ends wrap-up: the VIP rings next
    assert cti(admin_api, "ring", "busy", agent).status_code == 200
    assert cti(admin_api, "answer", "busy", agent).status_code == 200
    assert cti(admin_api, "hangup", "busy", agent).status_code == 200
    assert admin_api.get(f"/api/v1/routing/agents/{agent.job_number}").json()["state"] == "wrapup"
    assert admin_api.post(f"/api/v1/routing/agents/{agent.job_number}/wrapup-end").status_code == 200
    vip_now = admin_api.get("/api/v1/routing/calls/vip").json()
    assert vip_now["state"] == "offered" and vip_now["agent"] == agent.job_number
    assert vip_now["reason"]["level"] == 2


def test_skill_queue_takes_the_specialised_seat(hotline, seat, admin_api):
    """ORG-6: the complaint number's queue offers only to a seat with the complaint skill."""
    plain = seat([PUBLIC])
    specialist = seat([PUBLIC], skills={"complaint": 2})
    ready(admin_api, plain)
    ready(admin_api, specialist)
    body = offer(admin_api, "k1", called="1008601").json()
    assert body["queue"] == "JS-COMPLAINT" and body["agent"] == specialist.job_number


def test_no_answer_requeues_at_the_front_and_sets_not_ready_after_n(hotline, seat, admin_api, clock):
    """No answer: the call is offered again to another agent (never straight back to the one who
    missed it); after max_no_answer (2) misses in a row the agent is not ready (reason no_answer)."""
    first, second = seat([NANJING]), seat([NANJING])
    ready(admin_api, first)
    clock.advance(1)
    ready(admin_api, second)
    assert offer(admin_api, "n1").json()["agent"] == first.job_number  # ready the longest
    assert cti(admin_api, "no_answer", "n1", first).status_code == 200
    assert admin_api.get("/api/v1/routing/calls/n1").json()["agent"] == second.job_number
    assert cti(admin_api, "no_answer", "n1", second).status_code == 200
    assert admin_api.get("/api/v1/routing/calls/n1").json()["agent"] == first.job_number
    assert cti(admin_api, "no_answer", "n1").status_code == 200  # the agent named by the router
    state = admin_api.get(f"/api/v1/routing/agents/{first.job_number}").json()
    assert state["state"] == "not_ready" and state["reason"] == "no_answer"
    assert AgentStatus.objects.get(staff=first).reason == "no_answer"
    assert admin_api.get("/api/v1/routing/calls/n1").json()["agent"] == second.job_number
    assert IntervalCount.objects.get(queue_code="JS-10086").no_answer == 3


def test_abandon_while_queued_is_counted(hotline, seat, admin_api, clock):
    """ST-1: a caller leaving the queue is an abandon (short when within short_abandon seconds), the
    call's record ends as abandoned and the interval's raw counts say so."""
    offer(admin_api, "a1")
    clock.advance(30)
    assert cti(admin_api, "abandon", "a1").status_code == 200
    row = RoutedCall.objects.get(call_id="a1")
    assert row.state == "abandoned" and row.ended_at is not None
    counts = IntervalCount.objects.get(queue_code="JS-10086")
    assert (counts.offered, counts.abandoned, counts.abandoned_short) == (1, 1, 0)
    assert counts.wait_abandoned == pytest.approx(30)


def test_fallback_at_max_wait(hotline, admin_api, clock):
    """Limits: a call queued past max_wait (120 s) leaves with the queue's fallback."""
    assert offer(admin_api, "f1").json()["state"] == "queued"
    clock.advance(119)
    assert admin_api.get("/api/v1/routing/calls/f1").json()["state"] == "queued"
    clock.advance(2)
    body = admin_api.get("/api/v1/routing/calls/f1?wait=1").json()
    assert body["state"] == "fallback"
    assert body["reason"]["fallback"] == "sip:voicemail@127.0.0.1"
    assert RoutedCall.objects.get(call_id="f1").outcome == "sip:voicemail@127.0.0.1"


def test_wait_returns_once_the_call_is_offered(hotline, seat, admin_api):
    """The long poll answers at once when the call is no longer queued (here: offered on arrival)."""
    agent = seat([NANJING])
    ready(admin_api, agent)
    offer(admin_api, "w1")
    body = admin_api.get("/api/v1/routing/calls/w1?wait=120").json()
    assert body["state"] == "offered" and body["agent"] == agent.job_number


def test_agent_state_history_and_not_ready_reason(hotline, seat, api_client_for, clock):
    """Agent states (issue 14 item 2): every change is kept with its time and who made it; the agent
    sets their own state."""
    agent = seat([NANJING])
    api = api_client_for(agent)
    assert ready(api, agent).json()["state"] == "ready"
    clock.advance(60)
    body = ready(api, agent, "not_ready", "meal").json()
    assert body["state"] == "not_ready" and body["reason"] == "meal"
    clock.advance(60)
    ready(api, agent, "logged_out")
    detail = api.get(f"/api/v1/routing/agents/{agent.job_number}").json()
    assert [h["state"] for h in detail["history"]] == ["ready", "not_ready", "logged_out"]
    assert detail["history"][1]["reason"] == "meal" and detail["history"][1]["by"] == agent.job_number
    changes = list(AgentStateChange.objects.filter(staff=agent).order_by("at").values_list("at", flat=True))
    assert (changes[1] - changes[0]).total_seconds() == 60


def test_bad_input_is_a_clear_problem_and_changes_nothing(hotline, seat, admin_api):
    """Done-when: an unknown call id, a state change for an agent who is not logged in, a call offered
    twice — problem+json with a stable code, nothing changed."""
    agent = seat([NANJING])
    missing = admin_api.get("/api/v1/routing/calls/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_call"
    assert missing["Content-Type"].startswith("application/problem+json")
    not_in = ready(admin_api, agent, "not_ready", "break")
    assert not_in.status_code == 409 and not_in.json()["code"] == "agent_not_logged_in"
    assert ready(admin_api, agent, "logged_out").json()["code"] == "agent_not_logged_in"
    assert not AgentStateChange.objects.filter(staff=agent).exists()
    assert offer(admin_api, "dup").status_code == 201
    twice = offer(admin_api, "dup")
    assert twice.status_code == 409 and twice.json()["code"] == "call_exists"
    assert RoutedCall.objects.filter(call_id="dup").count() == 1
    unknown = offer(admin_api, "x1", called="12345")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_queue"
    assert (
        admin_api.post("/api/v1/routing/agents/nobody/state", {"state": "ready"}, format="json").status_code
        == 404
    )
    abandon = cti(admin_api, "abandon", "never-routed")
    assert abandon.status_code == 404 and abandon.json()["code"] == "unknown_call"


def test_seat_edits_by_a_supervisor_and_refused_for_an_agent(
    hotline, seat, make_staff, api_client_for, js_admin
):
    """ORG-6: a supervisor gives a seat a skill and a group, and the router uses it at once; an agent
    may not edit seats."""
    agent = seat([PUBLIC])
    supervisor = make_staff("supervisor", "JS")
    sup = api_client_for(supervisor)
    own = api_client_for(agent)
    refused = own.patch(
        f"/api/v1/routing/seats/{agent.job_number}", {"skills": {"complaint": 3}}, format="json"
    )
    assert refused.status_code == 403
    changed = sup.patch(
        f"/api/v1/routing/seats/{agent.job_number}",
        {"skills": {"complaint": 3}, "groups": [PUBLIC, NANJING]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["skills"] == {"complaint": 3}
    assert changed.json()["groups"] == [NANJING, PUBLIC]
    assert (
        sup.post(
            f"/api/v1/routing/agents/{agent.job_number}/state", {"state": "ready"}, format="json"
        ).status_code
        == 200
    )
    body = offer(api_client_for(js_admin), "s1", called="1008601").json()
    assert body["agent"] == agent.job_number


def test_a_supervisor_switches_a_queue_to_ring_all(hotline, seat, make_staff, api_client_for, admin_api):
    """Issue 14 item 1 (strategies): a supervisor sets the queue to ring-all; a call rings at every
    free agent of the tier, the first to answer takes it (the screen pop is theirs) and the others are
    free again. An agent may not change a queue."""
    first, second = seat([NANJING]), seat([NANJING])
    ready(admin_api, first)
    ready(admin_api, second)
    refused = api_client_for(first).patch(
        "/api/v1/routing/queues/JS-10086", {"strategy": "ring_all"}, format="json"
    )
    assert refused.status_code == 403
    supervisor = api_client_for(make_staff("supervisor", "JS"))
    changed = supervisor.patch("/api/v1/routing/queues/JS-10086", {"strategy": "ring_all"}, format="json")
    assert changed.status_code == 200 and changed.json()["strategy"] == "ring_all"
    body = offer(admin_api, "ra1").json()
    assert body["state"] == "offered" and body["reason"]["strategy"] == "ring_all"
    assert body["reason"]["candidates"] == 2
    assert cti(admin_api, "ring", "ra1", first).status_code == 200
    assert cti(admin_api, "ring", "ra1", second).status_code == 200
    answered = cti(admin_api, "answer", "ra1", first)
    assert answered.status_code == 200, answered.content
    assert answered.json()["contact_id"] is not None
    assert admin_api.get(f"/api/v1/routing/agents/{second.job_number}").json()["state"] == "ready"
    assert admin_api.get("/api/v1/routing/calls/ra1").json()["agent"] == first.job_number
