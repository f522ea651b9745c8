"""Real SIP calls through Kamailio to kefu's routing (issue 14 item 4): SIPp callers dial the hotline,
Kamailio (deploy/kamailio/kamailio.cfg) asks kefu where each call goes and relays it to the agents'
registered SIPp softphones, holds queued calls with 182 Queued, and reports the call's progress to
kefu's CTI events. Each routing rule is shown by a real call on loopback.

Started once for the module: a migrated scratch database (PostgreSQL when KEFU_DATABASE_URL names one),
``kefu router`` and ``kefu serve`` (KEFU_ROUTER_URL), Kamailio, and two SIPp softphones — the Nanjing
agent (city group) and the public agent (public group) of a JS hotline queue. Callers are Nanjing
subscribers; one is a diamond-level (VIP) customer.
"""

from __future__ import annotations

import http.client
import json
import queue
import subprocess
import threading
from pathlib import Path

import pytest

from tests.sip import harness
from tests.waits import wait_for

pytestmark = pytest.mark.sip

HOTLINE = "10086"
NANJING_AGENT = "sip1001"
PUBLIC_AGENT = "sip2001"
SILENT_AGENT = "sip1002"  # a Nanjing agent whose softphone rings and is never picked up
MAX_WAIT = 10  # the queue's longest wait (s): kefu answers `fallback` past it
CALLERS = {name: f"139510{n:05d}" for n, name in enumerate(
    ["first", "busy1", "overflow", "busy2", "busy3", "queued", "ordinary", "vip", "busy4", "busy5",
     "leaver", "busy6", "busy7", "late", "popped", "unanswered"], start=1)}  # fmt: skip
VIP = "vip"
# kefu's routing set-up for the module: a JS hotline queue (home city group, then the public group),
# the Nanjing group's agents (one answers, one lets it ring), the public agent, and the callers as
# Nanjing subscribers (one a diamond-level customer).
LAYOUT = {
    "hotline": HOTLINE,
    "max_wait": MAX_WAIT,
    "groups": [
        {"code": "SIP-NJ", "name": "南京班组", "city": "3201"},
        {"code": "SIP-PUB", "name": "公共班组"},
    ],
    "agents": [
        {"job": NANJING_AGENT, "city": "3201", "group": "SIP-NJ"},
        {"job": PUBLIC_AGENT, "group": "SIP-PUB"},
        {"job": SILENT_AGENT, "city": "3201", "group": "SIP-NJ"},
    ],
    "subscribers": {number: "diamond" if name == VIP else "ordinary" for name, number in CALLERS.items()},
}


@pytest.fixture(scope="module")
def line(tmp_path_factory):
    """kefu (router + web), Kamailio and the two agents' softphones, registered and ready."""
    missing = harness.tools_missing()
    assert not missing, f"{missing} not installed: `make sip-tools` installs Kamailio and SIPp"
    tmp = tmp_path_factory.mktemp("sip")
    kefu = harness.Kefu(tmp, LAYOUT)
    kamailio = agents = silent = None
    try:
        kefu.start()
        kamailio = harness.Kamailio(
            tmp, kefu.url, kefu.token,
            defines={"HOTLINES": f"^{HOTLINE}$", "RING_TIMEOUT": 5000, "MAX_WAIT": 60, "POLL_WAIT": 10},
        ).start()  # fmt: skip
        agents = harness.Agents(tmp, kamailio.port, [NANJING_AGENT, PUBLIC_AGENT], ring_ms=200).start()
        silent = harness.Agents(
            tmp, kamailio.port, [SILENT_AGENT], "agent_noanswer.xml", name="silent"
        ).start()
        for job in (NANJING_AGENT, PUBLIC_AGENT):
            status, body = kefu.request("POST", f"/api/v1/routing/agents/{job}/state", {"state": "ready"})
            assert status == 200, body
        yield Line(tmp, kefu, kamailio)
    finally:
        for softphones in (agents, silent):
            if softphones is not None:
                softphones.stop()
        if kamailio is not None:
            kamailio.stop()
        kefu.stop()


