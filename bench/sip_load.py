"""Real SIP load through Kamailio and kefu on loopback (issue 14, the SIP figure).

SIPp offers ``--rate`` calls per second for ``--duration`` seconds to the hotline; Kamailio
(deploy/kamailio/kamailio.cfg) asks kefu where each goes and relays it to ``--agents`` softphones (one
SIPp UAS answering for all of them after ``--ring-ms``); each call lasts ``--hold`` seconds and the
caller hangs up. Every agent's desk event stream is held open (``/telephony/events`` with the agent's
session) to catch the screen pop of each answered call.

Printed figures:
- calls offered / answered / failed (SIPp's own count; goal: none lost);
- routing answer: the time of kefu's answer to ``POST /api/v1/routing/calls`` as Kamailio measures it
  around the HTTP exchange (``$TV`` before and after, LOG_TIMING lines) — p50/p95/p99 (goal p95 <= 20 ms);
- screen pop: from Kamailio relaying the agent's 200 OK (the answer, logged with ``$TV``) to the pop
  arriving on that agent's stream client, same clock — p50/p95/p99 (goal p95 <= 1 s), and answered
  calls whose pop never came.

By default the bench starts its own kefu (``kefu router`` + ``kefu serve --workers 2``) on a scratch
database (PostgreSQL when KEFU_DATABASE_URL names one) with one public agent group of ``--agents``
agents and a JS hotline queue. ``--kefu URL --token T --sessions FILE`` runs against a kefu (or a
stand-in) already running whose agents exist: FILE maps job numbers to desk session ids, and the
agents' job numbers are its keys.

    PYTHONPATH=src KEFU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kefu \\
        .venv/bin/python bench/sip_load.py --rate 50 --duration 60 --agents 200 --hold 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sip import harness  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=50, help="calls offered per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds of offered calls")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--hold", type=float, default=2, help="seconds each call lasts once answered")
    parser.add_argument("--ring-ms", type=int, default=0, help="how long a softphone rings before answering")
    parser.add_argument("--kefu", default="", help="a running kefu's URL (else the bench starts one)")
    parser.add_argument("--token", default="", help="with --kefu: an administrator's API token")
    parser.add_argument("--sessions", default="", help="with --kefu: JSON file {job number: session id}")
    parser.add_argument(
        "--streams", default="", help="with --kefu: the URL serving the agents' event streams"
    )
    parser.add_argument("--workdir", default="", help="keep logs here (else a temporary directory)")
    return parser.parse_args()


class Streams:
    """One desk event stream per agent; records when each call's screen pop arrives (wall clock)."""

    def __init__(self, port: int, sessions: dict[str, str]) -> None:
        self.port, self.sessions = port, sessions
        self.pops: dict[str, float] = {}
        self.open: set[str] = set()
        self.lock = threading.Lock()

    def start(self, patience: float = 300) -> None:
        """Open every stream (a stream that fails is opened again); after ``patience`` seconds the bench
        goes on with the streams that are open, and says so."""
        for job, session in self.sessions.items():
            threading.Thread(target=self._hold, args=(job, session), daemon=True).start()
        started = time.monotonic()
        while len(self.open) < len(self.sessions):
            waited = time.monotonic() - started
            if waited > patience:
                print(f"  only {len(self.open)} of {len(self.sessions)} event streams opened", flush=True)
                return
            if int(waited * 10) % 100 == 99:
                print(f"  {len(self.open)} of {len(self.sessions)} event streams open …", flush=True)
            time.sleep(0.1)

    def _hold(self, job: str, session: str) -> None:
        while True:
            try:
                self._read(job, session)
            except OSError:
                pass
            with self.lock:
                self.open.discard(job)
            time.sleep(1)

    def _read(self, job: str, session: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        connection.request("GET", "/telephony/events", headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        name = None
        for raw in iter(response.fp.readline, b""):
            text = raw.decode(errors="replace").rstrip("\r\n")
            if text.startswith("retry: "):
                with self.lock:
                    self.open.add(job)
            elif text.startswith("event: "):
                name = text[7:]
            elif text.startswith("data: ") and name == "screen_pop":
                arrived = time.time()
                call_id = json.loads(text[6:]).get("call_id")
                with self.lock:
                    self.pops.setdefault(call_id, arrived)
                name = None


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    values = sorted(values)

    def q(p: float) -> float:
        return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]

    return (
        f"n={len(values)}  p50={q(0.50):.1f}  p95={q(0.95):.1f}  p99={q(0.99):.1f}  max={values[-1]:.1f}"
        f"  mean={statistics.fmean(values):.1f}"
    )


def timings(log: str) -> tuple[list[float], int, dict[str, tuple[float, str]]]:
    """Kamailio's LOG_TIMING lines: routing answer times (ms), failed offers, (answer time, agent) per call."""
    routing, failed, answers = [], 0, {}
    for line in log.splitlines():
        if "kefu-timing route " in line:
            fields = dict(part.split("=", 1) for part in line.split("kefu-timing route ", 1)[1].split())
            routing.append((float(fields["t1"]) - float(fields["t0"])) * 1000)
            failed += fields["rc"] not in ("200", "201")
        elif "kefu-timing answer " in line:
            fields = dict(part.split("=", 1) for part in line.split("kefu-timing answer ", 1)[1].split())
            answers[fields["ci"]] = (float(fields["t"]), fields.get("agent", ""))
    return routing, failed, answers


def sipp_counts(stats: Path) -> dict[str, int]:
    """The last line of SIPp's statistics file: calls created, successful, failed."""
    lines = [line for line in stats.read_text().splitlines() if line.strip()]
    header, last = lines[0].split(";"), lines[-1].split(";")
    row = dict(zip(header, last, strict=False))
    return {
        "created": int(row["TotalCallCreated"]),
        "successful": int(row["SuccessfulCall(C)"]),
        "failed": int(row["FailedCall(C)"]),
    }


def main() -> int:
    args = arguments()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kefu-sip-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    jobs = [f"b{n:04d}" for n in range(1, args.agents + 1)]
    kefu = None
    if args.kefu:
        url, token = args.kefu.rstrip("/"), args.token
        sessions = json.loads(Path(args.sessions).read_text())
        jobs = list(sessions)
    else:
        layout = {
            "hotline": harness.HOTLINE,
            "max_wait": 120,
            "groups": [{"code": "SIP-PUB", "name": "公共班组"}],
            "agents": [{"job": job, "group": "SIP-PUB"} for job in jobs],
            "subscribers": {},
        }
        kefu = harness.Kefu(workdir, layout, workers=2)
        print(f"starting kefu with {len(jobs)} agents in {workdir} …", flush=True)
        kefu.start()
        url, token, sessions = kefu.url, kefu.token, kefu.sessions
    port = urllib.parse.urlparse(url).port
    kamailio = softphones = None
    try:
        kamailio = harness.Kamailio(
            workdir, url, token, defines={"HOTLINES": f"^{harness.HOTLINE}$", "LOG_TIMING": True}
        ).start()
        softphones = harness.Agents(
            workdir, kamailio.port, jobs, ring_ms=args.ring_ms, name="softphones"
        ).start()
        for job in jobs:
            status, body = harness.request(
                port, token, "POST", f"/api/v1/routing/agents/{job}/state", {"state": "ready"}
            )
            if status != 200:
                raise RuntimeError(f"agent {job} cannot be made ready: {status} {body}")
        streams = Streams(urllib.parse.urlparse(args.streams).port if args.streams else port, sessions)
        streams.start()
        calls = int(args.rate * args.duration)
        numbers = [f"1390{n:07d}" for n in range(1, calls + 1)]
        csv = harness.callers_csv(workdir, "load", numbers)
        print(
            f"offering {calls} calls at {args.rate}/s to {len(jobs)} agents, {args.hold} s each …", flush=True
        )
        started = time.monotonic()
        code = harness.run_sipp(
            workdir, "caller.xml", csv, kamailio.port, calls=calls, rate=args.rate,
            hold_ms=int(args.hold * 1000), name="load", timeout=args.duration * 3 + 300,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        time.sleep(2)  # the last pops are on their way
        counts = sipp_counts(workdir / "load-stats.csv")
        routing, refused, answers = timings(kamailio.log_text())
        watched = {call_id: at for call_id, (at, agent) in answers.items() if agent in streams.open}
        pops = [
            (streams.pops[call_id] - at) * 1000 for call_id, at in watched.items() if call_id in streams.pops
        ]
        missing = sum(1 for call_id in watched if call_id not in streams.pops)
        lost = calls - counts["successful"]
        print()
        print(
            f"SIP load: {args.rate:g} calls/s for {args.duration:g} s, {len(jobs)} agents, {args.hold:g} s calls"
        )
        print(f"  SIPp exit code {code}, run {elapsed:.1f} s, logs in {workdir}")
        print(
            f"  calls offered {calls}, created {counts['created']}, answered {counts['successful']}, "
            f"failed {counts['failed']}, lost {lost}  (goal: 0 lost)"
        )
        print(
            f"  routing answer (ms, Kamailio around POST /routing/calls): {percentiles(routing)}  (goal p95 <= 20)"
        )
        print(f"  offers kefu refused: {refused}")
        print(
            f"  screen pop after answer (ms, on the agents' streams): {percentiles(pops)}  (goal p95 <= 1000)"
        )
        print(
            f"  answered calls without a pop: {missing} (of {len(watched)}, the agents whose stream is open)"
        )
        return 0 if lost == 0 and refused == 0 and missing == 0 else 1
    finally:
        if softphones is not None:
            softphones.stop()
        if kamailio is not None:
            kamailio.stop()
        if kefu is not None:
            kefu.stop()


if __name__ == "__main__":
    sys.exit(main())
