"""``kefu simulate``: calls through the ACD decision core agree with Erlang C; scenarios (issue 14 item 6)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kefu.routing import erlang, simulate


def test_simple_mode_agrees_with_erlang_c_at_200_hours():
    """ST-1, SP-3: A = 10, N = 14, AHT 180 s, T = 20 s, H = 200 through Router — SL within 0.02 of Erlang
    C's 0.888, P(wait) within 0.02 of 0.174, ASA near 7.8 s (its noise at 40,000 calls is about ±1.5 s,
    waits being heavy-tailed and correlated), occupancy near A/N."""
    out = StringIO()
    call_command(
        "simulate",
        "--agents=14",
        "--erlangs=10",
        "--aht=180",
        "--hours=200",
        "--threshold=20",
        "--seed=1",
        "--format=json",
        stdout=out,
    )
    kpis = json.loads(out.getvalue())
    expected = erlang.erlang_c_figures(10.0, 14, aht=180, threshold=20)
    assert 38_000 < kpis["calls"] < 42_000  # λ·H = 10/180 · 720,000 s = 40,000
    assert kpis["answered"] == kpis["calls"] and kpis["abandoned"] == 0
    assert abs(kpis["service_level"] - expected.service_level) <= 0.02
    assert abs(kpis["wait_probability"] - expected.wait_probability) <= 0.02
    assert abs(kpis["asa_seconds"] - expected.asa_seconds) <= 2.5
    assert abs(kpis["occupancy"] - 10 / 14) <= 0.02
    assert abs(kpis["aht_seconds"] - 180) <= 5
    assert kpis["abandon_rate"] == 0.0
    # the KPIs are the core's own counters, per queue and group
    assert kpis["queues"]["pool"]["calls"] == kpis["calls"]
    assert kpis["groups"]["pool"]["answered"] == kpis["calls"]


def test_simple_mode_with_patience_agrees_with_erlang_a():
    """ST-1, SP-3: with exponential patience (mean 120 s) on A = 10, N = 12 the simulation through Router
    agrees with Erlang A (research/acd.md: P(W>0) 0.2798, P(Ab) 0.0616, SL(20 s) 0.8256)."""
    out = StringIO()
    call_command(
        "simulate", "--agents=12", "--erlangs=10", "--aht=180", "--hours=200", "--threshold=20",
        "--patience=120", "--seed=1", "--format=json", stdout=out,
    )  # fmt: skip
    kpis = json.loads(out.getvalue())
    expected = erlang.erlang_a_figures(10.0, 12, aht=180, threshold=20, patience=120)
    assert abs(kpis["service_level"] - expected.service_level) <= 0.02
    assert abs(kpis["wait_probability"] - expected.wait_probability) <= 0.02
    assert abs(kpis["abandon_rate"] - expected.abandon_probability) <= 0.01
    assert abs(kpis["asa_seconds"] - expected.asa_seconds) <= 1.5
    assert abs(kpis["occupancy"] - expected.occupancy) <= 0.02
    assert kpis["calls"] == kpis["answered"] + kpis["abandoned"]


def _two_cities(**changes) -> dict:
    data = {
        "hours": 40,
        "interval": 1800,
        "calls_per_hour": 200,  # 200 · 180 / 3600 = 10 erlangs on 13 agents
        "handle": {"distribution": "lognormal", "mean": 180, "cv": 0.8},
        "patience": {"mean": 240},
        "threshold": 15,
        "cities": {"nanjing": 0.45, "suzhou": 0.45, "": 0.10},
        "vip": {"share": 0.2, "level": 3},
        "groups": [
            {"code": "nj", "city": "nanjing", "agents": 5},
            {"code": "sz", "city": "suzhou", "agents": 5},
            {"code": "public", "city": None, "agents": 3},
        ],
        "queues": [
            {
                "code": "10000",
                "tiers": [{"groups": "home"}, {"groups": "public"}, {"groups": "others", "wait": 20}],
                "priority": "strict",
                "wrapup_seconds": 5,
            }
        ],
        "seed": 7,
    }
    data.update(changes)
    return data


def test_scenario_two_cities_public_overflow_and_vip(tmp_path):
    """ORG-4, TIER-1, ST-2: two city groups overflowing to the public group and, after 20 s, to the other
    city; VIP callers (strict priority) wait less than ordinary ones; overflow, abandons and the tiers
    that answered are counted; every offered call ends answered, abandoned or in the fallback."""
    path = tmp_path / "two-cities.json"
    path.write_text(json.dumps(_two_cities()), encoding="utf-8")
    out = StringIO()
    call_command("simulate", f"--scenario={path}", "--format=json", stdout=out)
    kpis = json.loads(out.getvalue())
    vip, ordinary = kpis["callers"]["vip"], kpis["callers"]["ordinary"]
    assert vip["calls"] > 500 and ordinary["calls"] > 3000
    assert vip["asa_seconds"] < ordinary["asa_seconds"]
    assert vip["service_level"] > ordinary["service_level"]
    assert kpis["overflow"] > 0
    by_tier = kpis["queues"]["10000"]["answered_by_tier"]
    assert by_tier.get("@home", 0) > by_tier.get("@public", 0) > 0
    assert by_tier.get("@others", 0) > 0  # the timed tier opened (by tick)
    assert kpis["ticks"] > 0
    assert kpis["abandoned"] > 0 and 0 < kpis["abandon_rate"] < 0.5
    assert kpis["calls"] == kpis["answered"] + kpis["abandoned"] + kpis["fallback"]
    assert 0 <= kpis["service_level"] <= 1 and 0 < kpis["occupancy"] < 1
    assert set(kpis["groups"]) == {"nj", "sz", "public"}
    # wrap-up is part of the handle time the core counted
    assert kpis["aht_seconds"] > kpis["queues"]["10000"]["talk_seconds_mean"]


def test_same_seed_same_result():
    """ST-1: a simulation is reproducible: the same scenario and seed give the same KPIs."""
    scenario = simulate.scenario_from_dict(_two_cities(hours=4))
    first, second = simulate.simulate(scenario), simulate.simulate(scenario)
    for key in ("calls", "answered", "abandoned", "service_level", "asa_seconds", "occupancy"):
        assert first[key] == second[key]


def test_max_wait_sends_calls_to_the_fallback():
    """ORG-4: a queue's longest wait sends the callers still waiting to its fallback (by tick)."""
    data = _two_cities(hours=4, calls_per_hour=400, patience=None)
    data["queues"][0]["max_wait"] = 30
    kpis = simulate.simulate(simulate.scenario_from_dict(data))
    assert kpis["fallback"] > 0
    assert kpis["queues"]["10000"]["max_wait_seconds"] <= 31


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": []}, "groups"),
        ({"calls_per_interval": [10, -1]}, "calls_per_interval[1]"),
        ({"handle": {"distribution": "gamma"}}, "handle.distribution"),
        ({"queues": [{"code": "q", "tiers": [{"groups": "nowhere"}]}]}, "queues[0].tiers[0].groups"),
        ({"vip": {"share": 2}}, "vip.share"),
    ],
)
def test_bad_scenarios_are_refused_naming_the_field(tmp_path, changes, message):
    """ST-1: a bad scenario stops the command with a message naming the field."""
    data = _two_cities()
    if "calls_per_interval" in changes:
        data.pop("calls_per_hour")
    data.update(changes)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call_command("simulate", f"--scenario={path}", "--format=json", stdout=StringIO())


