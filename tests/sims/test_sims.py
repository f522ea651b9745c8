"""SIMS in one process (SP-1, SP-3, WO-4 on the second line, ORG-3): SP complaint orders from the hub,
the SP desk, points deducted by configurable rules with history and a monthly statement, the duty
profile with its contact history. The same flows across real nodes: tests/federation/test_crosslevel.py."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from kefu.core.models import OutboxMessage
from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.sims import services
from kefu.sims.models import SpContactChange, SpOrder, SpPointEntry, SpPointRule

pytestmark = pytest.mark.django_db

NUMBER = "JS20261122000777"


@pytest.fixture
def sims(settings, tmp_path):
    """This process is node SIMS; its one peer is HUB."""
    peers = tmp_path / "peers.toml"
    peers.write_text(
        '[peers.HUB]\nrole = "hub"\nurl = "http://127.0.0.1:9"\nkey = "hub-and-sims-key-0123456789"\n'
    )
    settings.KEFU_NODE_CODE, settings.KEFU_ROLE = "SIMS", "sims"
    settings.KEFU_PEERS_FILE = str(peers)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    services.sp_create(actor=None, code="SP901234", name="梦想互动", hotline="02584001234",
                       service_mobile="13905140001", contact_name="钱进",
                       contract_start=date(2025, 1, 1), contract_end=date(2099, 12, 31))  # fmt: skip
    services.sp_create(actor=None, code="SP902001", name="星河无线")


@pytest.fixture
def sp_staff(make_staff):
    return make_staff("sp_staff", None, sp_code="SP901234", job_number="sp01")


def hub_message(action: str, number: str = NUMBER, **payload) -> Message:
    body = messages.payload(number=number, action=action, node=payload.pop("node", "JS"), actor="js1004",
                     comment=payload.pop("comment", ""), data=payload.pop("data", {}),
                     order=payload.pop("order", None))  # fmt: skip
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender="HUB", receiver="SIMS", payload=body,
                   order=number, seq=1, sender_role="hub")  # fmt: skip


def dispatch(number=NUMBER, sp="SP901234", round=1):
    order = {"number": number, "kind": "complaint", "title": "梦网短信乱扣费", "origin": "JS"}
    return services.apply(
        hub_message(messages.DISPATCH, number, data={"sp_code": sp, "round": round}, order=order)
    )


def sent():
    return [
        row.payload["type"] for row in OutboxMessage.objects.filter(topic="federation.message").order_by("id")
    ]


def test_a_complaint_from_the_hub_lands_on_the_sp_desk_and_costs_a_point(sims):
    """SP-1: the hub's dispatch creates the SP order; the complaint rule deducts at once, once."""
    assert dispatch()["state"] == "dispatched"
    order = SpOrder.objects.get(number=NUMBER)
    assert (order.sp_code, order.origin, order.hub) == ("SP901234", "JS", "HUB")
    assert order.reply_due_at is not None
    assert list(SpPointEntry.objects.values_list("event", "points")) == [("complaint", 1)]
    assert not services.points_deduct(order=order, event="complaint")  # once per order and round


def test_sp_desk_receives_processes_replies_and_each_step_goes_to_the_hub(sims, sp_staff):
    """WO-4 on the SP desk: receive → process → reply, each sent to the hub in the same transaction."""
    dispatch()
    services.order_act(actor=sp_staff, number=NUMBER, action="receive")
    services.order_act(actor=sp_staff, number=NUMBER, action="process", comment="核实订购记录")
    order = services.order_act(actor=sp_staff, number=NUMBER, action="reply", comment="已退订并退费")
    assert (order.state, order.result, order.handler) == ("replied", "已退订并退费", "sp01")
    assert sent() == ["workorder.receive", "workorder.process", "workorder.reply"]
    assert [e.action for e in order.events.order_by("seq")] == ["dispatch", "receive", "process", "reply"]


def test_sp_desk_refuses_what_the_state_or_the_input_does_not_allow(sims, sp_staff):
    dispatch()
    with pytest.raises(services.SimsError) as refused:
        services.order_act(actor=sp_staff, number=NUMBER, action="reply", comment="x")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(services.SimsError) as refused:
        services.order_act(actor=sp_staff, number=NUMBER, action="return")
    assert refused.value.code == "reason_required"
    assert sent() == []


def test_return_with_reason_and_unknown_sp_returned_at_once(sims, sp_staff):
    """WO-4 return: the SP returns with a reason; an order for an SP SIMS does not know is returned by
    SIMS itself, in the same transaction as its arrival."""
    dispatch()
    order = services.order_act(actor=sp_staff, number=NUMBER, action="return", comment="非本SP业务")
    assert (order.state, order.return_reason) == ("returned", "非本SP业务")
    other = "JS20261122000778"
    assert "returned" in dispatch(other, sp="SP000000")
    assert SpOrder.objects.get(number=other).state == "returned"
    assert sent() == ["workorder.return", "workorder.return"]