class Line:
    def __init__(self, tmp: Path, kefu: harness.Kefu, kamailio: harness.Kamailio) -> None:
        self.tmp, self.kefu, self.kamailio = tmp, kefu, kamailio

    def dial(self, caller: str, *, hold_ms: int = 500, scenario: str = "caller.xml") -> subprocess.Popen:
        """A SIPp caller (the subscriber ``CALLERS[caller]``) dials the hotline in the background."""
        csv = harness.callers_csv(self.tmp, caller, [CALLERS[caller]])
        return harness.start_sipp(self.tmp, scenario, csv, self.kamailio.port, hold_ms=hold_ms, name=caller)

    def finished(self, process: subprocess.Popen, name: str) -> None:
        """The SIPp run ended with every call as its scenario expects (exit code 0)."""
        code = process.wait(timeout=120)
        assert code == 0, (
            f"SIPp {name} failed ({code}):\n{harness.sipp_failure(self.tmp, name)}\n"
            + (self.kamailio.log_text()[-3000:])
        )

    def state_of(self, process: subprocess.Popen, *states: str) -> dict:
        """Wait until kefu's record of the caller's call is in one of ``states``; answer it."""
        call_id = harness.call_id(process)
        return wait_for(lambda: (c := self.kefu.call(call_id)).get("state") in states and c, 60,
                        f"call {call_id} to be {states}")  # fmt: skip

    def all_ready(self) -> None:
        """Both agents free again (the previous test's calls ended): each test starts from here."""
        for job in (NANJING_AGENT, PUBLIC_AGENT):
            wait_for(lambda job=job: self.kefu.request("GET", f"/api/v1/routing/agents/{job}")[1].get("state")
                     == "ready", 60, f"agent {job} to be ready")  # fmt: skip

    def both_busy(
        self, first: str, second: str, hold_ms: int, second_hold_ms: int = 0
    ) -> list[subprocess.Popen]:
        """Two callers take the Nanjing agent and then the public agent for ``hold_ms`` (the second for
        ``second_hold_ms`` when given)."""
        one = self.dial(first, hold_ms=hold_ms)
        self.state_of(one, "talking")
        two = self.dial(second, hold_ms=second_hold_ms or hold_ms)
        self.state_of(two, "talking")
        return [one, two]


def test_js_caller_reaches_the_ready_nanjing_agent(line):
    """ORG-4: a caller of Nanjing is routed to the ready agent of the Nanjing city group, rings their
    softphone through Kamailio, talks and hangs up; kefu's call record names that agent and is ended."""
    line.all_ready()
    caller = line.dial("first", hold_ms=500)
    line.finished(caller, "first")
    call = line.state_of(caller, "ended")
    assert call["agent"] == NANJING_AGENT
    assert call["queue"]


def test_city_group_busy_overflows_to_the_public_group(line):
    """ORG-4: with the Nanjing group all busy (its one agent talking), the next Nanjing caller goes to
    the public group's agent."""
    line.all_ready()
    busy = line.dial("busy1", hold_ms=3000)
    assert line.state_of(busy, "talking")["agent"] == NANJING_AGENT
    caller = line.dial("overflow", hold_ms=500)
    line.finished(caller, "overflow")
    assert line.state_of(caller, "ended")["agent"] == PUBLIC_AGENT
    line.finished(busy, "busy1")


def test_queued_call_is_connected_when_an_agent_frees_up(line):
    """ORG-4, SP-3: with every agent talking the caller is queued (182 Queued, position 1, Kamailio
    holds the INVITE), and is connected to the first agent who hangs up."""
    line.all_ready()
    busy = line.both_busy("busy2", "busy3", hold_ms=5000)
    caller = line.dial("queued", hold_ms=500)
    waiting = line.state_of(caller, "queued")
    assert waiting["position"] == 1
    line.finished(caller, "queued")
    assert line.state_of(caller, "ended")["agent"] in (NANJING_AGENT, PUBLIC_AGENT)
    for process, name in zip(busy, ("busy2", "busy3"), strict=True):
        line.finished(process, name)


def test_vip_caller_jumps_an_ordinary_one(line):
    """TIER-1: an ordinary caller queues first, a diamond-level customer after; the VIP is placed first
    and is connected first when an agent frees up."""
    line.all_ready()
    # the agents free up some 2.5 s apart: the first one free takes the VIP while the ordinary caller waits on
    busy = line.both_busy("busy4", "busy5", hold_ms=5000, second_hold_ms=7500)
    ordinary = line.dial("ordinary", hold_ms=3000)
    line.state_of(ordinary, "queued")
    vip = line.dial(VIP, hold_ms=3000)
    assert line.state_of(vip, "queued")["position"] == 1
    assert line.kefu.call(harness.call_id(ordinary))["position"] == 2
    callers = {"vip": vip, "ordinary": ordinary}
    connected = wait_for(
        lambda: {name for name, p in callers.items() if line.kefu.call(harness.call_id(p)).get("state") != "queued"},
        60, "a queued caller to be connected",
    )  # fmt: skip
    assert connected == {"vip"}
    for process, name in zip((*busy, vip, ordinary), ("busy4", "busy5", VIP, "ordinary"), strict=True):
        line.finished(process, name)


