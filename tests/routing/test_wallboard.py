"""The wallboard's document (kefu.routing.wallboard.build) from a real decision core's snapshot and a
day of stored interval counts."""

from __future__ import annotations

import json

import pytest

from kefu.routing import kpi, wallboard
from kefu.routing.core import Group, Queue, Router

T0 = 36000.0  # 10:00 of day 0 (900 s intervals)

NAMES = {
    "queues": {
        "10000": {"name": "10000号百客服热线", "answer_threshold": 15, "groups": ["NJ", "WX", "PUB"]},
        "10000-complaint": {"name": "投诉专席", "answer_threshold": 20, "groups": ["CMP"]},
    },
    "groups": {
        "NJ": {"name": "南京组", "city": "3201"},
        "WX": {"name": "无锡组", "city": "3202"},
        "PUB": {"name": "公共组", "city": None},
        "CMP": {"name": "投诉组", "city": None},
    },
}


@pytest.fixture
def router() -> Router:
    """Nanjing has two agents (one talking, one ringing), Wuxi one not ready, the public group one
    logged out; two callers wait; one call was answered within 15 s and one abandoned short."""
    r = Router(interval=900)
    r.configure(
        groups=[Group("NJ", "3201"), Group("WX", "3202"), Group("PUB"), Group("CMP")],
        queues=[
            Queue("10000", hotline="10000", answer_threshold=15),
            Queue("10000-complaint", hotline="10000", skill="complaint", answer_threshold=20),
        ],
    )
    r.upsert_agent("1001", groups=["NJ"])
    r.upsert_agent("1002", groups=["NJ"])
    r.upsert_agent("1101", groups=["WX"])
    r.upsert_agent("9001", groups=["PUB"])
    r.set_state("1001", "ready", now=T0 + 1)
    r.set_state("1002", "ready", now=T0 + 2)
    r.set_state("1101", "ready", now=T0 + 3)
    r.set_state("1101", "not_ready", now=T0 + 4, reason="break")
    r.offer("a", queue="10000", city="3201", now=T0 + 10)
    r.answer("a", agent="1001", now=T0 + 14)
    r.offer("b", queue="10000", city="3201", now=T0 + 20)  # rings at 1002
    r.offer("c", queue="10000", city="3201", now=T0 + 30)
    r.abandon("c", now=T0 + 32)
    r.offer("d", queue="10000", city="3201", now=T0 + 40)
    r.offer("e", queue="10000", city=None, now=T0 + 50)
    return r