def test_simple_mode_needs_its_arguments():
    """ST-1: without a scenario, the simple mode says which arguments are missing."""
    with pytest.raises(CommandError, match="--erlangs"):
        call_command("simulate", "--agents=14", "--hours=1", stdout=StringIO())


def test_shifts_log_agents_in_and_out_per_interval():
    """ST-1: on_duty logs in each interval's share of every group; occupancy is handling over handling
    plus ready time, so half the agents for the same calls work busier."""
    base = _two_cities(hours=2, patience=None, calls_per_hour=100)
    full = simulate.simulate(simulate.scenario_from_dict(base))
    half = simulate.simulate(simulate.scenario_from_dict(base | {"on_duty": [1.0, 0.5, 0.5, 0.5]}))
    # 13 agents for 2 h = 26 agent hours; with the shifts 13 · 0.5 h + 7 · 1.5 h (rounded halves)
    assert full["agent_hours"] == pytest.approx(26.0, abs=0.01)
    assert half["agent_hours"] < full["agent_hours"] - 5
    assert half["occupancy"] > full["occupancy"]
    assert half["calls"] == half["answered"] + half["abandoned"] + half["fallback"]


def test_skill_queue_and_ring_time():
    """ORG-6, ST-2: a complaints queue served only by the agents with the complaint skill, beside the
    hotline queue; with a 5 s ring every answered call waited at least the ring time."""
    data = _two_cities(hours=6, ring_seconds=5)
    data["groups"].append({"code": "complaints", "city": None, "agents": 3, "skills": {"complaint": 2}})
    data["queues"][0]["share"] = 0.8
    data["queues"].append(
        {"code": "complaints", "share": 0.2, "skill": "complaint", "tiers": [{"groups": "complaints"}]}
    )
    kpis = simulate.simulate(simulate.scenario_from_dict(data))
    complaints = kpis["queues"]["complaints"]
    assert complaints["calls"] > 100
    assert complaints["answered_by_tier"] == {"complaints": complaints["answered"]}
    # the complaints group has no city, so the hotline's public tier may use it as well
    assert kpis["groups"]["complaints"]["answered"] >= complaints["answered"]
    assert complaints["asa_seconds"] >= 5 and kpis["queues"]["10000"]["asa_seconds"] >= 5
    assert kpis["queues"]["10000"]["service_level"] < 1
