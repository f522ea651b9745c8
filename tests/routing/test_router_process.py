"""One decision per call across processes (issue 14 item 1, ADR 0008): a real ``kefu router`` with a
standby, two real web processes sending it commands, calls offered concurrently through both; then
the router is killed and the standby takes over with every queued call in its place.

Runs in the process stage (marker ``nodes``) on PostgreSQL — the advisory lock — or, without it, on a
SQLite file (the lock file). The processes are started once for the module."""

from __future__ import annotations

import functools
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.federation.nodes import migrated_database, postgres_url
from tests.waits import wait_for

pytestmark = pytest.mark.nodes

KEFU = [sys.executable, "-m", "kefu.cli"]
AGENTS = 12
CALLS = 40
SETUP = f"""
from rest_framework.authtoken.models import Token
from kefu.core.models import AgentGroup, Province
from kefu.core.services import staff_create
from kefu.routing.models import RoutingQueue, Seat
js = Province.objects.get(code="JS")
RoutingQueue.objects.create(code="JS-10086", name="江苏10086", province=js, hotline="10086",
                            tiers=[{{"groups": "@public", "wait": 0}}], wrapup_seconds=600)
public = AgentGroup.objects.get(code="GRP-JS-PUBLIC")
for n in range({AGENTS}):
    staff = staff_create(actor=None, job_number=f"rp{{n:03d}}", password="rp-password-1", role="hotline_agent",
                         name="路由", province_code="JS", city_code=None, sp_code="")
    seat = Seat.objects.create(staff=staff, contact=f"sip:rp{{n:03d}}@127.0.0.1:5070")
    seat.groups.set([public])
admin = staff_create(actor=None, job_number="rp-admin", password="rp-password-1", role="administrator",
                     name="管理", province_code="JS", city_code=None, sp_code="")
print("TOKEN=" + Token.objects.create(user=admin).key)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, token: str, body: dict | None = None, timeout: float = 30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def _up(port: int, process: subprocess.Popen) -> bool:
    assert process.poll() is None, f"the process for port {port} stopped while starting"
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


class Deployment:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.env = dict(os.environ, KEFU_DATA_DIR=str(base), KEFU_BUS_URL="db", KEFU_LOG_LEVEL="WARNING")
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.database = None
        if postgres_url():
            self.database = f"kefu_router_{uuid.uuid4().hex[:8]}"
            self.env["KEFU_DATABASE_URL"] = migrated_database(base, base, self.database)
        else:
            self.env.pop("KEFU_DATABASE_URL", None)
            migrated_database(base, base, "")
        self.router_port = _free_port()
        self.env["KEFU_ROUTER_URL"] = f"http://127.0.0.1:{self.router_port}"
        self.processes: list[subprocess.Popen] = []
        setup = subprocess.run(
            [*KEFU, "shell", "-c", SETUP],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )
        self.token = dict(line.split("=", 1) for line in setup.stdout.splitlines() if "=" in line)["TOKEN"]

    def start_router(self, name: str) -> subprocess.Popen:
        log = open(self.base / f"{name}.log", "w")  # noqa: SIM115 - the process writes it until the end
        process = subprocess.Popen([*KEFU, "router"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start_web(self) -> int:
        port = _free_port()
        process = subprocess.Popen(
            [*KEFU, "serve", "--port", str(port), "--workers", "1"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        wait_for(functools.partial(_up, port, process), 90, f"the web process on port {port}")
        return port

    def log(self, name: str) -> str:
        return (self.base / f"{name}.log").read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.database:
            import psycopg

            url = urllib.parse.urlparse(postgres_url())._replace(path="/postgres").geturl()
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    d = Deployment(tmp_path_factory.mktemp("router"))
    try:
        d.primary = d.start_router("primary")
        wait_for(functools.partial(_up, d.router_port, d.primary), 90, "the router")
        d.standby = d.start_router("standby")
        wait_for(lambda: "standby" in d.log("standby"), 60, "the second router to wait as a standby")
        d.web = [d.start_web(), d.start_web()]
        yield d
    finally:
        d.stop()


def test_calls_offered_through_two_web_processes_get_one_decision_each(deployment):
    """Issue 14 item 1: several web processes agree on one decision per call — every call answered
    once, no agent offered two calls, the rest queued in distinct places — because one router
    decides (the second router waits as a standby)."""
    d = deployment
    for n in range(AGENTS):
        port = d.web[n % 2]
        status, body = _request(
            port, "POST", f"/api/v1/routing/agents/rp{n:03d}/state", d.token, {"state": "ready"}
        )
        assert status == 200 and body["state"] == "ready", body

    def offer(n: int):
        return _request(
            d.web[n % 2],
            "POST",
            "/api/v1/routing/calls",
            d.token,
            {"call_id": f"mp-{n}", "calling_number": f"1390000{n:04d}", "called_number": "10086"},
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(offer, range(CALLS)))
    assert all(status == 201 for status, _ in answers), answers
    offered = [body for _, body in answers if body["state"] == "offered"]
    queued = [body for _, body in answers if body["state"] == "queued"]
    assert len(offered) == AGENTS and len(queued) == CALLS - AGENTS
    assert len({b["agent"] for b in offered}) == AGENTS  # no agent got two calls
    # the same id again, through the other process: refused
    status, body = _request(
        d.web[1], "POST", "/api/v1/routing/calls", d.token,
        {"call_id": "mp-0", "calling_number": "13900000000", "called_number": "10086"},
    )  # fmt: skip
    assert status == 409 and body["code"] == "call_exists"
    # what each process reads is the one router's state
    positions = [_request(d.web[n % 2], "GET", f"/api/v1/routing/calls/{b['call_id']}", d.token)[1]["position"]
                 for n, b in enumerate(queued)]  # fmt: skip
    assert sorted(positions) == list(range(1, len(queued) + 1))


def test_a_killed_router_is_replaced_by_the_standby_with_every_queued_call(deployment):
    """Done-when: a router restart loses no queued call — the primary is killed, the standby takes
    the lock, rebuilds from the database, and every queued call keeps its position; a call waiting on
    the long poll is offered when an agent frees up."""
    d = deployment

    def queue_now() -> dict[str, int]:
        result = {}
        for n in range(CALLS):
            status, body = _request(d.web[n % 2], "GET", f"/api/v1/routing/calls/mp-{n}", d.token)
            assert status == 200, body
            if body["state"] == "queued":
                result[body["call_id"]] = body["position"]
        return result

    before = queue_now()
    assert len(before) == CALLS - AGENTS
    d.primary.send_signal(signal.SIGKILL)
    d.primary.wait(timeout=30)
    wait_for(functools.partial(_up, d.router_port, d.standby), 90, "the standby to take over")
    assert "restored" in d.log("standby")
    assert queue_now() == before

    # an agent ends the call in progress: the head of the queue is offered to them
    head = min(before, key=before.get)
    talking = _request(d.web[0], "GET", "/api/v1/routing/calls/mp-0", d.token)[1]
    agent = talking["agent"]
    for event in ("ring", "answer", "hangup"):
        status, body = _request(
            d.web[0], "POST", "/api/v1/cti/events", d.token,
            {"event": event, "call_id": "mp-0", "calling_number": "13900000000", "agent_job_number": agent},
        )  # fmt: skip
        assert status == 200, body
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(
            _request, d.web[1], "GET", f"/api/v1/routing/calls/{head}?wait=60", d.token, None, 90
        )
        status, body = _request(d.web[0], "POST", f"/api/v1/routing/agents/{agent}/wrapup-end", d.token)
        assert status == 200, body
        status, body = waiting.result()
    assert status == 200 and body["state"] == "offered" and body["agent"] == agent
