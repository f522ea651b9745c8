"""The ACD's decision core (kefu.routing.core), driven with explicit time: no database, no sleeping."""

import pytest

from kefu.routing.core import (
    HOME,
    OTHERS,
    PUBLIC,
    AgentState,
    CallState,
    Group,
    Priority,
    Queue,
    Router,
    RoutingError,
    Strategy,
    Tier,
)

GROUPS = [Group("NJ", "NJ"), Group("WX", "WX"), Group("PUB")]


def router(**queue) -> Router:
    r = Router()
    r.configure(groups=GROUPS, queues=[Queue("hot", hotline="10086", **queue)])
    return r


def ready(r: Router, job: str, groups, *, now: float = 0.0, skills=None):
    r.upsert_agent(job, groups=groups, skills=skills or {}, contact=f"sip:{job}@kefu")
    return r.set_state(job, "ready", now=now)


def test_home_city_group_first_then_public_when_all_busy():
    """ORG-4: a Nanjing caller goes to the Nanjing group; with it all busy, to the public group at once
    (tier wait 0 = "when all busy"); the reason names the tier and the candidates."""
    r = router()
    ready(r, "nj1", ["NJ"])
    ready(r, "p1", ["PUB"])
    first = r.offer("c1", queue="hot", city="NJ", now=1)
    assert (first.state, first.agent, first.contact) == (CallState.OFFERED, "nj1", "sip:nj1@kefu")
    assert first.reason["groups"] == HOME and first.reason["candidates"] == 1
    second = r.offer("c2", queue="hot", city="NJ", now=2)
    assert (second.agent, second.reason["groups"]) == ("p1", PUBLIC)
    assert [t.get("free") for t in second.reason["tiers"]] == [0, 1]


def test_other_cities_only_after_their_wait():
    """ORG-4: other cities' groups take a caller only once the overflow wait has passed."""
    r = router(tiers=(Tier(HOME), Tier(OTHERS, 20)))
    ready(r, "wx1", ["WX"])
    queued = r.offer("c1", queue="hot", city="NJ", now=0)
    assert (queued.state, queued.position) == (CallState.QUEUED, 1)
    assert queued.reason["tiers"][1]["opens_in"] == 20
    assert r.tick(10) == []
    (offered,) = r.tick(20)
    assert (offered.call_id, offered.agent, offered.reason["groups"]) == ("c1", "wx1", OTHERS)


def test_out_of_area_caller_goes_to_public_first():
    """ORG-4: a caller from outside the centre's area goes to the public group first, even with a
    city agent free."""
    r = router()
    ready(r, "nj1", ["NJ"], now=0)
    ready(r, "p1", ["PUB"], now=5)
    decision = r.offer("c1", queue="hot", city=None, now=6)
    assert (decision.agent, decision.reason["groups"]) == ("p1", PUBLIC)


def test_vip_jumps_ordinary_callers_strict():
    """TIER-1: with strict priority a higher customer level is served first, FIFO within a level."""
    r = router()
    r.offer("ord1", queue="hot", city="NJ", level=0, now=0)
    r.offer("ord2", queue="hot", city="NJ", level=0, now=1)
    vip = r.offer("vip", queue="hot", city="NJ", level=5, now=2)
    assert vip.position == 1 and r.position("ord1") == 2
    (decision,) = ready(r, "nj1", ["NJ"], now=3)
    assert decision.call_id == "vip"


def test_score_priority_lets_long_waits_win():
    """TIER-1: with score priority, score = wait + bonus(level): a VIP counts as having waited 60 s
    more, so an ordinary caller who waited longer than that still goes first."""
    r = router(priority=Priority.SCORE, level_bonus=((5, 60.0),))
    r.offer("old", queue="hot", city="NJ", now=0)
    r.offer("vip", queue="hot", city="NJ", level=5, now=70)
    r.offer("new", queue="hot", city="NJ", now=71)
    assert [r.position(c) for c in ("old", "vip", "new")] == [1, 2, 3]
    (decision,) = ready(r, "nj1", ["NJ"], now=80)
    assert decision.call_id == "old" and decision.reason["score"] == 80
    r.offer("vip2", queue="hot", city="NJ", level=5, now=82)  # scores at 82: vip 72, vip2 60, new 11
    assert [r.position(c) for c in ("vip", "vip2", "new")] == [1, 2, 3]


