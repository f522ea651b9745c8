"""WO-9: the province ↔ city coordination flows, each with its own data and effect — asserted on the
effect (the line's state in billing, the account's balance, the acknowledgement on the order), not
only on where the order lands."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent, Department
from kefu.customers.models import BillingAdjustment, Subscriber
from kefu.ports.billing import get_billing
from kefu.workorders import services
from kefu.workorders.actions import ACTIONS
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import CoordinationDetail, WorkOrder

WINDOW_START = timezone.now().replace(microsecond=0) + timedelta(days=1)
INSTALL = {
    "address": "南京市玄武区中山路1号",
    "appointment_start": WINDOW_START.isoformat(),
    "appointment_end": (WINDOW_START + timedelta(hours=2)).isoformat(),
}


@pytest.fixture
def coordinate(staff, subscriber):
    """coordinate(flow, data, kind="business_handling", actor=agent) -> the accepted order."""

    def make(flow, data, *, kind="business_handling", actor=None, **fields):
        fields.setdefault("coordination", {flow: data} if data is not None else None)
        return services.order_accept(
            actor=actor or staff.agent,
            data=services.OrderInput(kind=kind, subscriber=subscriber, flow_code=flow, **fields),
        ).order

    return make


@pytest.fixture
def biller(make_staff):
    """A member of the billing department (RESP-BILLING), where adjustments are verified."""
    return make_staff(
        "back_office", "JS", job_number="JSBILL1", department=Department.objects.get(code="RESP-BILLING")
    )


def act(action, order, actor, **data):
    return ACTIONS[action].perform(actor=actor, order=order.number, data=data)


def line_status(number: str) -> str:
    return get_billing().subscriber(number).status


def balance(number: str) -> Decimal:
    return get_billing().balance(number).balance


def test_install_move_needs_its_data_and_records_the_result(coordinate, staff):
    """WO-9: an installation/move order carries the address and the appointment window; accepting
    one without them is refused and creates nothing; the city's reply must give the result, which
    is recorded on the order's data and its reply event."""
    with pytest.raises(WorkOrderError) as missing:
        coordinate("install_move", None)
    assert missing.value.code == "coordination_data_required"
    bad = {**INSTALL, "appointment_end": INSTALL["appointment_start"]}
    with pytest.raises(WorkOrderError) as window:
        coordinate("install_move", bad)
    assert window.value.code == "validation_failed"
    assert WorkOrder.objects.count() == 0

    order = coordinate("install_move", INSTALL)
    detail = CoordinationDetail.objects.get(order=order)
    assert (detail.kind, detail.address, detail.appointment_start) == (
        "install_move",
        INSTALL["address"],
        WINDOW_START,
    )
    act("dispatch", order, staff.back)
    act("receive", order, staff.city)
    with pytest.raises(WorkOrderError) as no_result:
        act("reply", order, staff.city, comment="已上门")
    assert no_result.value.code == "outcome_required"
    order.refresh_from_db()
    assert order.state == "processing"

    order = act("reply", order, staff.city, comment="已上门装机", outcome="installed")
    detail.refresh_from_db()
    assert (order.state, detail.outcome) == ("replied", "installed")
    assert order.events.get(action="reply").data["outcome"] == "installed"


def test_data_of_another_flow_is_refused(coordinate):
    """WO-9: each flow takes its own data only; data given to a flow that takes none is refused."""
    with pytest.raises(WorkOrderError) as wrong:
        coordinate("suspension", None, coordination={"install_move": INSTALL})
    assert wrong.value.code == "coordination_data_unexpected"
    with pytest.raises(WorkOrderError) as none_taken:
        coordinate("business_handling", None, coordination={"install_move": INSTALL})
    assert none_taken.value.code == "coordination_data_unexpected"
    assert WorkOrder.objects.count() == 0


def suspension(action: str) -> dict:
    return {"line_action": action, "reason": "客户出国", "period_start": date.today().isoformat()}


