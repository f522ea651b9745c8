"""A harness that runs real kefu nodes as processes: each with its own database, web server
(`kefu serve --workers 1`) and delivery worker (`kefu federation deliver`), wired by a peers file.

SQLite locally (one file per node under KEFU_DATA_DIR, default var/fed); separate PostgreSQL databases
(kefu_fed_<run>_<code>) when KEFU_DATABASE_URL is PostgreSQL. The schema is migrated once per test
process into a template that every federation of the process copies per node: a node's database is
migrated before the node first starts, so starting (and restarting) it only serves.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from kefu.federation.envelope import encode, envelope, sign
from tests.waits import wait_for

ROOT = Path(__file__).resolve().parents[2]
KEFU = [sys.executable, "-m", "kefu.cli"]
VALUE_MARK = "KEFU-VALUE "
# Short back-off so that "a peer down for minutes" runs in seconds; no assertion depends on time.
FAST = {
    "KEFU_FEDERATION_POLL": "0.2",
    "KEFU_FEDERATION_RETRY_BASE": "0.2",
    "KEFU_FEDERATION_RETRY_MAX": "1",
    "KEFU_FEDERATION_TIMEOUT": "5",
    "KEFU_LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str | None:
    url = os.environ.get("KEFU_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_admin(url: str, *statements: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@dataclass
class Node:
    code: str
    role: str
    port: int
    home: Path
    database_url: str
    peers_file: Path
    extra_env: dict = field(default_factory=dict)
    procs: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
        env.update(FAST)
        env.update(
            KEFU_ROLE=self.role,
            KEFU_NODE_CODE=self.code,
            KEFU_DATA_DIR=str(self.home),
            KEFU_DATABASE_URL=self.database_url,
            KEFU_PEERS_FILE=str(self.peers_file),
            KEFU_SECRET_KEY=f"test-{self.code}-" + "x" * 40,
            DJANGO_SETTINGS_MODULE="kefu.settings",
        )
        env.update(self.extra_env)
        return env

    def kefu(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*KEFU, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kefu {' '.join(args)} on {self.code} failed:\n{result.stderr[-3000:]}")
        return result

    def kefu_json(self, *args: str):
        return json.loads(self.kefu(*args).stdout)

    def shell_value(self, code: str):
        """Run ``code`` in the node's ``kefu shell``; it leaves its answer (JSON-able) in ``value``.
        The answer is written as one marked line in a single write, so the node's own log lines,
        wherever they land in the output, neither hide nor split it."""
        write = f"_sys.stdout.write('\\n{VALUE_MARK}' + _json.dumps(value, default=str) + '\\n')"
        script = f"{code}\nimport json as _json, sys as _sys\n{write}\n_sys.stdout.flush()"
        out = self.kefu("shell", "-c", script).stdout
        found = re.findall("^" + VALUE_MARK + "(.*)$", out, re.M)
        if not found:
            raise AssertionError(f"kefu shell on {self.code} printed no value: {out[-3000:]!r}")
        return json.loads(found[-1])

    def start(self, *, worker: bool = True) -> Node:
        log = open(self.home / "serve.log", "ab")  # noqa: SIM115 - kept open while the node runs
        self.procs.append(
            subprocess.Popen(
                [*KEFU, "serve", "--port", str(self.port), "--workers", "1", "--threads", "4"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
        if worker:
            self.start_worker()
        self.wait_ready()
        return self

    def start_worker(self) -> None:
        log = open(self.home / "worker.log", "ab")  # noqa: SIM115
        self.procs.append(
            subprocess.Popen(
                [*KEFU, "federation", "deliver"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise AssertionError(f"node {self.code} exited:\n{self.logs()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        try:
            wait_for(ready, timeout, f"node {self.code} to answer /readyz")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.logs()}") from None

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()

    def logs(self) -> str:
        text = ""
        for name in ("serve.log", "worker.log"):
            path = self.home / name
            if path.exists():
                text += f"--- {name}\n" + path.read_text(errors="replace")[-3000:]
        return text

    # --- talking to the node as a peer would ---
    def post_raw(self, body: bytes, headers: dict) -> tuple[int, dict, str]:
        request = urllib.request.Request(
            self.url + "/federation/v1/messages",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read()), response.headers["Content-Type"]
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, json.loads(exc.read()), exc.headers["Content-Type"]

    def status(self) -> dict:
        return {p["code"]: p for p in self.kefu_json("federation", "status", "--json")["peers"]}

    def inbox(self, type: str | None = None, limit: int = 200) -> list[dict]:
        args = ["federation", "inbox", "--json", "--limit", str(limit)]
        return self.kefu_json(*args, *(["--type", type] if type else []))


@dataclass
class Federation:
    """Nodes wired to each other; ``keys[(a, b)]`` is the shared key of the pair."""

    nodes: dict[str, Node]
    keys: dict[frozenset, str]
    run: str
    prefix: str = "fed"

    def __getitem__(self, code: str) -> Node:
        return self.nodes[code]

    def key(self, a: str, b: str) -> bytes:
        return self.keys[frozenset((a, b))].encode()

    def signed(
        self,
        *,
        sender: str,
        receiver: str,
        type: str = "ping",
        payload: dict | None = None,
        order: str = "",
        seq: int | None = None,
        id: str | None = None,
        key: bytes | None = None,
        now=None,
        mode: str = "event",
    ) -> tuple[bytes, dict]:
        """A message from ``sender`` to ``receiver``, encoded and signed as the sending node would."""
        body = encode(
            envelope(
                type=type,
                sender=sender,
                receiver=receiver,
                payload=payload or {},
                order=order,
                seq=seq,
                id=id,
                mode=mode,
            ),
            now=now,
        )
        signature = sign(key or self.key(sender, receiver), body)
        return body, {"X-Kefu-Sender": sender, "X-Kefu-Signature": signature}

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()


_templates: dict[str | None, str] = {}  # per test process: database URL (or None: SQLite) -> template


def _template(base: Path, pg: str | None) -> str:
    """A database migrated once per test process, that every node starts from: on PostgreSQL the name
    of a template database (dropped when the process ends), on SQLite the path of a migrated file.
    Migrating is the slow part of a node's start; the federations of one process share it."""
    if pg in _templates:
        return _templates[pg]
    if pg:
        name = f"kefu_template_{os.getpid()}_{secrets.token_hex(3)}"
        _pg_admin(pg, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        url, template = _with_db(pg, name), name
        atexit.register(_pg_admin, pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        home = base / "template"
        home.mkdir(parents=True, exist_ok=True)
        url, template = f"sqlite:///{home / 'kefu.sqlite3'}", str(home / "kefu.sqlite3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.update(
        KEFU_DATA_DIR=str(base / "template"), KEFU_DATABASE_URL=url, KEFU_SECRET_KEY="template-" + "x" * 40
    )
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    _templates[pg] = template
    return template


def migrated_database(base: Path, home: Path, name: str) -> str:
    """The URL of a new, migrated database for one node (a copy of this process's template): on
    PostgreSQL the database ``name`` next to KEFU_DATABASE_URL's, else ``home``/kefu.sqlite3."""
    pg = postgres_url()
    template = _template(base, pg)
    if pg:
        _pg_admin(pg, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return _with_db(pg, name)
    shutil.copy(template, home / "kefu.sqlite3")
    return f"sqlite:///{home / 'kefu.sqlite3'}"


def start_federation(
    base: Path, spec: dict[str, str], *, start: bool = True, prefix: str = "fed"
) -> Federation:
    """Start nodes ``{code: role}`` under ``base``; every pair of nodes shares a fresh key. PostgreSQL
    databases are named ``kefu_<prefix>_<run>_<code>``."""
    run = secrets.token_hex(3)
    codes = list(spec)
    keys = {frozenset((a, b)): secrets.token_urlsafe(24) for a in codes for b in codes if a < b}
    ports = {code: free_port() for code in codes}
    nodes = {}
    for code, role in spec.items():
        home = base / code
        home.mkdir(parents=True, exist_ok=True)
        lines = []
        for other, other_role in spec.items():
            if other != code:
                lines += [
                    f"[peers.{other}]",
                    f'role = "{other_role}"',
                    f'url = "http://127.0.0.1:{ports[other]}"',
                    f'key = "{keys[frozenset((code, other))]}"',
                    "",
                ]
        peers_file = home / "peers.toml"
        peers_file.write_text("\n".join(lines))
        url = migrated_database(base, home, f"kefu_{prefix}_{run}_{code.lower()}")
        nodes[code] = Node(
            code=code, role=role, port=ports[code], home=home, database_url=url, peers_file=peers_file
        )
    federation = Federation(nodes=nodes, keys=keys, run=run, prefix=prefix)
    if start:
        try:
            for node in nodes.values():
                node.start()
        except BaseException:
            federation.stop()
            raise
    return federation


def drop_databases(federation: Federation) -> None:
    pg = postgres_url()
    if not pg:
        return
    prefix = f"kefu_{federation.prefix}_{federation.run}"
    names = [f"{prefix}_{code.lower()}" for code in federation.nodes]
    _pg_admin(pg, *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
