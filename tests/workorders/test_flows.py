"""Province flows (WO-2, WO-7, WO-8, WO-9, KB-2, WO-10) and flows as configuration (SYS-3)."""

from __future__ import annotations

import pytest

from kefu.contacts.models import ContactRecord
from kefu.core.models import AuditEvent
from kefu.notify.models import OutgoingMessage
from kefu.workorders import flows, services
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import FlowDefinition, WorkOrder

GOOD = {
    "steps": [
        {"action": "dispatch", "holder": "department:RESP-NETWORK", "hours": 8},
        {"action": "receive"},
        {"action": "reply"},
        {"action": "archive"},
    ]
}


# --- configuration (SYS-3) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "why"),
    [
        ([], "not an object"),
        ({"steps": []}, "no steps"),
        ({"steps": [{"action": "receive"}, {"action": "archive"}]}, "receive before dispatch"),
        (
            {"steps": [{"action": "dispatch"}, {"action": "receive"}, {"action": "reply"}]},
            "does not end archived",
        ),
        ({"steps": [{"action": "fly"}]}, "unknown action"),
        ({"steps": GOOD["steps"], "colour": "red"}, "unknown key"),
        ({"steps": [{"action": "process", "holder": "centre"}, *GOOD["steps"][2:]]}, "holder off dispatch"),
        ({"steps": [{"action": "dispatch", "holder": "moon"}, *GOOD["steps"][1:]]}, "unknown holder"),
        ({"steps": [{"action": "dispatch", "hours": 0}, *GOOD["steps"][1:]]}, "hours not positive"),
        ({"steps": GOOD["steps"], "also": ["urge"]}, "also lists a non-step action"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_invalid_flows_are_refused(definition, why):
    """SYS-3: a flow is validated against the transition table before it can be published."""
    with pytest.raises(WorkOrderError) as refused:
        flows.validate(definition)
    assert refused.value.code == "invalid_flow"


def test_shipped_flows_are_valid_and_one_default_per_kind(db):
    """SYS-3: every shipped flow passes validation; each kind has exactly one default."""
    for flow in FlowDefinition.objects.filter(is_current=True):
        assert flows.validate(flow.definition) == flow.definition
    defaults = FlowDefinition.objects.filter(is_current=True, is_default=True)
    assert sorted(defaults.values_list("kind", flat=True)) == sorted(
        ["complaint", "suggestion", "consultation", "fault_report", "pre_acceptance", "business_handling"]
    )


def test_publishing_makes_a_new_version_and_orders_keep_theirs(js_admin, accept, drive, staff):
    """SYS-3: operations change a flow without a release; orders already accepted keep their version."""
    old = accept()
    flow = services.flow_publish(actor=js_admin, code="complaint", definition=GOOD, note="网络部直派")
    assert (flow.version, flow.is_current, flow.is_default) == (2, True, True)
    assert FlowDefinition.objects.filter(code="complaint", is_current=True).count() == 1
    new = accept()
    assert (old.flow.version, new.flow.version) == (1, 2)
    assert drive(new, "dispatch").holder_department.code == "RESP-NETWORK"
    assert drive(old, "dispatch").holder_department.code == "CITY-3201"
    assert AuditEvent.objects.filter(action="workorders.flow.publish").count() == 1


def test_only_administrators_publish(staff):
    """SYS-3: flows are an administrator's matter."""
    with pytest.raises(WorkOrderError) as refused:
        services.flow_publish(actor=staff.supervisor, code="complaint", definition=GOOD)
    assert refused.value.code == "action_not_permitted"
    assert FlowDefinition.objects.filter(code="complaint").count() == 1


def test_publish_checks_named_departments(js_admin):
    """SYS-3: a flow naming a department that does not exist is refused."""
    bad = {"steps": [{"action": "dispatch", "holder": "department:NOPE"}, *GOOD["steps"][1:]]}
    with pytest.raises(WorkOrderError) as refused:
        services.flow_publish(actor=js_admin, code="complaint", definition=bad)
    assert refused.value.code == "invalid_flow"


def test_a_step_the_flow_lacks_is_refused(js_admin, accept, drive, staff):
    """SYS-3: a flow without "return" refuses returns (action_not_in_flow), changing nothing."""
    services.flow_publish(actor=js_admin, code="complaint", definition=GOOD)
    order = drive(accept(), "dispatch")
    with pytest.raises(WorkOrderError) as refused:
        services.order_return(actor=staff.supervisor, order=order, reason="x")
    assert refused.value.code == "action_not_in_flow"
    order.refresh_from_db()
    assert order.state == "dispatched"


def test_category_specific_flow_wins(js_admin, accept, complaint_category):
    """SYS-3: a flow for one category applies to that category's orders."""
    services.flow_publish(
        actor=js_admin,
        code="network-complaints",
        name="网络投诉",
        kind="complaint",
        category_code=complaint_category.code,
        definition=GOOD,
    )
    assert accept().flow.code == "network-complaints"


# --- province flows --------------------------------------------------------------------------------


def test_consultation_closed_loop(staff, subscriber, category_of, drive):
    """KB-2, CON-1: a question the agent cannot answer goes to the back office; it answers; the agent
    calls back (an outbound contact record of the call); the order is archived."""
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="consultation", subscriber=subscriber, category=category_of("consultation")
        ),
    ).order
    assert order.holder_department.code == "CENTRE-JS"
    order = services.order_process(actor=staff.back, order=order, comment="查询资费")
    order = services.order_reply(actor=staff.back, order=order, comment="包月资费为50元")
    order = services.order_feedback(actor=staff.agent, order=order, satisfaction="satisfied", method="phone")
    order = services.order_archive(actor=staff.back, order=order)
    assert order.state == "archived"
    feedback = order.events.get(action="feedback").data
    call = ContactRecord.objects.get(pk=feedback["result"]["contact"])
    assert feedback == {
        "satisfaction": "satisfied",
        "method": "phone",
        "direct": False,
        "result": {"method": "phone", "contact": call.pk},
    }
    assert (call.direction, call.channel, call.staff, call.subscriber) == (
        "outbound", "outbound", staff.agent, subscriber
    )  # fmt: skip
    assert "包月资费为50元" in call.summary and call.external_ref == order.number