def test_skill_queue_takes_only_skilled_agents_best_level_first():
    """ORG-6: a specialised queue (complaints) is offered only to agents with that skill at the
    minimum level, the higher level first."""
    r = Router()
    r.configure(groups=GROUPS, queues=[Queue("complaint", hotline="10086", skill="complaint", min_level=2)])
    ready(r, "plain", ["NJ"], now=0)
    ready(r, "junior", ["NJ"], now=1, skills={"complaint": 1})
    ready(r, "senior", ["NJ"], now=2, skills={"complaint": 3})
    ready(r, "mid", ["NJ"], now=3, skills={"complaint": 2})
    decision = r.offer("c1", queue="complaint", city="NJ", now=4)
    assert decision.agent == "senior" and decision.reason["candidates"] == 2


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [(Strategy.LONGEST_IDLE, "a"), (Strategy.FEWEST_CALLS, "b"), (Strategy.ROUND_ROBIN, "b")],
)
def test_strategies(strategy, expected):
    """ORG-4: longest idle takes who has been ready longest; fewest calls who answered fewest; round
    robin who was offered a call the longest ago."""
    r = router(strategy=strategy, wrapup_seconds=0)
    ready(r, "b", ["NJ"], now=0)
    r.offer("warm", queue="hot", city="NJ", now=1)
    r.answer("warm", agent="b", now=1)
    r.hangup("warm", now=2)  # b: ready again at 2, one call answered, offered at 1
    ready(r, "a", ["NJ"], now=1.5)
    r.agents["a"].answered, r.agents["a"].last_offered = 3, 1.8
    assert r.offer("c", queue="hot", city="NJ", now=3).agent == expected


def test_ring_all_rings_every_free_agent_first_answer_wins():
    """ORG-4: ring-all offers the call to every free agent of the tier; the first to answer takes it
    and the others are free again."""
    r = router(strategy=Strategy.RING_ALL)
    ready(r, "a", ["NJ"])
    ready(r, "b", ["NJ"])
    decision = r.offer("c1", queue="hot", city="NJ", now=1)
    assert set(decision.agents) == {"a", "b"}
    r.answer("c1", agent="b", now=2)
    assert (r.agents["a"].state, r.agents["b"].state) == (AgentState.READY, AgentState.TALKING)


def test_no_answer_requeues_at_the_front_and_sets_not_ready_after_misses():
    """ORG-4: an offer not answered puts the call back first in its queue and on to another agent;
    after max_no_answer misses in a row the agent is set not ready (reason no_answer)."""
    r = router(max_no_answer=2)
    ready(r, "a", ["NJ"], now=0)
    r.offer("c1", queue="hot", city="NJ", now=1)
    r.offer("c2", queue="hot", city="NJ", now=2)  # queued behind nothing: a rings for c1
    again, next_call = r.no_answer("c1", agent="a", now=10)
    assert (again.call_id, again.state, again.position) == ("c1", CallState.QUEUED, 1)  # before c2
    assert (next_call.call_id, next_call.agent) == ("c2", "a")  # the missed call goes to another agent
    (retry,) = ready(r, "b", ["NJ"], now=11)
    assert (retry.call_id, retry.agent) == ("c1", "b")
    r.no_answer("c2", agent="a", now=20)
    assert (r.agents["a"].state, r.agents["a"].reason) == (AgentState.NOT_READY, "no_answer")
    assert r.counters[("hot", 0)].no_answer == 2


