"""Own-platform complaints end to end between real node processes (ORG-3, WO-3, WO-4): a WLAN complaint
accepted on JS goes JS → HUB → PLAT over signed HTTP, the platform's second line works it on its own
desk, the reply comes back to JS, and the customer's feedback and the archive close it on every node —
like SIMS's flow (tests/federation/test_crosslevel.py). The nodes are the ones the capability tests
start (``platform_federation``): no processes of its own."""

from __future__ import annotations

import pytest

from tests.capability.harness import call, login
from tests.waits import wait_for

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]


class Desk:
    """One logged-in member of staff on one node, over the real HTTP API."""

    def __init__(self, node, token: str):
        self.node, self.token = node, token

    def get(self, path: str):
        status, body = call(self.node, "GET", path, token=self.token)
        return body if status == 200 else None

    def post(self, path: str, body: dict | None = None) -> dict:
        status, answer = call(self.node, "POST", path, token=self.token, body=body or {})
        assert status in (200, 201), (path, status, answer)
        return answer


@pytest.fixture(scope="module")
def desks(platform_federation):
    fed = platform_federation
    return {
        "agent": Desk(fed["JS"], login(fed["JS"], "js1001")),
        "back": Desk(fed["JS"], login(fed["JS"], "js1004")),
        "hub": Desk(fed["HUB"], login(fed["HUB"], "hub01")),
        "plat": Desk(fed["PLAT"], login(fed["PLAT"], "plat01")),
    }


def accept(desks, code: str, title: str) -> str:
    """WO-3 step 1: the JS agent accepts a complaint in category ``code``."""
    found = desks["agent"].get(f"/api/v1/request-categories?code={code}")
    category = found.get("results", found)[0]["id"]
    body = {"kind": "complaint", "category": category, "title": title,
            "description": "用户投诉", "contact_number": "13951700001"}  # fmt: skip
    return desks["agent"].post("/api/v1/work-orders", body)["number"]


def states(desks, number: str) -> tuple:
    """(JS, HUB, PLAT) state of the order; None where a node has no copy yet."""
    js = desks["back"].get(f"/api/v1/work-orders/{number}")
    hub = desks["hub"].get(f"/api/v1/hub-orders/{number}")
    plat = desks["plat"].get(f"/api/v1/platform-orders/{number}")
    return tuple((x or {}).get("state") for x in (js, hub, plat))


def wait_states(desks, number: str, expected: tuple) -> None:
    wait_for(lambda: states(desks, number) == expected, message=f"{number} (JS, HUB, PLAT) = {expected}")


def test_a_wlan_complaint_goes_province_hub_platform_and_back_to_archive(desks):
    """ORG-3, WO-3: accept → send to the hub for PLATFORM → the hub routes it by business to PLAT →
    the platform's second line receives, processes, replies on its desk → the hub relays → JS has the
    result, gives the customer feedback, archives → the hub closes its copy and tells the platform."""
    number = accept(desks, "wlan-0026", "WLAN认证页面打不开")
    link = desks["back"].post(
        f"/api/v1/crosslevel/{number}/send", {"target": "PLATFORM", "comment": "请平台核查"}
    )
    assert (link["target"], link["sp_code"]) == ("PLATFORM", "")
    wait_states(desks, number, ("dispatched", "dispatched", "dispatched"))
    hub_order = desks["hub"].get(f"/api/v1/hub-orders/{number}")
    assert (hub_order["target"], hub_order["origin"]) == ("PLAT", "JS")
    plat_order = desks["plat"].get(f"/api/v1/platform-orders/{number}")
    assert (plat_order["business"], plat_order["title"]) == ("wlan", "WLAN认证页面打不开")
    desks["plat"].post(f"/api/v1/platform-orders/{number}/receive")
    wait_states(desks, number, ("processing", "processing", "processing"))
    desks["plat"].post(f"/api/v1/platform-orders/{number}/process", {"comment": "已核查认证日志"})
    desks["plat"].post(f"/api/v1/platform-orders/{number}/reply", {"comment": "已重置用户WLAN密码"})
    wait_states(desks, number, ("replied", "replied", "replied"))
    assert desks["back"].get(f"/api/v1/work-orders/{number}")["result"] == "已重置用户WLAN密码"
    desks["back"].post(f"/api/v1/work-orders/{number}/feedback", {"satisfaction": "satisfied"})
    wait_states(desks, number, ("feedback", "feedback", "feedback"))
    desks["back"].post(f"/api/v1/work-orders/{number}/archive",
                       {"responsibility_cause": "OTH-OTHER", "responsible_department": "RESP-OTHER"})  # fmt: skip
    wait_states(desks, number, ("archived", "archived", "archived"))
    events = desks["hub"].get(f"/api/v1/hub-orders/{number}")["events"]
    assert [(e["node"], e["action"]) for e in events] == [
        ("JS", "dispatch"), ("PLAT", "receive"), ("PLAT", "process"), ("PLAT", "reply"),
        ("JS", "feedback"), ("JS", "archive"),
    ]  # fmt: skip
    assert desks["plat"].get(f"/api/v1/platform-orders/{number}")["satisfaction"] == "satisfied"


def test_the_platform_returns_a_complaint_with_its_reason_and_queries_the_hub(desks):
    """WO-4 return and query on the platform's second line: a 彩云 complaint returned with a reason
    reaches JS through the hub; the platform asks the hub for the state; JS cancels and the cancel
    reaches the platform."""
    number = accept(desks, "caiyun-0018", "彩云未订购却扣费")
    desks["back"].post(f"/api/v1/crosslevel/{number}/send", {"target": "PLATFORM"})
    wait_states(desks, number, ("dispatched", "dispatched", "dispatched"))
    assert desks["plat"].get(f"/api/v1/platform-orders/{number}/query")["state"] == "dispatched"
    desks["plat"].post(f"/api/v1/platform-orders/{number}/return", {"comment": "该号码未开通彩云，请核实"})
    wait_states(desks, number, ("returned", "returned", "returned"))
    events = desks["back"].get(f"/api/v1/work-orders/{number}")["events"]
    assert events[-1]["action"] == "return" and "未开通彩云" in events[-1]["comment"]
    desks["back"].post(f"/api/v1/work-orders/{number}/cancel", {"reason": "用户撤诉"})
    wait_states(desks, number, ("cancelled", "cancelled", "cancelled"))
