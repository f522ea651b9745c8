"""WO-7, Q-4, CON-1: the result of an order reaches the customer by the agreed method through the
ports — SMS, email and fax sent (the order records what), the phone owed as a callback task for the
account manager (else the centre) — and every send and call is a contact record."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from kefu.contacts.models import CallbackTask, ContactRecord
from kefu.core.models import AuditEvent
from kefu.notify.models import OutgoingMessage
from kefu.workorders import services
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import WorkOrder, WorkOrderEvent

RESULT = "集团套餐已开通"
NO_FEEDBACK = {
    "steps": [
        {"action": "dispatch", "holder": "department:RESP-NETWORK", "hours": 8},
        {"action": "receive"},
        {"action": "reply"},
        {"action": "archive"},
    ]
}


@pytest.fixture
def pre_accept(staff, subscriber):
    """pre_accept(method, address="") -> a pre-acceptance served by the VIP manager and replied with
    RESULT (WO-7's path up to the centre's feedback)."""

    def make(method: str, address: str = ""):
        order = services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(
                kind="pre_acceptance",
                subscriber=subscriber,
                contact_method=method,
                contact_address=address,
                description="集团套餐，需上门办理",
            ),
        ).order
        order = services.order_dispatch(
            actor=staff.back, order=order, to=services.holder_parse(f"staff:{staff.vip.job_number}")
        )
        order = services.order_receive(actor=staff.vip, order=order)
        order = services.order_process(actor=staff.vip, order=order, comment="已上门")
        return services.order_reply(actor=staff.vip, order=order, comment=RESULT)

    return make


@pytest.mark.parametrize(
    ("method", "address", "expected_to"),
    [
        ("sms", "", "subscriber"),
        ("email", "kehu@example.cn", "kehu@example.cn"),
        ("fax", "025-83001234", "025-83001234"),
    ],
    ids=["sms", "email", "fax"],
)
def test_the_agreed_message_goes_out_at_feedback(method, address, expected_to, pre_accept, staff, subscriber):
    """WO-7, CON-1: at the customer's feedback the result goes out by the agreed method through its port
    (SMS to the customer's number, email or fax to the agreed address), once; the feedback event names
    the outbox row; the message is an outbound contact record in that channel."""
    order = pre_accept(method, address)
    assert OutgoingMessage.objects.count() == 0  # nothing reaches the customer before the feedback step

    order = services.order_feedback(actor=staff.back, order=order, satisfaction="satisfied")

    message = OutgoingMessage.objects.get()
    to = subscriber.number if expected_to == "subscriber" else expected_to
    assert (message.channel, message.to, message.purpose, message.status) == (
        method,
        to,
        "order_result",
        "sent",
    )
    assert RESULT in message.text and order.number in message.text
    sent = order.events.get(action="feedback").data["result"]
    contact = ContactRecord.objects.get(pk=sent["contact"])
    assert sent == {"method": method, "message": message.pk, "status": "sent", "contact": contact.pk}
    assert (contact.channel, contact.direction, contact.subscriber, contact.staff) == (
        method, "outbound", subscriber, staff.back
    )  # fmt: skip
    assert AuditEvent.objects.filter(action=f"notify.{method}.send", object_id=str(message.pk)).count() == 1


def test_an_agreed_call_is_owed_to_the_account_manager_and_settled_by_the_feedback(
    pre_accept, staff, subscriber, make_staff
):
    """WO-7, SVC-2, CON-1: with the phone agreed, the reply makes a callback task for the customer's
    account manager (no message is sent); their feedback call is an outbound contact that closes it."""
    manager = make_staff("vip_manager", "JS", job_number="JSV002")
    customer = subscriber.customer
    customer.account_manager = manager
    customer.save(update_fields=["account_manager"])

    order = pre_accept("phone")

    task = CallbackTask.objects.get()
    assert (task.state, task.assignee_staff, task.assignee_department) == ("open", manager, None)
    assert (task.reference, task.number, task.purpose) == (order.number, subscriber.number, "order_result")
    assert RESULT in task.summary
    assert order.events.get(action="reply").data["result"] == {
        "method": "phone",
        "callback_task": task.pk,
        "assignee": "staff:JSV002",
    }
    assert OutgoingMessage.objects.count() == 0

    order = services.order_feedback(actor=manager, order=order, satisfaction="satisfied")

    call = ContactRecord.objects.get(pk=order.events.get(action="feedback").data["result"]["contact"])
    assert (call.channel, call.direction, call.staff, call.external_ref) == (
        "vip_manager", "outbound", manager, order.number
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.state, task.contact, task.done_by) == ("done", call, manager)
    assert OutgoingMessage.objects.count() == 0


def test_without_an_account_manager_the_centre_owes_the_call(
    accept, drive, staff, api_client_for, subscriber
):
    """WO-7, CON-1: no account manager — the callback task goes to the centre that holds the replied
    order; a centre member finds it under "mine" and completes it (an outbound contact); a city
    handler may not, and a done task cannot be completed again; a second reply does not add a task."""
    order = drive(accept(contact_method="phone"), "dispatch", "receive", "reply")
    task = CallbackTask.objects.get()
    assert (task.assignee_staff, task.assignee_department.code) == (None, "CENTRE-JS")
    drive(order, "reprocess", "receive", "reply")
    assert CallbackTask.objects.count() == 1  # the open task is updated, not doubled

    mine = api_client_for(staff.back).get("/api/v1/callback-tasks", {"mine": "1", "state": "open"}).json()
    assert [row["id"] for row in mine["results"]] == [task.pk]
    assert mine["results"][0]["assignee"] == "department:CENTRE-JS"
    not_mine = api_client_for(staff.city).get("/api/v1/callback-tasks", {"mine": "1"}).json()
    assert not_mine["results"] == []

    before = (model_to_dict(task), ContactRecord.objects.count())
    refused = api_client_for(staff.city).post(
        f"/api/v1/callback-tasks/{task.pk}/complete", {"outcome": "已告知"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "callback_not_assigned"
    task.refresh_from_db()
    assert (model_to_dict(task), ContactRecord.objects.count()) == before

    done = api_client_for(staff.back).post(
        f"/api/v1/callback-tasks/{task.pk}/complete", {"outcome": "客户已知悉结果"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    call = ContactRecord.objects.get(pk=done.json()["contact"])
    assert (call.channel, call.direction, call.subscriber, call.staff) == (
        "outbound", "outbound", subscriber, staff.back
    )  # fmt: skip
    assert "客户已知悉结果" in call.summary
    again = api_client_for(staff.back).post(
        f"/api/v1/callback-tasks/{task.pk}/complete", {"outcome": "再次"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "callback_not_open"


def test_the_method_chosen_on_the_feedback_form_is_sent(accept, drive, staff, subscriber, client):
    """WO-7, Q-4: choosing 短信 on the desk's feedback form sends the result by SMS (before, it sent
    nothing), and the order's history says so."""
    order = drive(accept(), "dispatch", "receive", "reply")
    client.force_login(staff.back)
    response = client.post(
        reverse("workorders:act", args=[order.number]),
        {"action": "feedback", "satisfaction": "satisfied", "method": "sms"},
    )
    assert response.status_code == 302
    message = OutgoingMessage.objects.get()
    assert (message.channel, message.to, message.purpose) == ("sms", subscriber.number, "order_result")
    assert "已处理完毕" in message.text  # the reply's result (VALID_INPUT of the drive helper)
    order.refresh_from_db()
    assert (order.state, order.events.get(action="feedback").data["result"]["message"]) == (
        "feedback", message.pk
    )  # fmt: skip
    page = client.get(reverse("workorders:detail", args=[order.number])).content.decode()
    assert 'data-testid="result-sent"' in page and "已发送" in page


