"""Real node processes for the issue-5 flows (CAP, SP-2, SVC-1), on the federation harness.

Data under ``KEFU_DATA_DIR``/cap (default var/cap); each node has its own database. Staff are the demo
logins (``kefu federation demo-setup``), talked to over the real HTTP API with bearer tokens."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from kefu.core.demo import DEMO_PASSWORD
from tests.federation.nodes import Federation, Node, drop_databases, start_federation


def base_dir(tmp_path_factory) -> Path:
    data = Path(os.environ.get("KEFU_DATA_DIR", "var/cap")).resolve()
    # one directory per test process: pytest-xdist workers each number their temp dirs from 0
    base = data / "cap-nodes" / f"{os.getpid()}-{tmp_path_factory.mktemp('cap').name}"
    base.mkdir(parents=True, exist_ok=True)
    return base


def start(tmp_path_factory, spec: dict[str, str], env: dict[str, dict] | None = None) -> Federation:
    """Start nodes ``{code: role}``; ``env[code]`` adds settings of that node before it starts."""
    fed = start_federation(base_dir(tmp_path_factory), spec, start=False)
    try:
        for code, node in fed.nodes.items():
            node.extra_env.update((env or {}).get(code, {}))
            node.start()
    except BaseException:
        stop(fed)
        raise
    return fed


def stop(fed: Federation) -> None:
    fed.stop()
    drop_databases(fed)


def call(
    node: Node, method: str, path: str, *, token: str | None = None, body: dict | None = None, timeout=30
):
    """(status, JSON body) of an HTTP call to ``node``."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(node.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read() or b"null")


def login(node: Node, job_number: str) -> str:
    """Create the demo login ``job_number`` on ``node`` (idempotent) and return a bearer token."""
    node.kefu("federation", "demo-setup", "--staff", job_number)
    status, body = call(
        node, "POST", "/api/v1/auth/token", body={"job_number": job_number, "password": DEMO_PASSWORD}
    )
    assert status == 200, body
    return body["token"]


# The set of nodes the issue-5 capability tests and the own-platform complaint tests (ORG-3) share: one
# start-up per test process (``platform_federation`` in tests/conftest.py), so a second module on the
# same nodes costs no new processes.
PLATFORM_SPEC = {"HUB": "hub", "JS": "province", "PLAT": "platform"}
PLATFORM_ENV = {"JS": {"KEFU_CAPABILITY_TIMEOUT": "3"}}