def test_abandon_counts_short_abandons_apart_and_frees_the_ringing_agent():
    """ST-1: an abandon while queued or ringing is counted, short ones apart; a ringing agent is free."""
    r = router(short_abandon=5)
    r.offer("short", queue="hot", city="NJ", now=0)
    r.abandon("short", now=3)
    r.offer("long", queue="hot", city="NJ", now=10)
    (offered,) = ready(r, "a", ["NJ"], now=30)
    r.abandon("long", now=31)
    counts = r.counters[("hot", 0)]
    assert (counts.offered, counts.abandoned, counts.abandoned_short, counts.abandoned_ringing) == (
        2,
        2,
        1,
        1,
    )
    assert r.agents["a"].state == AgentState.READY
    with pytest.raises(RoutingError) as error:
        r.abandon("long", now=32)
    assert error.value.code == "unknown_call"


def test_max_wait_and_queue_length_end_in_the_fallback():
    """ORG-4: a call waiting past max_wait leaves with the fallback; a full queue refuses at once."""
    r = router(max_wait=120, max_length=1, fallback="callback")
    assert r.offer("c1", queue="hot", city="NJ", now=0).state == CallState.QUEUED
    full = r.offer("c2", queue="hot", city="NJ", now=1)
    assert (full.state, full.reason["rule"], full.reason["fallback"]) == (
        CallState.FALLBACK,
        "queue_full",
        "callback",
    )
    assert r.tick(119) == []
    (late,) = r.tick(120)
    assert (late.call_id, late.state, late.reason["rule"]) == ("c1", CallState.FALLBACK, "max_wait")
    assert r.counters[("hot", 0)].fallback == 2 and "c1" not in r.calls


def test_wrapup_then_ready_and_a_state_asked_during_the_call_applies_after():
    """Agent states: after hangup the agent is in wrap-up for the queue's time, then ready and takes
    the next caller; not ready asked during a call applies once the wrap-up ends."""
    r = router(wrapup_seconds=10, answer_threshold=15)
    ready(r, "a", ["NJ"])
    r.offer("c1", queue="hot", city="NJ", now=0)
    r.answer("c1", agent="a", now=4)
    r.offer("c2", queue="hot", city="NJ", now=5)
    r.hangup("c1", now=60)
    assert r.agents["a"].state == AgentState.WRAPUP
    (decision,) = r.tick(70)
    assert (decision.call_id, r.agents["a"].state) == ("c2", AgentState.RINGING)
    r.answer("c2", agent="a", now=71)
    assert r.set_state("a", "not_ready", now=72, reason="meal") == []
    r.hangup("c2", now=80)
    r.end_wrapup("a", now=82)
    assert (r.agents["a"].state, r.agents["a"].reason) == (AgentState.NOT_READY, "meal")
    counts = r.counters[("hot", 0)]
    assert (counts.answered, counts.answered_in_threshold, counts.handled) == (2, 1, 2)
    assert counts.wait_answered == 4 + 66 and counts.wrapup_seconds == 10 + 2


def test_commands_that_do_not_apply_are_refused_and_change_nothing():
    """Bad input: a call offered twice, a state that does not apply, an unknown call or agent."""
    r = router()
    r.offer("c1", queue="hot", city="NJ", now=0)
    for command, code in (
        (lambda: r.offer("c1", queue="hot", city="NJ", now=1), "call_exists"),
        (lambda: r.offer("c9", queue="nope", city="NJ", now=1), "unknown_queue"),
        (lambda: r.answer("c1", agent="a", now=1), "call_not_offered"),
        (lambda: r.set_state("ghost", "ready", now=1), "unknown_agent"),
    ):
        with pytest.raises(RoutingError) as error:
            command()
        assert error.value.code == code
    r.upsert_agent("a", groups=["NJ"])
    with pytest.raises(RoutingError) as error:
        r.set_state("a", "not_ready", now=1)
    assert error.value.code == "agent_not_logged_in"
    assert r.position("c1") == 1 and r.agents["a"].state == AgentState.LOGGED_OUT


def test_restore_puts_queued_calls_back_in_their_order():
    """A router restart loses no queued call: a new core restored from the records keeps the order."""
    r = router()
    for i, level in enumerate([0, 3, 0]):
        r.offer(f"c{i}", queue="hot", city="NJ", level=level, now=i)
    order = sorted(r.calls, key=r.position)
    fresh = router()
    for call in r.calls.values():
        fresh.restore_call(
            call.call_id, queue=call.queue, city=call.city, level=call.level, joined=call.joined
        )
    assert sorted(fresh.calls, key=fresh.position) == order == ["c1", "c0", "c2"]
    (decision,) = ready(fresh, "a", ["NJ"], now=10)
    assert decision.call_id == "c1"


