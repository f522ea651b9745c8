"""``kefu demo --federation``: a hub, two provinces (JS, ZJ), SIMS and a platform on one machine.

Each node is a set of processes with its own ``KEFU_DATA_DIR`` (so its own SQLite database, broker
file and secret key), its own port and its own peers file; the peers are wired as the seeds draw it:
provinces, SIMS and the platform each talk to the hub only, the hub to all of them (ORG-2, ORG-3).
Every node runs its web server and its delivery worker; province nodes also run the Celery worker.
Keys are made once and kept in the peers files, so a restart keeps the links.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# code, role, port offset, staff job numbers created on the node (from kefu.core.demo.DEMO_STAFF)
NODES = [
    (
        "JS",
        "province",
        0,
        ["admin", "js-admin", "js1001", "js1002", "js1003", "js1004", "js1005", "js1006", "js1007"],
    ),
    (
        "ZJ",
        "province",
        1,
        ["admin", "zj-admin", "zj1001", "zj1002", "zj1003", "zj1004", "zj1005", "zj1006", "zj1007"],
    ),
    ("HUB", "hub", 2, ["admin", "hub01"]),
    ("SIMS", "sims", 3, ["admin", "sp01"]),
    ("PLAT", "platform", 4, ["admin", "plat01"]),
]
KEFU = [sys.executable, "-m", "kefu.cli"]


@dataclass
class DemoNode:
    code: str
    role: str
    port: int
    home: Path
    staff: list[str]
    host: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_") or k == "KEFU_DEBUG"}
        env.update(
            KEFU_ROLE=self.role,
            KEFU_NODE_CODE=self.code,
            KEFU_DATA_DIR=str(self.home),
            KEFU_PEERS_FILE=str(self.home / "peers.toml"),
            DJANGO_SETTINGS_MODULE="kefu.settings",
        )
        return env


def _links(code: str) -> list[str]:
    """Who a node talks to: the hub to everyone, everyone else to the hub only."""
    if code == "HUB":
        return [c for c, *_ in NODES if c != "HUB"]
    return ["HUB"]


def _write_peers(nodes: dict[str, DemoNode]) -> None:
    keys: dict[frozenset, str] = {}
    for node in nodes.values():  # keep the keys of an earlier run
        path = node.home / "peers.toml"
        if path.exists():
            import tomllib

            for other, entry in tomllib.loads(path.read_text()).get("peers", {}).items():
                keys.setdefault(frozenset((node.code, other)), entry.get("key", ""))
    for node in nodes.values():
        lines = [f"# peers of demo node {node.code} ({node.role}); written by `kefu demo --federation`", ""]
        for other in _links(node.code):
            pair = frozenset((node.code, other))
            if not keys.get(pair):
                keys[pair] = secrets.token_urlsafe(32)
            lines += [
                f"[peers.{other}]",
                f'role = "{nodes[other].role}"',
                f'url = "{nodes[other].url}"',
                f'key = "{keys[pair]}"',
                "",
            ]
        path = node.home / "peers.toml"
        path.write_text("\n".join(lines))
        path.chmod(0o600)


def _wait_ready(node: DemoNode, procs: list[subprocess.Popen], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit(f"node {node.code} did not start; see {node.home}/*.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{node.port}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"node {node.code} did not answer in time; see {node.home}/*.log")


def _migrate_once(base: Path, nodes: dict[str, DemoNode]) -> None:
    """Every role has the same schema: migrate one SQLite file and copy it to each node that has none
    yet, instead of five migrations side by side on the same cores."""
    fresh = [node for node in nodes.values() if not (node.home / "kefu.sqlite3").exists()]
    if len(fresh) < 2:
        return
    template = base / "template"
    template.mkdir(parents=True, exist_ok=True)
    (template / "kefu.sqlite3").unlink(missing_ok=True)
    env = {**fresh[0].env(), "KEFU_DATA_DIR": str(template), "KEFU_NODE_CODE": "TEMPLATE"}
    result = subprocess.run([*KEFU, "migrate", "-v0"], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return  # each node's own setup migrates (and reports what goes wrong there)
    for node in fresh:
        shutil.copyfile(template / "kefu.sqlite3", node.home / "kefu.sqlite3")


def run(*, base: Path, host: str, port: int, subscribers: int, worker: bool, out) -> None:
    """Set up and start every node, print where they are, wait for Ctrl-C, stop them all."""
    nodes = {
        code: DemoNode(code, role, port + offset, base / code.lower(), staff, host)
        for code, role, offset, staff in NODES
    }
    for node in nodes.values():
        node.home.mkdir(parents=True, exist_ok=True)
    _write_peers(nodes)
    _migrate_once(base, nodes)
    setups = {}
    for node in nodes.values():  # migrate and seed the nodes side by side
        args = [*KEFU, "federation", "demo-setup", "--staff", ",".join(node.staff)]
        if node.role == "province":
            args += ["--province", node.code, "--subscribers", str(subscribers)]
        log = open(node.home / "setup.log", "wb")  # noqa: SIM115 - closed with the process
        setups[node.code] = subprocess.Popen(args, env=node.env(), stdout=log, stderr=subprocess.STDOUT)
    for code, proc in setups.items():
        if proc.wait() != 0:
            raise SystemExit(f"setting up node {code} failed; see {nodes[code].home}/setup.log")
    extras = []  # one more step per node, side by side (each node has its own database)
    for node in nodes.values():
        step = {
            "province": ["spquality", "seed"],  # SP-2: last month's SP figures, a file to report
            "sims": ["sims", "demo-setup"],  # WO-3/SP-1: the demo SPs (sp01 works for SP901234)
            "hub": ["national", "demo-setup"],  # ORG-2: national knowledge, delivered once workers run
        }.get(node.role)
        if step:
            extras.append(
                subprocess.Popen(
                    [*KEFU, *step], env=node.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
    for proc in extras:
        proc.wait()
    out.write("every node's database is ready")

    procs: list[subprocess.Popen] = []

    def spawn(node: DemoNode, name: str, args: list[str]) -> subprocess.Popen:
        log = open(node.home / f"{name}.log", "ab")  # noqa: SIM115 - kept open while the demo runs
        proc = subprocess.Popen(
            [*KEFU, *args], env=node.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        procs.append(proc)
        return proc

    def stop(*_signal, code: int = 0):
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(code)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    failure = None
    try:
        started = []  # every node's processes start side by side, then each is waited for
        for node in nodes.values():
            serve = spawn(
                node, "serve", ["serve", "--host", host, "--port", str(node.port), "--workers", "1"]
            )
            deliver = spawn(node, "deliver", ["federation", "deliver"])
            if worker and node.role == "province":
                spawn(node, "worker", ["worker", "--concurrency", "1", "--loglevel", "WARNING"])
            started.append((node, [serve, deliver]))
        for node, node_procs in started:
            _wait_ready(node, node_procs)
        # prove the wiring: every node echoes through the hub's links
        hub = nodes["HUB"]
        ping = subprocess.run(
            [*KEFU, "federation", "ping", "--all"], env=hub.env(), capture_output=True, text=True, timeout=60
        )
        from kefu.core.demo import DEMO_PASSWORD, DEMO_STAFF

        names = {job: (role, name) for job, role, _p, _c, name in DEMO_STAFF}
        out.write("\nkefu federation demo is running:")
        for node in nodes.values():
            logins = ", ".join(node.staff)
            out.write(f"  {node.code:<5} {node.role:<9} {node.url}/   logins: {logins}")
        out.write(f"Password for every demo login: {DEMO_PASSWORD}")
        out.write(
            f"Hub operator: hub01 ({names['hub01'][1]}) at {hub.url}/   SP staff: sp01 at {nodes['SIMS'].url}/"
        )
        out.write(
            f"Cross-level complaints (WO-3): on {nodes['JS'].url}/workorders/ accept a complaint (js1001), then "
            f"{nodes['JS'].url}/crosslevel/<number>/ sends it to the hub for SIMS with SP901234 (js1004); "
            f"hub desk {hub.url}/orders/ (hub01); SP desk {nodes['SIMS'].url}/sp/orders/ (sp01)"
        )
        out.write(
            f"Own-platform complaints (ORG-3): a complaint about WLAN, 彩云, 手机游戏, … sent with target PLATFORM "
            f"goes to the platform's desk {nodes['PLAT'].url}/orders/ (plat01)"
        )
        out.write(
            f"Capability queries and remote service: {nodes['JS'].url}/capability/ (js1001); "
            f"SP quality files: {nodes['JS'].url}/spquality/ (js1006), hub {hub.url}/spquality/"
        )
        out.write("Links checked from the hub:")
        for line in (ping.stdout + ping.stderr).strip().splitlines():
            out.write(f"  {line}")
        out.write(f"Data and logs: {base}   status: KEFU_DATA_DIR={base}/<node> kefu federation status")
        out.write("Press Ctrl-C to stop every node.")
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        out.write("a demo process stopped; stopping the rest")
    except SystemExit as exc:  # Ctrl-C (code 0), or a node that did not start (its message)
        failure = exc.code
        raise
    finally:
        if failure not in (None, 0):
            out.write(str(failure))  # say which node failed before stopping the others
        stop(code=0 if failure in (None, 0) else 1)
