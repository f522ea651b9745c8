"""``kefu staffing`` — agents needed for one interval by Erlang C (or Erlang A with ``--patience``)."""

from __future__ import annotations

import json
import math

from django.core.management.base import BaseCommand, CommandError

from kefu.routing import erlang


class Command(BaseCommand):
    help = (
        "Agents needed for an interval's forecast: the smallest N meeting the service-level target by "
        "Erlang C (Erlang A with --patience), raised to the occupancy cap, then shrinkage added"
    )

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True, help="calls forecast in the interval")
        parser.add_argument("--interval", type=float, default=1800.0, help="interval length, seconds (1800)")
        parser.add_argument("--aht", type=float, required=True, help="average handle time, seconds")
        parser.add_argument("--target", type=float, default=0.85, help="service-level target, 0–1 (0.85)")
        parser.add_argument("--threshold", type=float, default=15.0, help="answer threshold T, seconds (15)")
        parser.add_argument("--patience", type=float, help="mean caller patience, seconds (Erlang A)")
        parser.add_argument("--shrinkage", type=float, default=0.0, help="share of paid time off the phones")
        parser.add_argument("--max-occupancy", type=float, help="occupancy cap, 0–1")
        parser.add_argument(
            "--cities", type=int, help="also compare one pool with this many equal city groups"
        )
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        try:
            load = erlang.offered_load(options["calls"], options["interval"], options["aht"])
            keywords = {
                "aht": options["aht"],
                "target": options["target"],
                "threshold": options["threshold"],
                "patience": options["patience"],
                "shrinkage": options["shrinkage"],
                "max_occupancy": options["max_occupancy"],
            }
            result = erlang.staff(load, **keywords)
            pooling = None
            if options["cities"] is not None:
                pooling = erlang.compare_pooling(load, cities=options["cities"], **keywords)
            erlang_c = None
            if options["patience"] is not None:
                erlang_c = erlang.staff(load, **(keywords | {"patience": None}))
        except erlang.ErlangError as exc:
            raise CommandError(str(exc)) from None
        answer = result.as_dict() | {
            "calls": options["calls"],
            "interval_seconds": options["interval"],
            "aht_seconds": options["aht"],
            "patience_seconds": options["patience"],
        }
        if erlang_c is not None:
            answer["erlang_c"] = erlang_c.as_dict()
        if pooling is not None:
            answer["pooling"] = pooling.as_dict()
        if options["format"] == "json":
            self.stdout.write(json.dumps(_finite(answer), ensure_ascii=False))
            return
        self.stdout.write(_text(answer))


def _finite(value):
    """JSON has no infinity: an unbounded figure is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _text(a: dict) -> str:
    lines = [
        f"{a['model']}: {a['calls']:g} calls in {a['interval_seconds']:g} s, AHT {a['aht_seconds']:g} s "
        f"= {a['load_erlangs']:.2f} erlangs",
        f"agents {a['agents']} (on the phones {a['raw_agents']}, shrinkage {a['shrinkage']:g})",
        f"service level {a['service_level']:.4f} within {a['threshold_seconds']:g} s (target {a['target']:g})"
        f"  P(wait) {a['wait_probability']:.4f}  ASA {a['asa_seconds']:.2f} s  occupancy {a['occupancy']:.4f}",
    ]
    if a["model"] == "erlang_a":
        lines.append(f"abandon probability {a['abandon_probability']:.4f}")
    if "erlang_c" in a:
        lines.append(f"Erlang C (no abandonment) would need {a['erlang_c']['agents']} agents")
    if "pooling" in a:
        p = a["pooling"]
        lines.append(
            f"one pool {p['pooled']['agents']} agents vs {len(p['per_city'])} city groups "
            f"{p['per_city_agents']} agents: pooling saves {p['saved_agents']}"
        )
    return "\n".join(lines)
