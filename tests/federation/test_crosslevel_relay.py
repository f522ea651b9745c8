"""The province binding of the cross-level flow in one process (WO-3, WO-4): the relay turns the
engine's work-order events into federation messages exactly once and in order, never echoes what came
from the hub, leaves purely local orders alone; the hub's messages are applied through the engine as
the hub's node actor; the hub routes, returns what it cannot route and answers queries."""

from __future__ import annotations

import uuid

import pytest

from kefu.catalog.models import CategoryNode, ResponsibilityCause
from kefu.core.models import OutboxMessage
from kefu.crosslevel import messages, relay, services
from kefu.crosslevel.models import CrossLink
from kefu.federation.envelope import Message
from kefu.workorders import services as wo

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return CategoryNode.objects.filter(code="monternet_sms-0001").order_by("-id").first()


@pytest.fixture
def staff(make_staff):
    return {"agent": make_staff("hotline_agent", "JS"), "back": make_staff("back_office", "JS")}


def accept(staff, category, title="梦网短信乱扣费"):
    data = wo.OrderInput(kind="complaint", category=category, title=title, contact_number="13951700001")
    return wo.order_accept(actor=staff["agent"], data=data).order


def sent(peer="HUB"):
    rows = OutboxMessage.objects.filter(topic="federation.message", destination=peer).order_by("id")
    return [(r.payload["type"], r.payload["seq"]) for r in rows]


def from_hub(number, action, comment="", data=None):
    body = messages.payload(
        number=number, action=action, node="SIMS", actor="sp01", comment=comment, data=data
    )
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender="HUB", receiver="JS", payload=body,
                   order=number, seq=1, sender_role="hub")  # fmt: skip


def test_relay_sends_the_dispatch_once_and_marks_every_work_order_row(peers_file, staff, category):
    """WO-3 step 2: the engine's dispatch to the hub's department becomes one workorder.dispatch; a
    purely local order sends nothing; every workorder.* row is marked delivered; a second run sends
    nothing again."""
    local = accept(staff, category, "本地工单")
    order = accept(staff, category)
    services.order_send_to_hub(actor=staff["back"], number=order.number, target="SIMS", sp_code="SP901234")
    assert relay.relay_pending() >= 3
    assert sent() == [("workorder.dispatch", 1)]
    row = OutboxMessage.objects.get(topic="federation.message")
    assert row.payload["order"] == order.number
    assert row.payload["payload"]["data"]["sp_code"] == "SP901234"
    assert row.payload["payload"]["order"]["business"] == "monternet_sms"
    assert not OutboxMessage.objects.filter(
        topic__startswith="workorder.", delivered_at__isnull=True
    ).exists()
    assert relay.relay_pending() == 0 and sent() == [("workorder.dispatch", 1)]
    assert not CrossLink.objects.filter(order=local).exists()


def test_hub_messages_apply_through_the_engine_and_are_not_echoed(peers_file, staff, category):
    """WO-3 steps 7-10: receive and reply from the hub move the origin order (as node actor NODE-HUB);
    the relay does not send them back; the province's own feedback and archive go to the hub."""
    order = accept(staff, category)
    services.order_send_to_hub(actor=staff["back"], number=order.number, target="SIMS", sp_code="SP901234")
    relay.relay_pending()
    assert services.apply(from_hub(order.number, messages.RECEIVE))["state"] == "processing"
    assert services.apply(from_hub(order.number, messages.REPLY, "已退订"))["state"] == "replied"
    # no longer fits: recorded, not refused
    skipped = services.apply(from_hub(order.number, messages.RECEIVE))
    assert skipped["applied"] is False
    relay.relay_pending()
    assert sent() == [("workorder.dispatch", 1)]
    order.refresh_from_db()
    assert (order.state, order.result, order.holder_department.code) == ("replied", "已退订", "CENTRE-JS")
    wo.order_feedback(actor=staff["back"], order=order.number, satisfaction="satisfied")
    cause = ResponsibilityCause.objects.get(code="PTN-SP-UNSOLICITED")
    wo.order_archive(actor=staff["back"], order=order.number, responsibility_cause=cause)
    relay.relay_pending()
    assert sent() == [("workorder.dispatch", 1), ("workorder.feedback", 2), ("workorder.archive", 3)]


def test_messages_from_a_province_are_refused_on_a_province(peers_file, staff, category):
    order = accept(staff, category)
    message = from_hub(order.number, messages.RECEIVE)
    message = Message(**{**message.__dict__, "sender": "ZJ", "sender_role": "province"})
    with pytest.raises(services.CrossLevelError):
        services.apply(message)


def test_send_to_hub_checks_target_and_sp_code(peers_file, staff, category):
    order = accept(staff, category)
    for target, sp, code in (("SIMS", "", "sp_code_required"), ("XX", "", "target_required"),
                             ("JS", "", "target_required")):  # fmt: skip
        with pytest.raises(services.CrossLevelError) as refused:
            services.order_send_to_hub(actor=staff["back"], number=order.number, target=target, sp_code=sp)
        assert refused.value.code == code
    order.refresh_from_db()
    assert order.state == "accepted"


def test_a_cross_region_order_is_accepted_and_dispatched_to_the_centre(peers_file, settings):
    """WO-3 for a target province: the hub's dispatch becomes a local order under the flow xl-complaint-HUB,
    dispatched to the province centre, linked to the origin's number."""
    order = {"number": "ZJ20261122000001", "kind": "complaint", "title": "异地投诉", "origin": "ZJ",
             "category": "monternet_sms-0001", "contact_number": "13957100001"}  # fmt: skip
    message = from_hub("ZJ20261122000001", messages.DISPATCH, "请处理", {"target": "JS", "sp_code": ""})
    message.payload["order"] = order
    result = services.apply(message)
    link = CrossLink.objects.select_related("order").get(number="ZJ20261122000001")
    assert (link.role, result["state"]) == ("target", "dispatched")
    assert link.order.holder_department.code == "CENTRE-JS"
    assert link.order.flow.code == "xl-complaint-HUB"
