"""A 1,000,000-call day with 2,000 agents through the routing decision core (issue 14 figures).

Runs ``kefu simulate --scenario`` on a province's day: 13 city groups and a public group (2,000
agents), the seeds' tiers (home city, public, after 30 s every other city), 5 % VIP callers first,
lognormal handle times, exponential patience, 8 s wrap-up, and a day's arrival profile that adds up to
``--calls`` calls. Prints the wall seconds (the goal is ≤ 60 s) and the simulated KPIs. With
``--profile`` the same run goes under cProfile and the top functions are printed (where the time goes:
the core or the simulator).

    PYTHONPATH=src .venv/bin/python bench/simulate_day.py [--calls 1000000] [--agents 2000] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

CITIES = {  # Jiangsu's 13 cities, share of the calls
    "nanjing": 0.14,
    "suzhou": 0.16,
    "wuxi": 0.10,
    "changzhou": 0.07,
    "nantong": 0.08,
    "xuzhou": 0.09,
    "yancheng": 0.07,
    "yangzhou": 0.05,
    "taizhou": 0.05,
    "zhenjiang": 0.04,
    "huaian": 0.05,
    "lianyungang": 0.04,
    "suqian": 0.04,
}
OUT_OF_AREA = 0.02
# relative arrivals per half hour over 24 h: a quiet night, a morning peak, an afternoon peak
PROFILE = (
    [0.15] * 12  # 00:00–06:00
    + [0.4, 0.7, 1.0, 1.3]  # 06:00–08:00
    + [1.6] * 8  # 08:00–12:00
    + [1.2] * 4  # 12:00–14:00
    + [1.5] * 8  # 14:00–18:00
    + [1.1] * 4  # 18:00–20:00
    + [0.8] * 4  # 20:00–22:00
    + [0.4] * 4  # 22:00–24:00
)


def scenario(calls: int, agents: int, *, flat: bool = False) -> dict:
    total = sum(PROFILE)
    per_interval = [round(calls * p / total, 3) for p in PROFILE]
    public = max(1, round(agents * 0.1))
    city_agents = agents - public
    shares = sum(CITIES.values())
    groups, given = [], 0
    for i, (city, share) in enumerate(CITIES.items()):
        n = round(city_agents * share / shares) if i < len(CITIES) - 1 else city_agents - given
        given += n
        groups.append({"code": city, "city": city, "agents": n})
    groups.append({"code": "public", "city": None, "agents": public})
    return {
        "hours": 24,
        "interval": 1800,
        "calls_per_interval": per_interval,
        "handle": {"distribution": "lognormal", "mean": 85, "cv": 0.9},
        "patience": {"mean": 180},
        "threshold": 15,
        "cities": {**{c: s * (1 - OUT_OF_AREA) for c, s in CITIES.items()}, "": OUT_OF_AREA},
        "vip": {"share": 0.05, "level": 3},
        "groups": groups,
        "queues": [
            {
                "code": "10000",
                "tiers": [{"groups": "home"}, {"groups": "public"}, {"groups": "others", "wait": 30}],
                "priority": "strict",
                "wrapup_seconds": 8,
                "max_wait": 120,
                "fallback": "callback",
            }
        ],
        "seed": 14,
        "tick_resolution": 1.0,
        # agents on duty follow the forecast (all 2,000 at the peak); --flat keeps all logged in all day
        "on_duty": [] if flat else [round(p / max(PROFILE), 3) for p in PROFILE],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="run in-process under cProfile")
    parser.add_argument("--flat", action="store_true", help="every agent logged in all day (no shifts)")
    args = parser.parse_args()
    data = scenario(args.calls, args.agents, flat=args.flat)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "day.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        if args.profile:
            import cProfile
            import pstats

            sys.path.insert(0, "src")
            from kefu.routing import simulate

            profiler = cProfile.Profile()
            profiler.enable()
            kpis = simulate.simulate(simulate.load_scenario(path))
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
            wall = kpis["wall_seconds"]
            cpu = wall
        else:
            env = dict(
                os.environ, PYTHONPATH="src", KEFU_DATA_DIR=os.environ.get("KEFU_DATA_DIR", "var/bench")
            )
            kefu = os.path.join(os.path.dirname(sys.executable), "kefu")
            started = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(
                [kefu, "simulate", f"--scenario={path}", "--format=json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            kpis = json.loads(out)
    print(
        f"kefu simulate: {kpis['calls']:,} calls, {kpis['agents']:,} agents, 24 h: "
        f"wall {wall:.1f} s, CPU {cpu:.1f} s (simulation loop: wall {kpis['wall_seconds']:.1f} s, CPU {kpis['cpu_seconds']:.1f} s; goal ≤ 60 s)"
    )
    print(
        f"service level {kpis['service_level']:.3f} (15 s)  P(wait) {kpis['wait_probability']:.3f}  "
        f"ASA {kpis['asa_seconds']:.1f} s  abandon {kpis['abandon_rate']:.3f}  fallback {kpis['fallback']:,}  "
        f"occupancy {kpis['occupancy']:.3f}  overflow {kpis['overflow']:,}  ticks {kpis['ticks']:,}"
    )
    print(
        f"agent hours logged in {kpis['agent_hours']:,.0f} ({'flat' if args.flat else 'shifts follow the forecast'})"
    )
    vip, ordinary = kpis["callers"]["vip"], kpis["callers"]["ordinary"]
    print(f"VIP ASA {vip['asa_seconds']:.1f} s vs ordinary {ordinary['asa_seconds']:.1f} s")


if __name__ == "__main__":
    main()
