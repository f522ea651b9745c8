"""The wallboard's and the reports' figures from raw counts (kefu.routing.kpi): hand-made counts, and the
counts a real decision core produces when it is driven through a few calls."""

from __future__ import annotations

import pytest

from kefu.routing import kpi
from kefu.routing.core import PUBLIC, Group, Queue, Router

T0 = 9000.0  # an interval start (900 s intervals); the core treats a `since` of 0 as "never"


def drive_router() -> Router:
    """Two agents (Nanjing and public), four calls: one answered within 15 s, one after 20 s, one
    short and one long abandon; both talks end, both wrap-ups end. Every second is known (see the
    expectations below)."""
    router = Router(interval=900)
    router.configure(
        groups=[Group("NJ", city="3201"), Group("PUB")],
        queues=[Queue("10000", hotline="10000", answer_threshold=15, short_abandon=5, wrapup_seconds=10)],
    )
    router.upsert_agent("1001", groups=["NJ"])
    router.upsert_agent("2001", groups=["PUB"])
    router.set_state("1001", "ready", now=T0)
    router.set_state("2001", "ready", now=T0)
    assert router.offer("c1", queue="10000", city="3201", now=T0 + 10).agent == "1001"
    router.answer("c1", agent="1001", now=T0 + 13)  # waited 3 s
    c2 = router.offer("c2", queue="10000", city="3201", now=T0 + 11)
    assert (c2.agent, c2.reason["groups"]) == ("2001", PUBLIC)
    router.offer("c3", queue="10000", city="3201", now=T0 + 12)
    router.abandon("c3", now=T0 + 14)  # 2 s: a short abandon
    router.offer("c4", queue="10000", city=None, now=T0 + 15)
    router.answer("c2", agent="2001", now=T0 + 31)  # waited 20 s: past the threshold
    router.abandon("c4", now=T0 + 40)  # 25 s
    router.hangup("c1", now=T0 + 73)  # 60 s of talk, wrap-up until +83
    router.tick(T0 + 83)
    router.hangup("c2", now=T0 + 91)  # 60 s of talk
    router.end_wrapup("2001", now=T0 + 96)  # 5 s of wrap-up
    return router


def test_figures_of_a_driven_router():
    """ST-1, ST-2, SP-3: the counts a real core keeps for four calls give 人工接通率 2/4, 15秒人工接通率
    1/4 (answered within 15 s of queue plus ring time over every agent request), short abandons apart,
    ASA, AHT and occupancy from the agents' state seconds."""
    router = drive_router()
    counts = router.counters[("10000", T0)].as_dict()
    f = kpi.figures(counts, state_seconds=router.state_seconds[T0])
    assert (f["offered"], f["answered"], f["answered_in_threshold"]) == (4, 2, 1)
    assert (f["abandoned"], f["abandoned_short"], f["abandoned_long"]) == (2, 1, 1)
    assert f["answer_rate"] == 0.5
    assert f["service_level"] == 0.25
    assert f["abandon_rate"] == 0.5 and f["short_abandon_rate"] == 0.25
    assert f["asa"] == pytest.approx((3 + 20) / 2)
    assert f["aht"] == pytest.approx((60 + 60 + 10 + 5) / 2)
    assert f["max_wait"] == pytest.approx(20)
    assert f["average_abandon_wait"] == pytest.approx((2 + 25) / 2)
    # agent 1001: ready 10, ringing 3, talking 60, wrap-up 10; agent 2001: ready 11, ringing 20,
    # talking 60, wrap-up 5 (the ready time after the calls is not over yet, so not counted)
    assert f["occupancy"] == pytest.approx((73 + 85) / (73 + 85 + 10 + 11))
    # variant 1: (1 + 1 abandoned within 15 s) / 4; variant 4: 1 / (2 answered + 1 abandoned after 15 s)
    assert f["service_levels"] == {"1": 0.5, "2": 0.5, "3": 0.25, "4": pytest.approx(1 / 3), "5": 0.5}