def test_suspension_changes_the_line_through_billing_when_the_city_has_done_it(coordinate, staff, subscriber):
    """WO-9: a suspension order changes the line's state in billing when the city replies that it
    has done it — not before; the change is audited with the order number; a resumption order
    brings the line back."""
    order = coordinate("suspension", suspension("suspend"))
    act("dispatch", order, staff.back)
    act("receive", order, staff.city)
    assert line_status(subscriber.number) == "active"

    order = act("reply", order, staff.city, comment="已停机")
    detail = CoordinationDetail.objects.get(order=order)
    assert line_status(subscriber.number) == "suspended"
    assert (detail.line_state_after, detail.applied_at is not None) == ("suspended", True)
    assert order.events.get(action="reply").data["line_state"] == ["active", "suspended"]
    audit = AuditEvent.objects.get(action="customers.subscriber.set_line_state")
    assert audit.changes["reference"] == order.number

    resume = coordinate("suspension", suspension("resume"))
    act("dispatch", resume, staff.back)
    act("receive", resume, staff.city)
    act("reply", resume, staff.city, comment="已复机")
    assert line_status(subscriber.number) == "active"


def test_suspending_a_line_billing_cannot_suspend_is_refused(coordinate, staff, subscriber):
    """WO-9: suspending a line that is not active is refused at accept (line_state_conflict, no
    order); when the line changes between accept and reply, billing refuses the reply with the same
    code and nothing changes: the order stays in processing, the line as it was."""
    Subscriber.objects.filter(pk=subscriber.pk).update(status="suspended")
    with pytest.raises(Exception) as at_accept:
        coordinate("suspension", suspension("suspend"))
    assert (at_accept.value.code, WorkOrder.objects.count()) == ("line_state_conflict", 0)

    Subscriber.objects.filter(pk=subscriber.pk).update(status="active")
    order = coordinate("suspension", suspension("suspend"))
    act("dispatch", order, staff.back)
    act("receive", order, staff.city)
    Subscriber.objects.filter(pk=subscriber.pk).update(status="suspended")
    with pytest.raises(Exception) as refused:
        act("reply", order, staff.city, comment="已停机")
    assert refused.value.code == "line_state_conflict"
    order.refresh_from_db()
    assert (order.state, order.events.filter(action="reply").count()) == ("processing", 0)
    assert CoordinationDetail.objects.get(order=order).applied_at is None
    assert line_status(subscriber.number) == "suspended"


@pytest.fixture
def adjustment(coordinate, staff, biller, complaint_category):
    """A billing adjustment of 30 yuan the billing department has verified and replied on."""
    order = coordinate(
        "billing_adjustment",
        {"amount": "30.00", "reason": "重复扣取彩铃费"},
        kind="complaint",
        category=complaint_category,
    )
    act("dispatch", order, staff.back)
    act("receive", order, biller)
    return act("reply", order, biller, comment="核实重复扣费30元")


def test_adjustment_is_applied_only_after_a_supervisor_approves_it(
    adjustment, staff, subscriber, cause, resp_department
):
    """WO-9: a billing adjustment is not applied when the billing department replies; feedback
    waits for the decision; only a supervisor decides; approval applies it through billing once
    (the balance moves by the amount, one adjustment row referencing the order); a second
    decision is refused."""
    before = balance(subscriber.number)
    assert BillingAdjustment.objects.count() == 0
    with pytest.raises(WorkOrderError) as waiting:
        act("feedback", adjustment, staff.back, satisfaction="satisfied")
    assert waiting.value.code == "approval_required"
    with pytest.raises(WorkOrderError) as not_supervisor:
        act("approval", adjustment, staff.back, approved=True)
    assert not_supervisor.value.code == "action_not_permitted"
    assert balance(subscriber.number) == before

    order = act("approval", adjustment, staff.supervisor, approved=True)
    detail = CoordinationDetail.objects.get(order=order)
    assert balance(subscriber.number) == before + Decimal("30.00")
    assert (detail.approval, detail.decided_by, detail.balance_after) == (
        "approved",
        staff.supervisor,
        before + Decimal("30.00"),
    )
    assert list(BillingAdjustment.objects.values_list("reference", "amount")) == [
        (order.number, Decimal("30.00"))
    ]
    assert order.events.get(action="approval").data["approved"] is True
    with pytest.raises(WorkOrderError) as twice:
        act("approval", order, staff.supervisor, approved=True)
    assert twice.value.code == "adjustment_already_decided"
    assert balance(subscriber.number) == before + Decimal("30.00")

    act("feedback", order, staff.back, satisfaction="satisfied")
    order = act(
        "archive",
        order,
        staff.back,
        responsibility_cause=cause.code,
        responsible_department=resp_department.code,
    )
    assert order.state == "archived"


