"""Erlang B/C/A and staffing (issue 14 item 7) against the checks reproduced in research/acd.md §3."""

import math

import pytest

from kefu.routing import erlang


def test_erlang_c_textbook_case():
    """SP-3, ST-1: 100 calls / 30 min, AHT 180 s, N = 14, T = 20 s → C 0.17413, SL 0.88835, ASA 7.84 s."""
    load = erlang.offered_load(100, 1800, 180)
    assert load == pytest.approx(10.0)
    f = erlang.erlang_c_figures(load, 14, aht=180, threshold=20)
    assert f.wait_probability == pytest.approx(0.17413, abs=5e-6)
    assert f.service_level == pytest.approx(0.88835, abs=5e-6)
    assert f.asa_seconds == pytest.approx(7.84, abs=5e-3)
    assert f.occupancy == pytest.approx(10 / 14)


def test_erlang_b_recursion_matches_the_closed_form_where_it_fits():
    """ST-1: the recursion equals A^N/N! / Σ A^k/k! for small N (where the closed form does not overflow)."""
    for load, n in ((2.0, 3), (10.0, 14), (50.0, 60)):
        closed = (load**n / math.factorial(n)) / sum(load**k / math.factorial(k) for k in range(n + 1))
        assert erlang.erlang_b(load, n) == pytest.approx(closed, rel=1e-12)


def test_erlang_a_check_from_the_research():
    """SP-3: λ = 100/30 per min, AHT 3 min, patience 2 min, N = 12 → P(W>0) 0.2798, P(Ab) 0.0616, and
    SL(20 s) 0.8256 (the tagged-customer chain, against a 400k-call simulation's 0.8272)."""
    f = erlang.erlang_a_figures(10.0, 12, aht=180, threshold=20, patience=120)
    assert f.wait_probability == pytest.approx(0.2798, abs=5e-5)
    assert f.abandon_probability == pytest.approx(0.0616, abs=5e-5)
    assert f.service_level == pytest.approx(0.8256, abs=5e-4)
    # answered callers wait less on average than all callers (the impatient leave the long waits)
    assert 0 < f.asa_seconds < f.mean_wait_all


def test_erlang_a_tends_to_erlang_c_with_endless_patience():
    """SP-3: with a patience far longer than any wait, Erlang A gives Erlang C's figures."""
    c = erlang.erlang_c_figures(10.0, 14, aht=180, threshold=20)
    a = erlang.erlang_a_figures(10.0, 14, aht=180, threshold=20, patience=1e7)
    assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-4)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, abs=1e-2)
    assert a.abandon_probability < 1e-5


def test_erlang_a_is_stable_below_the_load():
    """SP-3: with abandonment, fewer agents than erlangs still give finite figures (Erlang C cannot)."""
    c = erlang.erlang_c_figures(10.0, 9, aht=180, threshold=20)
    assert c.wait_probability == 1.0 and c.service_level == 0.0 and math.isinf(c.asa_seconds)
    a = erlang.erlang_a_figures(10.0, 9, aht=180, threshold=20, patience=120)
    assert 0 < a.service_level < 1
    assert 0.05 < a.abandon_probability < 0.5
    assert a.occupancy <= 1.0


def test_thousands_of_agents_without_overflow():
    """ORG-4 (a centralised centre): N = 5,000 agents computes without OverflowError or NaN."""
    c = erlang.erlang_c_figures(4800.0, 5000, aht=180, threshold=15)
    assert 0 < c.wait_probability < 0.01 and 0.99 < c.service_level <= 1.0
    a = erlang.erlang_a_figures(4800.0, 5000, aht=180, threshold=15, patience=120)
    assert math.isfinite(a.service_level) and 0.99 < a.service_level <= 1.0
    s = erlang.staff(4980.0, aht=180, target=0.85, threshold=15)
    assert s.raw_agents > 4980 and s.figures.service_level >= 0.85
    lower = erlang.erlang_c_figures(4980.0, s.raw_agents - 1, aht=180, threshold=15)
    assert lower.service_level < 0.85


def test_erlang_a_far_below_the_load_does_not_overflow():
    """ORG-4: 20,000 erlangs on 5,000 agents (the chain's weights pass 1e308 unscaled): finite figures,
    and the agents answer what they can, so P(Ab) = 1 − N/A."""
    f = erlang.erlang_a_figures(20000.0, 5000, aht=180, threshold=20, patience=120)
    assert f.abandon_probability == pytest.approx(0.75, abs=1e-6)
    assert f.wait_probability == pytest.approx(1.0) and f.service_level < 1e-6
    assert math.isfinite(f.asa_seconds)


def test_staffing_smallest_n_then_cap_then_shrinkage():
    """SP-3 (the 15-second answer rate): the smallest N meeting the target; occupancy cap; shrinkage after."""
    s = erlang.staff(10.0, aht=180, target=0.85, threshold=15)
    assert s.raw_agents == 14 and s.agents == 14
    assert erlang.erlang_c_figures(10.0, 13, aht=180, threshold=15).service_level < 0.85
    # occupancy cap: A = 500 needs 514 by SL (97 % busy); a 90 % cap raises it to ⌈500/0.9⌉ = 556
    capped = erlang.staff(500.0, aht=180, target=0.85, threshold=15, max_occupancy=0.9)
    assert capped.raw_agents == 556 and capped.figures.occupancy <= 0.9
    # shrinkage after the queueing answer: ⌈14 / 0.7⌉ = 20
    shrunk = erlang.staff(10.0, aht=180, target=0.85, threshold=15, shrinkage=0.3)
    assert shrunk.raw_agents == 14 and shrunk.agents == 20
    assert shrunk.as_dict()["agents"] == 20 and shrunk.as_dict()["raw_agents"] == 14


def test_erlang_a_staffing_is_the_smallest_n():
    """SP-3: Erlang A staffing meets the target at N and misses it at N − 1."""
    s = erlang.staff(10.0, aht=180, target=0.85, threshold=15, patience=120)
    assert s.figures.model == "erlang_a" and s.figures.service_level >= 0.85
    below = erlang.erlang_a_figures(10.0, s.raw_agents - 1, aht=180, threshold=15, patience=120)
    assert below.service_level < 0.85


def test_pooling_needs_fewer_agents_than_city_groups():
    """ORG-4 (centralisation, overflow to a shared pool): k cities of A/k need more than one pool of A."""
    cmp = erlang.compare_pooling(100.0, cities=10, aht=180, target=0.85, threshold=15)
    assert len(cmp.per_city) == 10
    assert all(s.figures.load == pytest.approx(10.0) for s in cmp.per_city)
    assert cmp.per_city_agents == 10 * 14
    assert cmp.pooled.agents < cmp.per_city_agents and cmp.saved == cmp.per_city_agents - cmp.pooled.agents
    uneven = erlang.compare_pooling(100.0, shares=[3, 1], aht=180, target=0.85, threshold=15)
    assert [s.figures.load for s in uneven.per_city] == pytest.approx([75.0, 25.0])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target": 1.2},
        {"target": 0},
        {"shrinkage": 1.0},
        {"max_occupancy": 0},
        {"patience": -5},
        {"threshold": -1},
        {"aht": 0},
    ],
)
def test_bad_input_is_refused(kwargs):
    """SP-3: staffing refuses input no figure can be computed from, with a message naming it."""
    args = {"aht": 180, "target": 0.85, "threshold": 15} | kwargs
    with pytest.raises(erlang.ErlangError):
        erlang.staff(10.0, **args)
