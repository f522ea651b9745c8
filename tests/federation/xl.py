"""Helpers of the cross-level tests and benches: a federation of HUB, JS, ZJ and SIMS with staff and
SPs, an API client per node and member of staff, and the steps of the 22-step flow (WO-3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.federation.nodes import Federation, Node, drop_databases, start_federation
from tests.waits import wait_for

PASSWORD = "kefu-demo"
SPEC = {"HUB": "hub", "JS": "province", "ZJ": "province", "SIMS": "sims"}
STAFF = {"JS": "js1001,js1004,js1006", "ZJ": "zj1004,zj1005", "HUB": "hub01", "SIMS": "sp01,admin"}
SP = "SP901234"


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


@dataclass
class Api:
    node: Node
    job_number: str
    token: str = ""
    timeout: float = 15

    def _call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.node.url + path, data=data, method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": f"Bearer {self.token}"} if self.token else {}), **(headers or {})},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            with exc:
                raw = exc.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"raw": raw[:300].decode(errors="replace")}
            raise ApiError(exc.code, payload) from None

    def login(self) -> Api:
        self.token = self._call("POST", "/api/v1/auth/token", {"job_number": self.job_number,
                                                               "password": PASSWORD})["token"]  # fmt: skip
        return self

    def get(self, path: str):
        return self._call("GET", path)

    def post(self, path: str, body: dict | None = None, headers: dict | None = None):
        return self._call("POST", path, body or {}, headers)


def setup_nodes(fed: Federation) -> None:
    """Staff on every node (demo job numbers), the demo SPs on SIMS."""
    for code, staff in STAFF.items():
        fed[code].kefu("federation", "demo-setup", "--staff", staff)
    fed["SIMS"].kefu("sims", "demo-setup")


def start(base: Path) -> Federation:
    fed = start_federation(base, SPEC, prefix="xl", start=False)
    try:
        setup_nodes(fed)
        for node in fed.nodes.values():
            node.start()
    except BaseException:
        fed.stop()
        drop_databases(fed)
        raise
    return fed


def kill(node: Node) -> None:
    """SIGKILL every process of the node (web server and delivery worker): a crash, not a shutdown."""
    for proc in node.procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for proc in node.procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    node.procs.clear()


@dataclass
class Desks:
    """Logged-in API clients: JS agent, JS back office, JS supervisor, ZJ back office, hub operator,
    SP staff."""

    fed: Federation
    agent: Api = field(init=False)
    back: Api = field(init=False)
    supervisor: Api = field(init=False)
    zj_back: Api = field(init=False)
    hub: Api = field(init=False)
    sp: Api = field(init=False)
    sims_admin: Api = field(init=False)
    category: int = field(init=False)

    def __post_init__(self):
        f = self.fed
        self.agent = Api(f["JS"], "js1001").login()
        self.back = Api(f["JS"], "js1004").login()
        self.supervisor = Api(f["JS"], "js1006").login()
        self.zj_back = Api(f["ZJ"], "zj1004").login()
        self.hub = Api(f["HUB"], "hub01").login()
        self.sp = Api(f["SIMS"], "sp01").login()
        self.sims_admin = Api(f["SIMS"], "admin").login()
        found = self.agent.get("/api/v1/request-categories?code=monternet_sms-0001")
        self.category = found.get("results", found)[0]["id"]

    # --- the steps -------------------------------------------------------------------------------
    def accept(self, title: str = "梦网短信乱扣费", key: str = "") -> str:
        """Step 1 (投诉受理): the agent accepts a complaint on JS."""
        body = {"kind": "complaint", "category": self.category, "title": title,
                "description": "用户反映被订购梦网短信业务并扣费", "contact_number": "13951700001"}  # fmt: skip
        return self.agent.post("/api/v1/work-orders", body, {"Idempotency-Key": key} if key else None)[
            "number"
        ]

    def send(self, number: str, target: str = "SIMS", sp_code: str = SP, comment: str = "请SP核实") -> dict:
        """Step 2 (派发): JS back office sends the order to the hub."""
        return self.back.post(f"/api/v1/crosslevel/{number}/send",
                              {"target": target, "sp_code": sp_code, "comment": comment})  # fmt: skip

    def js_state(self, number: str) -> str:
        return self.back.get(f"/api/v1/work-orders/{number}")["state"]

    def hub_order(self, number: str) -> dict | None:
        try:
            return self.hub.get(f"/api/v1/hub-orders/{number}")
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def sp_order(self, number: str) -> dict | None:
        try:
            return self.sims_admin.get(f"/api/v1/sp-orders/{number}")
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def wait_state(self, number: str, *, js=None, hub=None, sims=None, timeout: float = 60) -> None:
        """Poll until the order is in the given state on each named node."""

        def ok():
            if js is not None and self.js_state(number) != js:
                return False
            if hub is not None and (self.hub_order(number) or {}).get("state") != hub:
                return False
            if sims is not None and (self.sp_order(number) or {}).get("state") != sims:
                return False
            return True

        wait_for(ok, timeout=timeout, message=f"{number}: JS={js} HUB={hub} SIMS={sims}")

    def sp_act(self, number: str, action: str, comment: str = "") -> dict:
        return self.sp.post(f"/api/v1/sp-orders/{number}/{action}", {"comment": comment})

    def js_act(self, number: str, action: str, body: dict | None = None, api: Api | None = None) -> dict:
        return (api or self.back).post(f"/api/v1/work-orders/{number}/{action}", body or {})

    def archive(self, number: str) -> dict:
        return self.js_act(number, "archive", {"responsibility_cause": "PTN-SP-UNSOLICITED",
                                              "responsible_department": "RESP-PARTNER"})  # fmt: skip


def quiet(fed: Federation, *, timeout: float = 120) -> None:
    """Wait until no node has anything pending, held or dead-lettered."""

    def empty():
        for node in fed.nodes.values():
            for peer in node.status().values():
                if peer["pending"] or peer["held"]:
                    return False
        return True

    wait_for(empty, timeout=timeout, interval=0.5, message="empty queues on every node")
