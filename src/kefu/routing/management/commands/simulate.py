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
        live = parser.add_argument_group("live: drive a running kefu's routing API in real time")
        live.add_argument("--live", metavar="URL", help="a running kefu, e.g. http://127.0.0.1:8000")
        live.add_argument("--token", help="with --live: an administrator's API token (or KEFU_TOKEN)")
        live.add_argument("--hotline", default="10086", help="with --live: the number called (10086)")
        live.add_argument("--calls-per-minute", type=float, default=20.0, help="with --live: arrivals (20)")
        live.add_argument("--talk", type=float, default=60.0, help="with --live: mean talk time, s (60)")
        live.add_argument("--minutes", type=float, default=10.0, help="with --live: minutes of arrivals (10)")
        live.add_argument(
            "--prefixes", default="1392011", help="with --live: caller number prefixes, comma-separated"
        )
        live.add_argument("--ready", default="", help="with --live: job numbers to set ready first")

    def handle(self, *args, **options):
        if options["live"]:
            return self._live(options)
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

    def _live(self, options) -> None:
        import os

        from kefu.routing import live

        token = options["token"] or os.environ.get("KEFU_TOKEN", "")
        if not token:
            raise CommandError("--live needs --token (an administrator's API token) or KEFU_TOKEN")
        if options["calls_per_minute"] <= 0 or options["talk"] <= 0 or options["minutes"] <= 0:
            raise CommandError("--calls-per-minute, --talk and --minutes must be > 0")
        plan = live.LivePlan(
            hotline=options["hotline"],
            calls_per_minute=options["calls_per_minute"],
            talk_seconds=options["talk"],
            minutes=options["minutes"],
            prefixes=tuple(p.strip() for p in options["prefixes"].split(",") if p.strip()),
            agents=tuple(j.strip() for j in options["ready"].split(",") if j.strip()),
            seed=1 if options["seed"] is None else options["seed"],
        )
        self.stdout.write(
            f"driving {options['live']}: {plan.calls_per_minute:g} calls/min to {plan.hotline} "
            f"for {plan.minutes:g} min (Ctrl-C stops)"
        )
        try:
            tally = live.drive(plan, live.http_sender(options["live"], token), log=self.stdout.write)
        except KeyboardInterrupt:
            self.stdout.write("stopped")
            return
        self.stdout.write(json.dumps(tally.__dict__, ensure_ascii=False))