def test_caller_hanging_up_in_the_queue_is_abandoned(line):
    """ST-1: a queued caller who hangs up (CANCEL) is counted as abandoned: kefu's call is `abandoned`
    and the caller got 487 for the INVITE."""
    line.all_ready()
    busy = line.both_busy("busy6", "busy7", hold_ms=5000)
    leaver = line.dial("leaver", hold_ms=1500, scenario="caller_cancel.xml")
    line.finished(leaver, "leaver")
    assert line.state_of(leaver, "abandoned")["agent"] in (None, "")
    for process, name in zip(busy, ("busy6", "busy7"), strict=True):
        line.finished(process, name)


def test_call_past_the_longest_wait_gets_the_fallback(line):
    """ORG-4: with every agent busy past the queue's longest wait, kefu answers `fallback` and the caller
    is redirected (302) to the voicemail URI; kefu's call is `fallback` with the reason."""
    line.all_ready()
    busy = line.both_busy("busy1", "busy2", hold_ms=(MAX_WAIT + 4) * 1000)
    late = line.dial("late", scenario="caller_fallback.xml")
    line.finished(late, "late")
    call = line.state_of(late, "fallback")
    assert call["reason"].get("fallback") == "voicemail"
    for process, name in zip(busy, ("busy1", "busy2"), strict=True):
        line.finished(process, name)


def test_agent_who_does_not_answer_passes_the_call_on(line):
    """ORG-4 (no-answer handling): the call rings at the only ready Nanjing agent, who lets it ring; at
    Kamailio's ring timeout kefu hears `no_answer` and offers the call to the public agent, who answers."""
    line.all_ready()
    kefu = line.kefu
    assert kefu.request("POST", f"/api/v1/routing/agents/{NANJING_AGENT}/state",
                        {"state": "not_ready", "reason": "break"})[0] == 200  # fmt: skip
    assert kefu.request("POST", f"/api/v1/routing/agents/{SILENT_AGENT}/state", {"state": "ready"})[0] == 200
    try:
        caller = line.dial("unanswered", hold_ms=500)
        offered = line.state_of(caller, "offered")
        assert offered["agent"] == SILENT_AGENT, offered
        line.finished(caller, "unanswered")
        assert line.state_of(caller, "ended")["agent"] == PUBLIC_AGENT
    finally:
        kefu.request("POST", f"/api/v1/routing/agents/{SILENT_AGENT}/state", {"state": "logged_out"})
        kefu.request("POST", f"/api/v1/routing/agents/{NANJING_AGENT}/state", {"state": "ready"})


def _stream(port: int, session: str, events: queue.Queue, opened: threading.Event) -> None:
    """Hold an agent's SSE stream; put (event name, data) on ``events``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/telephony/events", headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    name = None
    for raw in iter(response.fp.readline, b""):
        text = raw.decode(errors="replace").rstrip("\r\n")
        if text.startswith("retry: "):
            opened.set()
        elif text.startswith("event: "):
            name = text[7:]
        elif text.startswith("data: ") and name:
            events.put((name, json.loads(text[6:])))
            name = None


def test_answered_call_pops_the_caller_on_the_agents_desk(line):
    """VIEW-1: the call answered on the Nanjing agent's softphone pops the caller's view on that agent's
    event stream (the desk), with the caller's number and the SIP Call-ID."""
    line.all_ready()
    events: queue.Queue = queue.Queue()
    opened = threading.Event()
    threading.Thread(
        target=_stream, args=(line.kefu.port, line.kefu.sessions[NANJING_AGENT], events, opened), daemon=True
    ).start()
    assert opened.wait(30), "the agent's event stream did not open"
    caller = line.dial("popped", hold_ms=1000)
    call_id = harness.call_id(caller)

    def popped():
        while True:
            try:
                name, data = events.get(timeout=1)
            except queue.Empty:
                return None
            if name == "screen_pop" and data.get("call_id") == call_id:
                return data

    data = wait_for(popped, 60, "the screen pop of the routed call", interval=0)
    assert data["number"] == CALLERS["popped"]
    line.finished(caller, "popped")