def test_build_from_a_live_router(router):
    """ST-1, ST-2, SP-3: per queue the calls waiting and the longest wait, the agents of its groups by
    state, this interval's figures from the live counts (15秒人工接通率 over every request) and the
    day's (the stored earlier intervals plus the live one; a stale stored row of the live interval is
    ignored); per group its agents; totals over the queues."""
    snapshot = router.snapshot(T0 + 60)
    earlier = {**kpi.empty(), "offered": 6, "answered": 6, "answered_in_threshold": 3, "wait_answered": 60.0}
    stale = {**kpi.empty(), "offered": 99}
    day = {"10000": {T0 - 900: earlier, T0: stale}}
    board = wallboard.build(snapshot, day=day, names=NAMES, threshold=15)

    main, complaint = board["queues"]
    assert (main["code"], main["name"], main["threshold"]) == ("10000", "10000号百客服热线", 15)
    assert main["waiting"] == 2
    assert main["longest_wait"] == 20.0  # "d" joined at +40
    assert main["agents"]["talking"] == 1 and main["agents"]["ringing"] == 1
    assert main["agents"]["not_ready"] == 1 and main["agents"]["logged_out"] == 1
    assert main["staffed"] == 3
    assert main["occupancy_now"] == 1.0  # nobody of its groups is ready
    now = main["interval"]
    assert (now["offered"], now["answered"], now["abandoned"], now["abandoned_short"]) == (5, 1, 1, 1)
    assert now["service_level"] == 0.2 and now["answer_rate"] == 0.2
    assert now["asa"] == 4.0
    today = main["day"]
    assert (today["offered"], today["answered"], today["answered_in_threshold"]) == (11, 7, 4)
    assert today["service_level"] == round(4 / 11, 4)
    assert today["asa"] == 9.1  # (60 + 4) / 7
    assert [p["start"] for p in main["trend"]] == [T0 - 900, T0]
    assert main["trend"][0]["service_level"] == 0.5

    assert complaint["name"] == "投诉专席" and complaint["threshold"] == 20
    assert complaint["waiting"] == 0 and complaint["interval"]["answer_rate"] is None

    groups = {g["code"]: g for g in board["groups"]}
    assert [g["code"] for g in board["groups"]] == ["NJ", "WX", "PUB", "CMP"]
    assert groups["NJ"]["agents"]["talking"] == 1 and groups["NJ"]["agents"]["ringing"] == 1
    assert groups["NJ"]["name"] == "南京组" and groups["NJ"]["city"] == "3201"
    assert groups["WX"]["occupancy_now"] is None  # its only agent is not ready

    totals = board["totals"]
    assert totals["waiting"] == 2 and totals["longest_wait"] == 20.0
    assert totals["day"]["offered"] == 11
    assert totals["agents"]["logged_out"] == 1 and totals["staffed"] == 3
    assert [p["offered"] for p in totals["trend"]] == [6, 5]
    assert board["at"].startswith("1970-01-01T10:01:00")
    json.dumps(board)  # the API and the stream send it as it is


def test_build_follows_the_snapshot(router):
    """ST-1: as calls progress, the same build over the next snapshot moves — the waiting caller is
    answered after 35 s (outside 15 s: the answer rate rises, the 15-second rate does not)."""
    before = wallboard.build(router.snapshot(T0 + 60), day={}, names=NAMES, threshold=15)
    router.answer("b", agent="1002", now=T0 + 61)
    router.hangup("a", now=T0 + 70)
    after = wallboard.build(router.snapshot(T0 + 75), day={}, names=NAMES, threshold=15)
    q0, q1 = before["queues"][0], after["queues"][0]
    assert q1["interval"]["answered"] == q0["interval"]["answered"] + 1
    assert q1["interval"]["answer_rate"] > q0["interval"]["answer_rate"]
    assert q1["interval"]["service_level"] == q0["interval"]["service_level"]
    assert q1["agents"]["wrapup"] == 1 and q1["agents"]["talking"] == 1
    # the call that ended counts its talk (14 s to 70 s); its wrap-up counts once it is over
    assert q1["interval"]["handled"] == 1 and q1["interval"]["aht"] == 56.0


def test_a_queue_counts_the_agents_of_the_groups_serving_it(router):
    """ST-1: a queue's agents by state are the core's count of who may take its calls (each agent
    once); without it, those of its groups — named in the configuration, else in the snapshot, else
    every group (a queue whose tiers are home, public and others)."""
    snapshot = router.snapshot(T0 + 60)
    snapshot["queues"]["10000-complaint"]["groups"] = ["WX"]
    counted = snapshot["queues"]["10000"].pop("agents")  # the core's count of who may take its calls
    del snapshot["queues"]["10000-complaint"]["agents"]  # without it: the agents of the groups named
    names = {"queues": {"10000": {"name": "10000"}}, "groups": {}}
    board = wallboard.build(snapshot, day={}, names=names, threshold=15)
    main, complaint = board["queues"]
    assert set(main["groups"]) == {"NJ", "WX", "PUB", "CMP"}
    assert main["staffed"] == 3 and main["threshold"] == 15
    assert complaint["groups"] == ["WX"]
    assert complaint["agents"]["not_ready"] == 1 and complaint["staffed"] == 1
    snapshot["queues"]["10000"]["agents"] = counted
    main = wallboard.build(snapshot, day={}, names=names, threshold=15)["queues"][0]
    assert main["agents"] == counted  # each agent once, as the core counts them
