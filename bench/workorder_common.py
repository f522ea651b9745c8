"""Shared helpers of the work-order benchmarks: a fresh PostgreSQL database, migrated; a served kefu
(``kefu serve``); staff with bearer tokens. Not a benchmark itself."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]

SETUP = r"""
import json
from rest_framework.authtoken.models import Token
from kefu.catalog.models import CategoryNode, ResponsibilityCause
from kefu.core.models import City, Province, Staff
from kefu.customers.models import Account, Customer, Subscriber

def staff(job, role, city=None):
    s = Staff.objects.filter(job_number=job).first()
    if s is None:
        s = Staff.objects.create_user(job, "bench-password-1", name=job, role=role,
            province=Province.objects.get(code="JS"), city=City.objects.get(code=city) if city else None)
    return Token.objects.get_or_create(user=s)[0].key

tokens = {"agent": staff("BA001", "hotline_agent"), "back": staff("BB001", "back_office"),
          "city": staff("BC001", "city_handler", "3201")}
city = City.objects.get(code="3201")
numbers = []
for i in range(SUBSCRIBERS):
    number = f"1391201{i:04d}"
    sub = Subscriber.objects.filter(number=number).first()
    if sub is None:
        c = Customer.objects.create(name="压测客户", customer_type="individual", id_type="resident_id",
            id_number=f"3201011990{i:08d}", province=city.province, city=city)
        a = Account.objects.create(customer=c, pay_method="prepaid")
        sub = Subscriber.objects.create(number=number, customer=c, account=a, brand="gotone", network_type="4g",
            home_province=city.province, home_city=city, service_password="x")
    numbers.append(sub.number)
category = CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2).order_by("id").first()
cause = ResponsibilityCause.objects.filter(parent__isnull=False, active=True).order_by("id").first()
print("SETUP" + json.dumps({"tokens": tokens, "numbers": numbers, "category": category.id,
      "cause": cause.code, "department": "RESP-NETWORK"}))
"""


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kefu_env(url: str, data_dir: str) -> dict:
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KEFU_DATABASE_URL": url,
        "KEFU_DATA_DIR": str(ROOT / "var" / data_dir),
    }


def migrate_and_setup(env: dict, subscribers: int) -> dict:
    subprocess.run([*KEFU, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    out = subprocess.run(
        [*KEFU, "shell", "-c", f"SUBSCRIBERS = {subscribers}\n" + SETUP],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("SETUP"))
    return json.loads(line[5:])


def serve(env: dict, *, port: int, workers: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [*KEFU, "serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return wait_healthy(process, port, "kefu serve")


def wait_healthy(process: subprocess.Popen, port: int, what: str) -> subprocess.Popen:
    """Wait until ``GET /healthz`` on ``port`` answers 200; stop the process and exit if it never does."""
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{what} did not come up")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


class Client:
    """A keep-alive JSON client with a bearer token."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                data = response.read()
                return response.status, (json.loads(data) if data else {})
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # the server closed an idle keep-alive connection: reconnect (the Idempotency-Key on
                # creation makes the retry safe)
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")
