"""The cross-level complaint flow end to end between real node processes (WO-3's 22 steps, every WO-4
action across nodes, ORG-2/ORG-3): JS (province) → HUB → SIMS (Monternet SP complaints) or ZJ (a
cross-region complaint) and back, each node with its own database, web server and delivery worker."""

from __future__ import annotations

import pytest

from tests.federation import xl
from tests.federation.conftest import _base
from tests.federation.nodes import drop_databases
from tests.waits import wait_for

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    federation = xl.start(_base(tmp_path_factory))
    try:
        yield federation
    finally:
        federation.stop()
        drop_databases(federation)


@pytest.fixture(scope="module")
def desks(fed):
    return xl.Desks(fed)


def _events(desks, number):
    return [(e["node"], e["action"]) for e in desks.hub_order(number)["events"]]


def test_sp_complaint_goes_province_hub_sims_and_back_to_archive(fed, desks):
    """WO-3 steps 1-22 for a Monternet SP complaint: accept → dispatch to the hub → the hub forwards to
    SIMS → SP receives, processes, replies → the hub relays → the province receives the result, gives the
    customer feedback (satisfied) → archive, synchronised: the hub closes its copy and tells SIMS."""
    number = desks.accept()
    desks.send(number)
    desks.wait_state(number, js="dispatched", hub="dispatched", sims="dispatched")
    assert desks.sp_order(number)["sp_code"] == xl.SP
    desks.sp_act(number, "receive")
    desks.wait_state(number, js="processing", hub="processing", sims="processing")
    desks.sp_act(number, "process", "已联系用户核实订购记录")
    desks.sp_act(number, "reply", "已为用户退订并退还信息费")
    desks.wait_state(number, js="replied", hub="replied", sims="replied")
    detail = desks.back.get(f"/api/v1/work-orders/{number}")
    assert detail["result"] == "已为用户退订并退还信息费"
    desks.js_act(number, "feedback", {"satisfaction": "satisfied"})
    desks.wait_state(number, js="feedback", hub="feedback", sims="feedback")
    desks.archive(number)
    desks.wait_state(number, js="archived", hub="archived", sims="archived")
    assert _events(desks, number) == [
        ("JS", "dispatch"), ("SIMS", "receive"), ("SIMS", "process"), ("SIMS", "reply"),
        ("JS", "feedback"), ("JS", "archive"),
    ]  # fmt: skip
    # the province's history shows the hub's steps as the hub's node actor
    actors = [(e["action"], e["actor"]) for e in detail["events"]]
    assert ("receive", "NODE-HUB") in actors and ("reply", "NODE-HUB") in actors
    xl.quiet(fed)


def test_dissatisfied_customer_sends_the_order_back_for_reprocessing(fed, desks):
    """WO-3/WO-4 reprocess: not satisfied → the province reprocesses; SIMS gets it again (round 2, and
    the SP loses points for it, SP-1); the second reply is satisfied and archived."""
    number = desks.accept("二次确认缺失")
    desks.send(number)
    desks.wait_state(number, sims="dispatched")
    desks.sp_act(number, "receive")
    desks.sp_act(number, "reply", "已退订")
    desks.wait_state(number, js="replied")
    desks.js_act(number, "feedback", {"satisfaction": "dissatisfied"})
    desks.js_act(number, "reprocess", {"reason": "用户要求退还全部费用"})
    desks.wait_state(number, js="dispatched", hub="dispatched", sims="dispatched")
    sp_order = desks.sp_order(number)
    assert sp_order["rounds"] == 2
    desks.sp_act(number, "receive")
    desks.sp_act(number, "reply", "已退还全部费用")
    desks.wait_state(number, js="replied", hub="replied", sims="replied")
    desks.js_act(number, "feedback", {"satisfaction": "satisfied"})
    desks.archive(number)
    desks.wait_state(number, js="archived", hub="archived", sims="archived")
    assert desks.hub_order(number)["rounds"] == 2


def test_sims_returns_an_order_with_a_reason_through_the_hub(fed, desks):
    """WO-4 return: SIMS → hub → province, with the reason; the province corrects and dispatches again,
    or cancels."""
    number = desks.accept("不是本SP的业务")
    desks.send(number)
    desks.wait_state(number, sims="dispatched")
    desks.sp_act(number, "return", "该业务不属于本SP，请核实SP代码")
    desks.wait_state(number, js="returned", hub="returned", sims="returned")
    events = desks.back.get(f"/api/v1/work-orders/{number}")["events"]
    assert events[-1]["action"] == "return" and "请核实SP代码" in events[-1]["comment"]
    desks.send(number, comment="已核实，仍为该SP")
    desks.wait_state(number, js="dispatched", hub="dispatched", sims="dispatched")
    desks.sp_act(number, "return", "仍不属于本SP")
    desks.wait_state(number, js="returned", sims="returned")
    desks.js_act(number, "cancel", {"reason": "用户撤诉"})
    desks.wait_state(number, js="cancelled", hub="cancelled", sims="cancelled")


def test_unknown_sp_is_returned_by_sims_and_unroutable_target_by_the_hub(fed, desks):
    """WO-4 return without a person: SIMS returns an order for an SP it does not know; the hub returns
    an order it cannot route (a province it has no link to)."""
    number = desks.accept()
    desks.send(number, sp_code="SP000000")
    desks.wait_state(number, js="returned", hub="returned", sims="returned")
    other = desks.accept()
    desks.send(other, target="GD")
    desks.wait_state(other, js="returned", hub="returned")
    assert "GD" in desks.hub_order(other)["return_reason"]


