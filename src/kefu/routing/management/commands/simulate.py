"""``kefu simulate`` — a discrete-event call-centre simulation through the ACD's decision core."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from kefu.routing import simulate


class Command(BaseCommand):
    help = (
        "Simulate calls through the routing decision core and print the KPIs. Simple mode: --agents N "
        "--erlangs A --aht S --hours H --threshold T --seed K (one pool, Poisson, exponential, no "
        "abandonment, no wrap-up); richer cases: --scenario FILE.json (docs/routing-simulation.md)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scenario", help="a scenario file (JSON)")
        parser.add_argument("--agents", type=int, help="simple mode: agents in the one pool")
        parser.add_argument("--erlangs", type=float, help="simple mode: offered load, erlangs")
        parser.add_argument("--aht", type=float, default=180.0, help="simple mode: mean handle time, s (180)")
        parser.add_argument("--hours", type=float, help="hours of arrivals (scenario: overrides its own)")
        parser.add_argument("--threshold", type=float, default=20.0, help="simple mode: answer threshold, s")
        parser.add_argument(
            "--patience", type=float, help="simple mode: mean caller patience, s (Erlang A's M/M/N+M)"
        )
        parser.add_argument("--seed", type=int, help="random seed (scenario: overrides its own)")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        try:
            scenario = self._scenario(options)
            kpis = simulate.simulate(scenario)
        except simulate.ScenarioError as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(kpis, ensure_ascii=False))
        else:
            self.stdout.write(simulate.format_text(kpis))

    def _scenario(self, options) -> simulate.Scenario:
        from dataclasses import replace

        if options["scenario"]:
            if any(options[k] is not None for k in ("agents", "erlangs", "patience")):
                raise CommandError("--scenario and --agents/--erlangs/--patience do not go together")
            scenario = simulate.load_scenario(options["scenario"])
            changes = {}
            if options["hours"] is not None:
                if options["hours"] <= 0:
                    raise CommandError("--hours must be > 0")
                changes["hours"] = options["hours"]
            if options["seed"] is not None:
                changes["seed"] = options["seed"]
            return replace(scenario, **changes) if changes else scenario
        missing = [name for name in ("agents", "erlangs", "hours") if options[name] is None]
        if missing:
            raise CommandError(
                "give --scenario FILE, or --agents, --erlangs and --hours (missing: "
                + ", ".join(f"--{m}" for m in missing)
                + ")"
            )
        return simulate.simple_scenario(
            agents=options["agents"],
            erlangs=options["erlangs"],
            aht=options["aht"],
            hours=options["hours"],
            threshold=options["threshold"],
            seed=1 if options["seed"] is None else options["seed"],
            patience=options["patience"],
        )
