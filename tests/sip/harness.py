"""Kamailio and SIPp on loopback for the SIP tests and bench/sip_load.py.

Kamailio runs deploy/kamailio/kamailio.cfg with its defines set on the command line (kefu's URL and
token, the timers); SIPp plays the agents' softphones (one UAS instance per behaviour, every agent of
that behaviour registered with the instance's port as contact) and the callers (one UAC run each).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
HOTLINE = "10086"
KEFU = [sys.executable, "-m", "kefu.cli"]


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A loopback port free for UDP and TCP alike (SIPp also opens a TCP socket on its port)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue


def tools_missing() -> list[str]:
    return [name for name in ("kamailio", "sipp") if shutil.which(name) is None]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Kamailio:
    """A Kamailio process running the repository's configuration on 127.0.0.1:``port``."""

    workdir: Path
    kefu_url: str
    token: str
    port: int = 0
    defines: dict[str, str | int] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self) -> Kamailio:
        self.port = self.port or free_port()
        run = self.workdir / "kamailio-run"
        run.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "kamailio.log"
        values: dict[str, str | int] = {
            "KEFU_URL": self.kefu_url,
            "KEFU_TOKEN": self.token,
            "RPC_FIFO": str(run / "rpc.fifo"),
            "CTL_SOCKET": f"unix:{run / 'ctl.sock'}",
        } | self.defines
        args = ["kamailio", "-f", str(CONFIG), "-DD", "-E", "-m", "128", "-M", "16",
                "-l", f"udp:127.0.0.1:{self.port}", "-Y", str(run), "-P", str(run / "kamailio.pid")]  # fmt: skip
        for name, value in values.items():
            if value is True:
                args += ["-A", name]
            elif isinstance(value, int):
                args += ["-A", f"{name}={value}"]
            else:
                args += ["-A", f"{name}={_quoted(str(value))}"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + 30
        while not self._listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"kamailio stopped: {self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"kamailio did not answer in 30 s: {self.log_text()[-3000:]}")
            time.sleep(0.1)
        return self

    def _listening(self) -> bool:
        """An OPTIONS to the proxy answers (404: not a hotline) once its SIP workers run."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.5)
            s.bind(("127.0.0.1", 0))
            me = s.getsockname()[1]
            probe = (
                f"OPTIONS sip:probe@127.0.0.1:{self.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK-probe{time.monotonic_ns()}\r\n"
                f"From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:probe@127.0.0.1>\r\n"
                f"Call-ID: probe-{time.monotonic_ns()}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            )
            s.sendto(probe.encode(), ("127.0.0.1", self.port))
            try:
                return s.recv(4096).startswith(b"SIP/2.0")
            except OSError:
                return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Agents:
    """One SIPp UAS answering for a set of agents (job numbers), all registered with its port."""

    workdir: Path
    proxy_port: int
    jobs: list[str]
    scenario: str = "agent.xml"
    ring_ms: int = 0
    name: str = "agents"
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Agents:
        self.port = self.port or free_port()
        args = ["sipp", "-sf", str(SCENARIOS / self.scenario), "-i", "127.0.0.1", "-p", str(self.port),
                "-d", str(self.ring_ms), "-nostdin", "-trace_err",
                "-error_file", str(self.workdir / f"{self.name}-errors.log"), "-max_socket", "1000"]  # fmt: skip
        with open(self.workdir / f"{self.name}.out", "wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.register()
        return self

    def register(self, jobs: list[str] | None = None) -> None:
        """Every agent's softphone REGISTERs (user = job number, contact = this instance)."""
        jobs = self.jobs if jobs is None else jobs
        csv = self.workdir / f"{self.name}-register.csv"
        csv.write_text("SEQUENTIAL\n" + "".join(f"{job};{self.port}\n" for job in jobs))
        run_sipp(self.workdir, "register.xml", csv, self.proxy_port, calls=len(jobs), rate=200,
                 name=f"{self.name}-register")  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sipp_args(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int, rate: float,
              hold_ms: int = 0, name: str, service: str = HOTLINE, extra: list[str] | None = None) -> list[str]:  # fmt: skip
    port = free_port()
    return [
        "sipp", f"127.0.0.1:{proxy_port}", "-sf", str(SCENARIOS / scenario), "-inf", str(csv),
        "-i", "127.0.0.1", "-p", str(port), "-s", service, "-m", str(calls), "-r", str(rate),
        "-d", str(hold_ms), "-nostdin", "-timeout", "300", "-timeout_error", "-max_socket", "1000",
        "-trace_err", "-error_file", str(workdir / f"{name}-errors.log"),
        "-trace_stat", "-stf", str(workdir / f"{name}-stats.csv"),
        *(extra or []),
    ]  # fmt: skip


def run_sipp(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int = 1, rate: float = 10,
             hold_ms: int = 0, name: str, timeout: float = 300, service: str = HOTLINE) -> int:  # fmt: skip
    """Run a UAC scenario to its end; answer SIPp's exit code (0: every call succeeded)."""
    args = sipp_args(workdir, scenario, csv, proxy_port, calls=calls, rate=rate, hold_ms=hold_ms, name=name,
                     service=service)  # fmt: skip
    with open(workdir / f"{name}.out", "wb") as out:
        return subprocess.run(
            args, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, timeout=timeout
        ).returncode


def start_sipp(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int = 1, rate: float = 10,
               hold_ms: int = 0, name: str, service: str = HOTLINE) -> subprocess.Popen:  # fmt: skip
    """Start a UAC scenario in the background (a caller who is still waiting while the test acts)."""
    args = sipp_args(workdir, scenario, csv, proxy_port, calls=calls, rate=rate, hold_ms=hold_ms, name=name,
                     service=service)  # fmt: skip
    out = open(workdir / f"{name}.out", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)


def call_id(process: subprocess.Popen, n: int = 1) -> str:
    """The SIP Call-ID of a SIPp run's n-th call (SIPp's default: ``<call number>-<pid>@<local ip>``);
    kefu knows the call by it."""
    return f"{n}-{process.pid}@127.0.0.1"


def callers_csv(workdir: Path, name: str, numbers: list[str]) -> Path:
    csv = workdir / f"{name}.csv"
    csv.write_text("SEQUENTIAL\n" + "".join(f"{n}\n" for n in numbers))
    return csv


def sipp_failure(workdir: Path, name: str) -> str:
    """What SIPp said about a failed run (its output and error file), for assertion messages."""
    parts = []
    for suffix in (".out", "-errors.log"):
        path = workdir / f"{name}{suffix}"
        if path.exists():
            parts.append(path.read_text(errors="replace")[-2000:])
    return "\n".join(parts)


def env_without_proxy() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        env.pop(key, None)
    return env


def request(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """One JSON request to kefu on 127.0.0.1:``port`` with a bearer token: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    try:
        return response.status, json.loads(raw) if raw else {}
    except ValueError:
        return response.status, {"raw": raw[:200].decode(errors="replace")}


# The routing set-up, run with `kefu shell -c` before kefu starts (the router builds its state from the
# database on start). LAYOUT: hotline, max_wait, groups [{code, name, city?}], agents [{job, city?,
# group}], subscribers {number: customer level}. Prints the administrator's token (Kamailio's) and a
# desk session per agent (their event streams).
SETUP = """
import json
from django.test import Client
from rest_framework.authtoken.models import Token
from kefu.core.models import City, Province
from kefu.core.services import staff_create
from kefu.routing.models import AgentGroup, RoutingQueue, Seat
from tests.factories import SubscriberFactory

layout = json.loads('''LAYOUT''')
js = Province.objects.get(code="JS")


def with_fields(model, values):
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def city(code):
    return City.objects.get(code=code) if code else None


admin = staff_create(actor=None, job_number="sipadmin", password="sip-password-1", role="administrator",
                     name="话务平台", province_code="JS", city_code=None, sp_code="")
groups = {g["code"]: AgentGroup.objects.create(code=g["code"], name=g["name"], province=js,
                                               city=city(g.get("city"))) for g in layout["groups"]}
RoutingQueue.objects.create(**with_fields(RoutingQueue, dict(
    code="SIP-" + layout["hotline"], name="SIP 热线", province=js, hotline=layout["hotline"], skill="",
    min_level=1, tiers=[{"groups": "@home", "wait": 0}, {"groups": "@public", "wait": 0}],
    strategy="longest_idle", priority="strict", level_bonus={}, wrapup_seconds=0, max_no_answer=3,
    max_length=1000, max_wait=layout["max_wait"], fallback="voicemail", answer_threshold=15,
    short_abandon=5)))
sessions = {}
for agent in layout["agents"]:
    job = agent["job"]
    staff = staff_create(actor=None, job_number=job, password="sip-password-1", role="hotline_agent",
                         name="坐席" + job, province_code="JS", city_code=agent.get("city"), sp_code="")
    seat = Seat.objects.create(**with_fields(Seat, dict(staff=staff, skills={},
                                                        contact="sip:" + job + "@127.0.0.1")))
    seat.groups.set([groups[agent["group"]]])
    client = Client()
    client.force_login(staff)
    sessions[job] = client.cookies["sessionid"].value
for number, level in layout["subscribers"].items():
    SubscriberFactory(number=number, home="3201", level=level)
print("SETUP=" + json.dumps({"token": Token.objects.create(user=admin).key, "sessions": sessions}))
"""


class Kefu:
    """kefu's router and one web process on a scratch migrated database (PostgreSQL when
    KEFU_DATABASE_URL names one, else SQLite in ``tmp``), set up with ``layout`` (see SETUP)."""

    def __init__(self, tmp: Path, layout: dict, *, workers: int = 1) -> None:
        self.tmp, self.layout, self.workers = tmp, layout, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env_without_proxy(), KEFU_DATA_DIR=str(tmp), KEFU_LOG_LEVEL="WARNING")
        self.env["KEFU_ROUTER_URL"] = f"http://127.0.0.1:{free_port()}"
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.processes: list[subprocess.Popen] = []
        self.drop = None
        self.token = ""
        self.sessions: dict[str, str] = {}

    def start(self) -> Kefu:
        from tests.federation.nodes import migrated_database

        database_url = os.environ.get("KEFU_DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            name = f"kefu_sip_{uuid.uuid4().hex[:10]}"
            self.env["KEFU_DATABASE_URL"] = migrated_database(self.tmp, self.tmp, name)

            def drop():
                admin_url = urllib.parse.urlparse(self.env["KEFU_DATABASE_URL"])._replace(path="/postgres")
                with psycopg.connect(admin_url.geturl(), autocommit=True) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

            self.drop = drop
        else:
            self.env.pop("KEFU_DATABASE_URL", None)
            migrated_database(self.tmp, self.tmp, "")
        setup = subprocess.run(
            [*KEFU, "shell", "-c", SETUP.replace("LAYOUT", json.dumps(self.layout))],
            env=self.env, capture_output=True, text=True, timeout=600, cwd=ROOT,
        )  # fmt: skip
        assert setup.returncode == 0, f"the routing set-up failed:\n{setup.stderr[-3000:]}"
        values = json.loads(next(line[6:] for line in setup.stdout.splitlines() if line.startswith("SETUP=")))
        self.token, self.sessions = values["token"], values["sessions"]
        serve = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        for command in (["router"], serve):
            log = open(self.tmp / f"kefu-{command[0]}.log", "wb")  # noqa: SIM115 - lives with the process
            self.processes.append(
                subprocess.Popen(
                    [*KEFU, *command], env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
                )
            )
        deadline = time.monotonic() + 120
        while not self._healthy():
            assert time.monotonic() < deadline, "kefu serve did not come up in 120 s"
            time.sleep(0.2)
        return self

    def _healthy(self) -> bool:
        for process in self.processes:
            assert process.poll() is None, f"a kefu process stopped: {process.args}"
        try:
            return self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return request(self.port, self.token, method, path, body)

    def call(self, call_id: str) -> dict:
        status, body = self.request("GET", f"/api/v1/routing/calls/{urllib.parse.quote(call_id, safe='')}")
        return body if status == 200 else {"status": status, **body}

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.drop is not None:
            self.drop()