def test_urge_and_interim_comments_travel_both_ways(fed, desks):
    """WO-4 urge (催办) and interim comment (中途意见) in both directions, and from the hub operator."""
    number = desks.accept("催办测试")
    desks.send(number)
    desks.wait_state(number, sims="dispatched")
    desks.js_act(number, "urge", {"comment": "用户再次来电催促"}, api=desks.agent)
    desks.js_act(number, "comment", {"comment": "用户补充：扣费时间为3月1日"})
    wait_for(lambda: desks.sp_order(number)["urge_count"] == 1, message="the urge on SIMS")
    desks.sp_act(number, "receive")
    desks.sp_act(number, "comment", "请提供用户订购时间")
    desks.hub.post(f"/api/v1/hub-orders/{number}/urge", {"to": "target", "comment": "枢纽催办"})
    desks.hub.post(f"/api/v1/hub-orders/{number}/comment", {"to": "origin", "comment": "枢纽提示：已催SP"})
    wait_for(lambda: desks.sp_order(number)["urge_count"] == 2, message="the hub's urge on SIMS")
    sims_comments = [e["comment"] for e in desks.sp_order(number)["events"] if e["action"] == "comment"]
    assert any("3月1日" in c for c in sims_comments)

    def js_comments():
        events = desks.back.get(f"/api/v1/work-orders/{number}")["events"]
        return [e["comment"] for e in events if e["action"] == "comment"]

    wait_for(lambda: any("订购时间" in c for c in js_comments()), message="the SP's comment on JS")
    wait_for(lambda: any("已催SP" in c for c in js_comments()), message="the hub's comment on JS")
    assert desks.hub_order(number)["urge_count"] == 2


def test_query_asks_the_hub_synchronously_from_province_and_sims(fed, desks):
    """WO-4 query (查询): the province or SIMS asks the hub for the order's state; a node with no link
    to the order is refused; a hub that does not answer is a clear error, not a hang."""
    number = desks.accept("查询测试")
    desks.send(number)
    desks.wait_state(number, sims="dispatched")
    answer = desks.back.get(f"/api/v1/crosslevel/{number}/hub-state")
    assert answer["state"] == "dispatched" and answer["target"] == "SIMS"
    assert desks.sp.get(f"/api/v1/sp-orders/{number}/query")["state"] == "dispatched"
    # ZJ has no such order: the hub refuses ZJ's query (and ZJ's API has no link for it anyway)
    with pytest.raises(xl.ApiError) as refused:
        desks.zj_back.get(f"/api/v1/crosslevel/{number}/hub-state")
    assert refused.value.status == 404


def test_cross_region_complaint_goes_to_the_target_province_and_back(fed, desks):
    """WO-3 for a cross-region complaint: JS → HUB → ZJ; ZJ's back office receives it in its own engine,
    processes and replies; the result comes back; feedback (as a comment) and archive reach ZJ."""
    number = desks.accept("异地投诉：浙江营业厅服务态度")
    desks.send(number, target="ZJ", sp_code="")
    desks.wait_state(number, js="dispatched", hub="dispatched")

    def zj_order():
        links = desks.zj_back.get("/api/v1/work-orders?state=dispatched&page_size=100")["results"]
        return next((o["number"] for o in links if "异地投诉" in o["title"]), None)

    local = wait_for(zj_order, message="the order on ZJ")
    desks.zj_back.post(f"/api/v1/work-orders/{local}/receive", {})
    desks.wait_state(number, js="processing", hub="processing")
    desks.zj_back.post(f"/api/v1/work-orders/{local}/process", {"comment": "已调取营业厅录像"})
    desks.zj_back.post(f"/api/v1/work-orders/{local}/reply", {"comment": "已向用户道歉并培训营业员"})
    desks.wait_state(number, js="replied", hub="replied")
    desks.js_act(number, "feedback", {"satisfaction": "satisfied"})
    desks.archive(number)
    desks.wait_state(number, js="archived", hub="archived")
    wait_for(lambda: desks.zj_back.get(f"/api/v1/work-orders/{local}")["state"] == "archived",
             message="the ZJ copy archived")  # fmt: skip
    link = desks.zj_back.get(f"/api/v1/crosslevel/{local}")
    assert link["number"] == number and link["role"] == "target"
    xl.quiet(fed)


def test_a_hub_that_is_down_gives_a_clear_query_error_and_the_order_waits(fed, desks):
    """WO-4 query with the hub down: 503 peer_unavailable at once, no hang; an order sent meanwhile
    waits in the province's outbox and reaches SIMS once the hub is back."""
    number = desks.accept("枢纽故障期间")
    xl.kill(fed["HUB"])
    try:
        desks.send(number)
        with pytest.raises(xl.ApiError) as refused:
            desks.back.get(f"/api/v1/crosslevel/{number}/hub-state")
        assert (refused.value.status, refused.value.body["code"]) == (503, "peer_unavailable")
        assert desks.js_state(number) == "dispatched"
    finally:
        fed["HUB"].start()
    desks.wait_state(number, hub="dispatched", sims="dispatched")
    xl.quiet(fed)
