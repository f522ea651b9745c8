"""``kefu staffing`` (issue 14 item 7): JSON with agents, service level and occupancy; clear errors."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _staffing(*args: str) -> dict:
    out = StringIO()
    call_command("staffing", *args, "--format=json", stdout=out)
    return json.loads(out.getvalue())


def test_erlang_c_with_cap_and_shrinkage():
    """SP-3: 100 calls / 30 min, AHT 180 s, 85 % in 15 s → 14 on the phones (occupancy 0.714 under the
    0.85 cap), ⌈14 / 0.7⌉ = 20 scheduled with 30 % shrinkage."""
    answer = _staffing(
        "--calls=100", "--interval=1800", "--aht=180", "--target=0.85", "--threshold=15",
        "--shrinkage=0.3", "--max-occupancy=0.85",
    )  # fmt: skip
    assert answer["model"] == "erlang_c"
    assert answer["raw_agents"] == 14 and answer["agents"] == 20
    assert answer["service_level"] >= 0.85 and answer["occupancy"] == pytest.approx(10 / 14)
    assert answer["wait_probability"] == pytest.approx(0.17413, abs=1e-5)
    assert answer["asa_seconds"] == pytest.approx(7.84, abs=0.01)


def test_patience_gives_erlang_a_beside_erlang_c_and_pooling():
    """SP-3, ORG-4: with --patience the answer is Erlang A (abandonment), Erlang C alongside; --cities
    compares one pool with equal city groups."""
    answer = _staffing("--calls=1000", "--aht=180", "--threshold=15", "--patience=120", "--cities=5")
    assert answer["model"] == "erlang_a" and 0 < answer["abandon_probability"] < 0.1
    assert answer["agents"] <= answer["erlang_c"]["agents"]
    pooling = answer["pooling"]
    assert len(pooling["per_city"]) == 5
    assert pooling["pooled"]["agents"] < pooling["per_city_agents"]
    assert pooling["saved_agents"] == pooling["per_city_agents"] - pooling["pooled"]["agents"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calls=-3", "--aht=180"], "calls"),
        (["--calls=100", "--aht=0"], "handle time"),
        (["--calls=100", "--aht=180", "--target=1"], "target"),
        (["--calls=100", "--aht=180", "--shrinkage=1.2"], "shrinkage"),
        (["--calls=100", "--aht=180", "--max-occupancy=0"], "occupancy"),
        (["--calls=100", "--aht=180", "--interval=0"], "interval"),
    ],
)
def test_bad_input_exits_with_a_message(args, message):
    """SP-3: bad input stops the command with a message naming what is wrong."""
    with pytest.raises(CommandError, match=message):
        call_command("staffing", *args, stdout=StringIO())