def test_snapshot_counts_agents_by_state_and_the_longest_wait():
    """ST-2: the live figures — calls waiting, the longest wait, agents by state per group."""
    r = router()
    ready(r, "a", ["NJ"])
    r.upsert_agent("b", groups=["NJ", "PUB"])
    r.offer("c1", queue="hot", city="NJ", now=1)
    r.offer("c2", queue="hot", city="WX", now=2)  # public tier: nobody there
    snap = r.snapshot(12)
    assert snap["queues"]["hot"]["waiting"] == 1 and snap["queues"]["hot"]["longest_wait"] == 10
    assert snap["groups"]["NJ"]["ringing"] == 1 and snap["groups"]["NJ"]["logged_out"] == 1
    assert snap["groups"]["PUB"]["logged_out"] == 1
    assert snap["agents"] == {**dict.fromkeys(snap["agents"], 0), "ringing": 1, "logged_out": 1}
    assert snap["queues"]["hot"]["groups"] == ["NJ", "PUB", "WX"]
    assert snap["queues"]["hot"]["agents"]["ringing"] == 1


def test_snapshot_counts_each_agent_once_per_site():
    """ST-2: an agent of two groups of one province (its city and the public group) counts once in
    that province's totals; another province's agents are apart."""
    r = Router()
    r.configure(
        groups=[Group("NJ", "NJ", site="JS"), Group("JS-PUB", site="JS"), Group("HZ", "HZ", site="ZJ")],
        queues=[Queue("hot", hotline="10086")],
    )
    ready(r, "a", ["NJ", "JS-PUB"])
    ready(r, "z", ["HZ"])
    r.upsert_agent("b", groups=["JS-PUB"])
    snap = r.snapshot(5)
    assert snap["sites"]["JS"] == {**dict.fromkeys(snap["agents"], 0), "ready": 1, "logged_out": 1}
    assert snap["sites"]["ZJ"]["ready"] == 1 and snap["agents"]["ready"] == 2


def test_a_province_queue_overflows_only_to_its_own_province():
    """ORG-4 on a node serving two provinces: a JS queue's public and other-city tiers take JS groups
    only; a ZJ caller to the JS hotline is out of JS's area (public first)."""
    r = Router()
    r.configure(
        groups=[Group("NJ", "NJ", site="JS"), Group("JS-PUB", site="JS"), Group("HZ", "HZ", site="ZJ"),
                Group("ZJ-PUB", site="ZJ")],
        queues=[Queue("js", hotline="10086", site="JS", tiers=(Tier(HOME), Tier(PUBLIC), Tier(OTHERS, 5)))],
    )  # fmt: skip
    ready(r, "hz", ["HZ"])
    ready(r, "zjp", ["ZJ-PUB"])
    assert r.offer("c1", queue="js", city="NJ", now=1).state == CallState.QUEUED
    assert r.tick(10) == []  # the other-city tier opened, but Hangzhou is not Jiangsu's
    ready(r, "jsp", ["JS-PUB"], now=11)
    assert r.calls["c1"].agents == ("jsp",)
    ready(r, "nj", ["NJ"], now=12)
    zj_caller = r.offer("c2", queue="js", city="HZ", now=13)
    assert zj_caller.state == CallState.QUEUED and zj_caller.reason["tiers"][0]["groups"] == PUBLIC
    assert r.snapshot(14)["queues"]["js"]["groups"] == ["JS-PUB", "NJ"]


def test_state_seconds_count_from_time_zero():
    """ST-2 occupancy: time in each state is counted, also for a state entered at time 0."""
    r = router()
    ready(r, "a", ["NJ"], now=0)
    r.offer("c1", queue="hot", city="NJ", now=30)
    r.answer("c1", agent="a", now=40)
    assert r.snapshot(41)["state_seconds"] == {"ready": 30, "ringing": 10}