def test_a_rejected_adjustment_applies_nothing(adjustment, staff, subscriber):
    """WO-9: a rejection needs a reason, applies nothing and lets the order go on to feedback."""
    before = balance(subscriber.number)
    with pytest.raises(WorkOrderError) as no_reason:
        act("approval", adjustment, staff.supervisor, approved=False)
    assert no_reason.value.code == "reason_required"
    order = act("approval", adjustment, staff.supervisor, approved=False, comment="不符合调账规定")
    assert CoordinationDetail.objects.get(order=order).approval == "rejected"
    assert balance(subscriber.number) == before
    assert BillingAdjustment.objects.count() == 0
    assert act("feedback", order, staff.back, satisfaction="basically_satisfied").state == "feedback"


def test_adjustment_cannot_be_approved_before_billing_replied(
    coordinate, staff, subscriber, complaint_category
):
    """WO-9: approval comes after the billing department's reply: before it, invalid_transition,
    and the balance stays."""
    order = coordinate(
        "billing_adjustment",
        {"amount": "-12.50", "reason": "补收漏计费用"},
        kind="complaint",
        category=complaint_category,
    )
    before = balance(subscriber.number)
    with pytest.raises(Exception) as early:
        act("approval", order, staff.supervisor, approved=True)
    assert early.value.code == "invalid_transition"
    assert balance(subscriber.number) == before


def test_information_sync_comes_from_a_city_to_the_centre(coordinate, staff):
    """WO-9: information sync flows from the cities to the centre: the centre cannot start one;
    a city handler does, the centre holds it (with the city's topic and area), takes it in and
    archives it."""
    data = {"topic": "network_notice", "affected_area": "玄武区", "valid_until": "2027-01-31"}
    with pytest.raises(WorkOrderError) as from_centre:
        coordinate("info_sync", data, actor=staff.back)
    assert from_centre.value.code == "accept_from_city_only"
    assert WorkOrder.objects.count() == 0

    order = coordinate("info_sync", data, actor=staff.city, description="基站割接, 周六凌晨中断2小时")
    assert order.created_by == staff.city
    assert order.holder_department.kind == "centre"
    detail = CoordinationDetail.objects.get(order=order)
    assert (detail.topic, detail.affected_area, detail.valid_until) == (
        "network_notice",
        "玄武区",
        date(2027, 1, 31),
    )
    act("process", order, staff.back, comment="已录入知识库")
    act("reply", order, staff.back, comment="已发布")
    assert act("archive", order, staff.back).state == "archived"