def test_pre_acceptance_goes_to_an_account_manager(staff, subscriber):
    """WO-7: pre-accepted business goes to an account manager, who serves on site; the result goes
    to the customer by the agreed method."""
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="pre_acceptance",
            subscriber=subscriber,
            contact_method="email",
            contact_address="a@b.cn",
            description="集团套餐",
        ),
    ).order
    with pytest.raises(WorkOrderError) as refused:
        services.order_dispatch(actor=staff.back, order=order)
    assert refused.value.code == "holder_required"
    order = services.order_dispatch(
        actor=staff.back, order=order, to=services.holder_parse(f"staff:{staff.vip.job_number}")
    )
    assert (order.holder_kind, order.holder_staff) == ("person", staff.vip)
    order = services.order_receive(actor=staff.vip, order=order)
    order = services.order_process(actor=staff.vip, order=order, comment="已上门")
    order = services.order_reply(actor=staff.vip, order=order, comment="已开通")
    order = services.order_feedback(actor=staff.back, order=order, satisfaction="satisfied")
    feedback = order.events.get(action="feedback").data
    mail = OutgoingMessage.objects.get(pk=feedback["result"]["message"])
    assert (feedback["method"], mail.channel, mail.to, mail.status) == ("email", "email", "a@b.cn", "sent")
    assert "已开通" in mail.text and order.number in mail.subject


def test_fault_repair_is_tracked_to_the_customers_notice(staff, subscriber):
    """WO-8: a broadband fault is repaired by the city team with progress recorded; the customer is
    told when it is fixed."""
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="fault_report",
            subscriber=subscriber,
            fault_product="broadband",
            fault_class="no_internet_no_phone",
        ),
    ).order
    order = services.order_dispatch(actor=staff.back, order=order)
    order = services.order_receive(actor=staff.city, order=order)
    for status in ("diagnosing", "on_site"):
        order = services.order_process(actor=staff.city, order=order, repair_status=status)
        assert order.repair_status == status
    order = services.order_reply(actor=staff.city, order=order, comment="光猫更换")
    assert order.repair_status == "repaired"
    order = services.order_feedback(actor=staff.back, order=order, satisfaction="satisfied", method="sms")
    assert order.repair_status == "customer_notified"
    statuses = [e.data.get("repair_status") for e in order.events.filter(action="process")]
    assert statuses == ["diagnosing", "on_site"]


@pytest.mark.parametrize(
    ("code", "kind", "holder"),
    [
        ("interface", "complaint", "CITY-3201"),
        ("manual_fault", "fault_report", "CITY-3201"),
    ],
)
def test_coordination_flows(code, kind, holder, staff, subscriber, category_of, drive):
    """WO-9: the interface and manual fault flows dispatch to the city team (the flows with data
    and effects of their own are proved in test_coordination.py)."""
    category = category_of("complaint") if kind == "complaint" else None
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind=kind, subscriber=subscriber, category=category, flow_code=code),
    ).order
    order = services.order_dispatch(actor=staff.back, order=order)
    assert (order.flow.code, order.holder_department.code) == (code, holder)


def test_flow_of_another_kind_is_refused(staff, subscriber):
    """SYS-3: a flow applies to its own kind only; naming another kind's flow accepts nothing."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(kind="consultation", subscriber=subscriber, flow_code="complaint"),
        )
    assert refused.value.code == "unknown_flow"
    assert WorkOrder.objects.count() == 0


def test_oa_link(accept, staff):
    """WO-10: an order links to the office system; the link is an event and audited."""
    order = services.order_link_oa(
        actor=staff.back, order=accept(), oa_reference="OA-2026-001", oa_url="https://oa.example/1"
    )
    assert (order.oa_reference, order.events.last().action) == ("OA-2026-001", "oa_link")
    assert AuditEvent.objects.filter(action="workorders.oa_link").count() == 1


def test_the_accept_reads_which_flow_is_current_and_takes_the_version_from_the_cache(js_admin, accept):
    """SYS-3: the accept reads which versions are current every time (a new version counts at once)
    but not their definitions: the version it picks comes from the per-process cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = accept()
    with CaptureQueriesContext(connection) as queries:
        second = accept()
    flow_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "workorders_flowdefinition"' in q["sql"]
    ]
    assert len(flow_reads) == 1 and '"definition"' not in flow_reads[0]
    assert second.flow_id == first.flow_id and second.flow.definition == first.flow.definition
    newer = services.flow_publish(actor=js_admin, code="complaint", definition=GOOD, note="网络部直派")
    third = accept()
    assert third.flow_id == newer.pk and third.flow.version == first.flow.version + 1
    assert third.flow.definition["steps"] == GOOD["steps"]