def test_sp_staff_see_and_act_on_their_own_sp_only(sims, sp_staff):
    """ORG-3 / scope: an SP's staff never see another SP's orders."""
    dispatch("JS20261122000901", sp="SP902001")
    from kefu.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        services.order_act(actor=sp_staff, number="JS20261122000901", action="receive")


def test_reprocess_overdue_reply_and_dissatisfaction_are_deducted_by_the_rules(sims, sp_staff):
    """SP-1: points by configurable rules — per complaint, per reprocess, per overdue reply, per
    dissatisfied customer; amounts come from the rules table."""
    SpPointRule.objects.filter(event="reprocess").update(points=5)
    dispatch()
    services.order_act(actor=sp_staff, number=NUMBER, action="receive")
    services.order_act(actor=sp_staff, number=NUMBER, action="reply", comment="已处理")
    services.apply(hub_message(messages.FEEDBACK, data={"satisfaction": "dissatisfied"}))
    services.apply(hub_message(messages.REPROCESS, comment="用户不满意"))
    order = SpOrder.objects.get(number=NUMBER)
    assert (order.state, order.rounds) == ("dispatched", 2)
    SpOrder.objects.filter(pk=order.pk).update(reply_due_at=timezone.now() - timedelta(hours=1))
    assert services.points_sweep() == 1
    assert services.points_sweep() == 0  # idempotent
    services.order_act(actor=sp_staff, number=NUMBER, action="receive")
    services.order_act(actor=sp_staff, number=NUMBER, action="reply", comment="已全额退费")  # late: no second
    rows = sorted(SpPointEntry.objects.values_list("event", "round", "points"))
    assert rows == [("complaint", 1, 1), ("dissatisfied", 1, 1), ("overdue_reply", 2, 2), ("reprocess", 2, 5)]
    sp = services.SpOrganisation.objects.get(code="SP901234")
    statement = services.statement(sp=sp, month=services.month_of(timezone.now()))
    assert (statement["deducted"], statement["remaining"]) == (9, 91)


def test_archive_and_cancel_close_the_sims_copy(sims):
    dispatch()
    services.apply(hub_message(messages.URGE, comment="请尽快"))
    services.apply(hub_message(messages.COMMENT, comment="补充信息"))
    assert SpOrder.objects.get(number=NUMBER).urge_count == 1
    services.apply(hub_message(messages.ARCHIVE))
    order = SpOrder.objects.get(number=NUMBER)
    assert order.state == "archived" and order.closed_at is not None


def test_duty_profile_keeps_a_changed_hotline_two_months_and_locks_contacts_in_contract(sims, sp_staff):
    """SP-3: the hotline is a fixed line (no extension); a changed hotline stays on record two months;
    the service contact and mobile may not change during the contract."""
    now = timezone.now()
    with pytest.raises(services.SimsError) as refused:
        services.sp_profile_update(actor=sp_staff, code="SP901234", hotline="02584001234-801")
    assert refused.value.code == "hotline_invalid"
    services.sp_profile_update(actor=sp_staff, code="SP901234", hotline="02584009999", now=now)
    change = SpContactChange.objects.get()
    assert (change.old_value, change.new_value) == ("02584001234", "02584009999")
    today = timezone.localdate(now)
    assert change.keep_until == services._add_months(today, 2)
    assert services.sp_for_hotline("02584001234").code == "SP901234"  # still on record
    assert services.sp_for_hotline("02584001234", day=change.keep_until + timedelta(days=1)) is None
    with pytest.raises(services.SimsError) as refused:
        services.sp_profile_update(actor=sp_staff, code="SP901234", service_mobile="13905149999")
    assert refused.value.code == "contact_locked"
    from kefu.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        services.sp_profile_update(actor=sp_staff, code="SP902001", hotline="02584001111")  # not theirs


@override_settings(ROOT_URLCONF="kefu.urls.sims")
def test_sp_desk_pages_show_orders_points_and_profile(sims, sp_staff):
    """The SP desk: order list and detail with actions, points with the monthly statement, profile."""
    dispatch()
    dispatch("JS20261122000901", sp="SP902001")
    client = Client()
    client.force_login(sp_staff)
    page = client.get("/sp/orders/").content.decode()
    assert NUMBER in page and "JS20261122000901" not in page
    page = client.get(f"/sp/orders/{NUMBER}/").content.decode()
    assert 'data-testid="act-receive"' in page
    response = client.post(f"/sp/orders/{NUMBER}/", {"action": "receive"})
    assert response.status_code == 302 and SpOrder.objects.get(number=NUMBER).state == "processing"
    page = client.get("/sp/points/").content.decode()
    assert "SP901234" in page and "SP902001" not in page
    assert client.get("/sp/profiles/SP901234/").status_code == 200
    assert client.get("/sp/profiles/SP902001/").status_code == 404
    assert client.get("/sp/orders/JS20261122000901/").status_code == 404