def test_no_calls_give_none_not_zero():
    """ST-2: a queue with no calls has no answer rate, no ASA, no AHT and no occupancy (None), while
    its counts are 0; a 0 would read as "every call failed"."""
    f = kpi.figures(kpi.empty())
    assert f["offered"] == 0 and f["answered"] == 0
    for key in ("answer_rate", "service_level", "abandon_rate", "asa", "aht", "occupancy"):
        assert f[key] is None, key
    assert set(f["service_levels"].values()) == {None}
    # answered calls but none handled yet (all still in talk): ASA known, AHT not
    f = kpi.figures({**kpi.empty(), "offered": 2, "answered": 2, "wait_answered": 8.0})
    assert f["asa"] == 4.0 and f["aht"] is None


def test_service_level_variants_on_hand_made_counts():
    """ST-2, SP-3: the five service-level variants of acd.md section 2 from one set of counts — 80
    answered of which 60 within T, 20 abandoned of which 8 within T and 5 within the short-abandon
    time; and N秒人工接通率 counts every agent request (with 10 queue-full fallbacks: 110 offered)."""
    counts = {
        **kpi.empty(),
        "offered": 110,
        "answered": 80,
        "answered_in_threshold": 60,
        "abandoned": 20,
        "abandoned_short": 5,
        "fallback": 10,
        "abandoned_in_threshold": 8,
    }
    levels = kpi.service_levels(counts)
    assert levels["1"] == pytest.approx((60 + 8) / 100)
    assert levels["2"] == pytest.approx(60 / 80)
    assert levels["3"] == pytest.approx(60 / 100)
    assert levels["4"] == pytest.approx(60 / (80 + 12))
    assert levels["5"] == pytest.approx((60 + 5) / 100)
    f = kpi.figures(counts)
    assert f["service_level"] == pytest.approx(60 / 110)  # below SP-3's 0.85
    assert f["answer_rate"] == pytest.approx(80 / 110)


def test_day_sums_intervals_and_keeps_the_longest_wait():
    """ST-1: a day's figures are the figures of its summed interval counts (not an average of the
    intervals' rates); the longest wait is the largest of the intervals'."""
    morning = {**kpi.empty(), "offered": 10, "answered": 10, "answered_in_threshold": 10, "max_wait": 4.0}
    peak = {**kpi.empty(), "offered": 30, "answered": 20, "answered_in_threshold": 5, "max_wait": 95.0}
    day = kpi.sum_counts([morning, peak])
    assert day["offered"] == 40 and day["answered_in_threshold"] == 15
    assert day["max_wait"] == 95.0
    assert kpi.figures(day)["service_level"] == pytest.approx(15 / 40)  # not (1 + 1/6) / 2
    # the sum of a router's own intervals: the driven day split over two intervals
    router = drive_router()
    router.offer("late", queue="10000", city="3201", now=T0 + 900)  # the next interval
    router.abandon("late", now=T0 + 903)
    rows = [c.as_dict() for (queue, _start), c in router.counters.items() if queue == "10000"]
    assert len(rows) == 2
    total = kpi.figures(kpi.sum_counts(rows))
    assert (total["offered"], total["abandoned"], total["abandoned_short"]) == (5, 3, 2)


def test_occupancy_counts_only_available_time():
    """ST-2: occupancy leaves not-ready and logged-out time out (busy / (busy + ready)); with agents
    counted by state it is the occupancy of the moment."""
    assert kpi.occupancy({"talking": 30.0, "wrapup": 10.0, "ready": 40.0, "not_ready": 500.0}) == 0.5
    assert kpi.occupancy({"not_ready": 500.0}) is None
    agents = {"logged_out": 4, "ready": 1, "not_ready": 2, "ringing": 1, "talking": 2, "wrapup": 0}
    assert kpi.occupancy(agents) == pytest.approx(3 / 4)
