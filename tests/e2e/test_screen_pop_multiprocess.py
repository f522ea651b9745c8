"""VIEW-1 across processes: an agent's event stream held by one web process receives the screen pop of a
call answered through another process — with the embedded bus (a table in the shared database) and
with Redis. Two real `kefu serve` processes share one database: a SQLite file in a temporary data
directory, or, when KEFU_DATABASE_URL points at PostgreSQL, a scratch database this test creates (both
copies of the migrated template the node tests share)."""

from __future__ import annotations

import functools
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.federation.nodes import migrated_database
from tests.waits import wait_for

pytestmark = pytest.mark.nodes

KEFU = [sys.executable, "-m", "kefu.cli"]
SETUP = """
from django.test import Client
from rest_framework.authtoken.models import Token
from kefu.core.services import staff_create
staff = staff_create(actor=None, job_number="mp1001", password="mp-password-1", role="hotline_agent",
                     name="多进程", province_code="JS", city_code=None, sp_code="")
client = Client()
client.force_login(staff)
print("SESSION=" + client.cookies["sessionid"].value)
print("TOKEN=" + Token.objects.create(user=staff).key)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch_postgres(tmp_path: Path):
    """A migrated scratch database next to the one KEFU_DATABASE_URL names; answer its URL and a dropper."""
    name = f"kefu_mp_{uuid.uuid4().hex[:10]}"
    url = migrated_database(tmp_path, tmp_path, name)

    def drop():
        with psycopg.connect(
            urllib.parse.urlparse(url)._replace(path="/postgres").geturl(), autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def _healthy(port: int, process: subprocess.Popen) -> bool:
    assert process.poll() is None, "a web process stopped while starting"
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _listen(port: int, session: str, events: queue.Queue, opened: threading.Event) -> None:
    """Hold the agent's SSE stream on one process; put (event name, data, arrival time) on ``events``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/telephony/events", headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    assert response.status == 200
    # The stream subscribes to the bus before it sends its first line ("retry: …"): once that line is
    # here, whatever is published reaches this stream. (The raw stream also holds chunk-size lines.)
    for line in iter(response.fp.readline, b""):
        if line.startswith(b"retry: "):
            break
    else:
        return  # the stream ended before its first line: ``opened`` stays unset
    opened.set()
    name = None
    while True:
        line = response.fp.readline()
        if not line:
            return
        text = line.decode().rstrip("\n")
        if text.startswith("event: "):
            name = text[7:]
        elif text.startswith("data: ") and name:
            events.put((name, json.loads(text[6:]), time.monotonic()))
            name = None


@pytest.mark.parametrize("bus", ["db", "redis://127.0.0.1:6379/14"], ids=["embedded-bus", "redis-bus"])
def test_screen_pop_reaches_the_agent_on_another_process(tmp_path: Path, bus: str):
    """VIEW-1: the answer posted to process B pops the view on the stream held by process A within 1 s."""
    env = dict(os.environ, KEFU_DATA_DIR=str(tmp_path), KEFU_BUS_URL=bus, KEFU_LOG_LEVEL="WARNING")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    drop = None
    database_url = os.environ.get("KEFU_DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["KEFU_DATABASE_URL"], drop = _scratch_postgres(tmp_path)
    else:  # the embedded default: one SQLite file in tmp_path, a copy of the migrated template
        env.pop("KEFU_DATABASE_URL", None)
        migrated_database(tmp_path, tmp_path, "")
    servers = []
    try:
        setup = subprocess.run(
            [*KEFU, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True, timeout=120
        )
        values = dict(line.split("=", 1) for line in setup.stdout.splitlines() if "=" in line)
        ports = [_free_port(), _free_port()]
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [*KEFU, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port, server in zip(ports, servers, strict=True):
            wait_for(
                functools.partial(_healthy, port, server), 60, f"the web process on port {port} to come up"
            )

        events: queue.Queue = queue.Queue()
        opened = threading.Event()
        threading.Thread(
            target=_listen, args=(ports[0], values["SESSION"], events, opened), daemon=True
        ).start()
        assert opened.wait(10), "the event stream did not open (or sent no first line)"

        connection = http.client.HTTPConnection("127.0.0.1", ports[1], timeout=30)
        body = {"call_id": "MP-1", "calling_number": "13900000000", "agent_job_number": "mp1001"}
        headers = {"Authorization": f"Bearer {values['TOKEN']}", "Content-Type": "application/json"}
        for event in ("ring", "answer"):
            connection.request("POST", "/api/v1/cti/events", json.dumps(body | {"event": event}), headers)
            response = connection.getresponse()
            payload = json.loads(response.read())
            assert response.status == 200, payload
        answered_at = time.monotonic()

        popped = None
        deadline = answered_at + 1.0
        while popped is None:
            try:
                name, data, arrived = events.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if name == "screen_pop":
                popped = (data, arrived)
        assert popped is not None, "no screen_pop on process A within one second of the answer on process B"
        data, arrived = popped
        assert data["call_id"] == "MP-1"
        assert data["number"] == "13900000000"
        assert data["contact_id"] == payload["contact_id"]
        assert arrived - answered_at <= 1.0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if drop is not None:
            drop()