def test_a_city_handler_accepts_nothing_but_information_sync(staff, subscriber, complaint_category):
    """WO-9: letting cities start information sync does not let them accept other orders."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.city,
            data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        )
    assert refused.value.code == "action_not_permitted"


def test_the_urge_flow_urges_the_existing_order_and_the_city_acknowledges(accept, staff):
    """WO-9: urging creates no order: it is the urge action on the existing order; its holder (the
    city) acknowledges it, which is recorded on the order and as an event; whoever does not hold
    it cannot,
    and an urge is acknowledged once. The old 'urge' flow no longer exists."""
    order = accept()
    with pytest.raises(WorkOrderError) as nothing_urged:
        act("urge_ack", order, staff.back)
    assert nothing_urged.value.code == "no_urge_pending"
    act("dispatch", order, staff.back)
    count = WorkOrder.objects.count()
    order = act("urge", order, staff.agent, comment="客户第三次来电")
    assert (WorkOrder.objects.count(), order.urge_count, order.urge_acknowledged_at) == (count, 1, None)
    with pytest.raises(WorkOrderError) as other:
        act("urge_ack", order, staff.back)
    assert other.value.code == "not_holder"
    order = act("urge_ack", order, staff.city, comment="已安排今日处理")
    assert order.urge_acknowledged_at is not None and order.urge_acknowledged_at >= order.last_urged_at
    event = order.events.get(action="urge_ack")
    assert (event.actor, event.data["urge_count"], event.comment) == (staff.city, 1, "已安排今日处理")
    with pytest.raises(WorkOrderError) as again:
        act("urge_ack", order, staff.city)
    assert again.value.code == "no_urge_pending"

    with pytest.raises(WorkOrderError) as old_flow:
        accept(flow_code="urge")
    assert old_flow.value.code == "unknown_flow"


def test_api_takes_each_flows_data_and_shows_it_with_the_effect(api_client_for, staff, subscriber):
    """WO-9 through the API: the create takes the flow's data in the object of its name (missing:
    422 coordination_data_required, bad: 400 validation_failed naming the field); the detail shows
    the data and, after the city's reply, the line state billing reports."""
    agent = api_client_for(staff.agent)
    body = {"kind": "business_handling", "subscriber": subscriber.number, "flow": "suspension"}
    missing = agent.post("/api/v1/work-orders", body, format="json")
    assert (missing.status_code, missing.json()["code"]) == (422, "coordination_data_required")
    bad = agent.post(
        "/api/v1/work-orders",
        {**body, "suspension": {**suspension("suspend"), "line_action": "x"}},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "validation_failed")
    assert "line_action" in str(bad.json())
    assert WorkOrder.objects.count() == 0

    created = agent.post("/api/v1/work-orders", {**body, "suspension": suspension("suspend")}, format="json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    api_client_for(staff.back).post(f"/api/v1/work-orders/{number}/dispatch", {}, format="json")
    city = api_client_for(staff.city)
    city.post(f"/api/v1/work-orders/{number}/receive", {}, format="json")
    assert (
        city.post(f"/api/v1/work-orders/{number}/reply", {"comment": "已停机"}, format="json").status_code
        == 200
    )
    shown = city.get(f"/api/v1/work-orders/{number}").json()["coordination"]
    assert (shown["kind"], shown["line_action"], shown["line_state_after"]) == (
        "suspension",
        "suspend",
        "suspended",
    )
    assert line_status(subscriber.number) == "suspended"


def test_api_urge_ack_and_approval_endpoints(api_client_for, adjustment, staff, subscriber):
    """WO-9 through the API: POST …/approval (supervisors: others 403 action_not_permitted) applies
    the adjustment; POST …/urge-ack answers 409 no_urge_pending when nothing is urged."""
    number = adjustment.number
    before = balance(subscriber.number)
    denied = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{number}/approval", {"approved": True}, format="json"
    )
    assert (denied.status_code, denied.json()["code"]) == (403, "action_not_permitted")
    done = api_client_for(staff.supervisor).post(
        f"/api/v1/work-orders/{number}/approval", {"approved": True}, format="json"
    )
    assert done.status_code == 200, done.content
    assert balance(subscriber.number) == before + Decimal("30.00")
    ack = api_client_for(staff.supervisor).post(f"/api/v1/work-orders/{number}/urge-ack", {}, format="json")
    assert (ack.status_code, ack.json()["code"]) == (409, "no_urge_pending")