def test_no_address_for_the_method_refuses_the_feedback_and_changes_nothing(accept, drive, staff):
    """WO-7: a fax chosen with no fax number on the order is refused (result_address_required);
    the order, its events, the outbox and the contact records stay as they were."""
    order = drive(accept(), "dispatch", "receive", "reply")
    order.refresh_from_db()
    before = (
        model_to_dict(order),
        WorkOrderEvent.objects.count(),
        OutgoingMessage.objects.count(),
        ContactRecord.objects.count(),
    )
    with pytest.raises(WorkOrderError) as refused:
        services.order_feedback(actor=staff.back, order=order, satisfaction="satisfied", method="fax")
    assert refused.value.code == "result_address_required"
    order.refresh_from_db()
    after = (
        model_to_dict(order),
        WorkOrderEvent.objects.count(),
        OutgoingMessage.objects.count(),
        ContactRecord.objects.count(),
    )
    assert after == before


def test_a_flow_without_feedback_tells_the_customer_at_archive(js_admin, accept, staff, subscriber, cause,
                                                               resp_department):  # fmt: skip
    """WO-7, CON-1: in a flow with no feedback step the archive sends the result by the agreed method
    (SMS here) and records it on the archive event; the SMS is an outbound contact."""
    services.flow_publish(actor=js_admin, code="complaint", definition=NO_FEEDBACK, note="无回访")
    order = accept(contact_method="sms")
    boss = staff.supervisor  # may act for any holder
    order = services.order_dispatch(actor=staff.back, order=order)
    order = services.order_receive(actor=boss, order=order)
    order = services.order_reply(actor=boss, order=order, comment="线路已修复")
    assert OutgoingMessage.objects.count() == 0
    order = services.order_archive(
        actor=boss, order=order, responsibility_cause=cause, responsible_department=resp_department
    )
    message = OutgoingMessage.objects.get()
    assert (message.channel, message.to, order.state) == ("sms", subscriber.number, "archived")
    assert "线路已修复" in message.text
    sent = order.events.get(action="archive").data["result"]
    assert (sent["method"], sent["message"]) == ("sms", message.pk)
    assert ContactRecord.objects.get(pk=sent["contact"]).channel == "sms"


@pytest.mark.parametrize(
    ("method", "address"), [("email", "kehu-at-example"), ("fax", "abc")], ids=["email", "fax"]
)
def test_an_agreed_address_the_port_cannot_use_is_refused_at_accept(method, address, staff, subscriber):
    """WO-7: an agreed email or fax address that its port could never send to is refused when the order
    is accepted (invalid_contact_address), not found out at the feedback; no order is created."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(
                kind="pre_acceptance", subscriber=subscriber, contact_method=method, contact_address=address
            ),
        )
    assert refused.value.code == "invalid_contact_address"
    assert WorkOrder.objects.count() == 0


def test_a_call_that_finds_nobody_is_recorded_and_the_callback_stays_owed(accept, drive, staff):
    """WO-7, CON-1: a feedback call that reaches nobody (unreachable) is still an outbound contact,
    saying so, and the callback task stays open for another try."""
    order = drive(accept(contact_method="phone"), "dispatch", "receive", "reply")
    task = CallbackTask.objects.get()
    order = services.order_feedback(actor=staff.back, order=order, satisfaction="unreachable")
    call = ContactRecord.objects.get(pk=order.events.get(action="feedback").data["result"]["contact"])
    assert (call.direction, call.staff) == ("outbound", staff.back) and "未联系上客户" in call.summary
    task.refresh_from_db()
    assert (task.state, task.contact) == ("open", None)
