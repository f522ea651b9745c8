"""The engine around the table: accept (WO-1), roles and holders (WO-2, WO-4), guards (SR-4, WO-4),
outbox and notifications after commit, scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.forms.models import model_to_dict

from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.errors import NotFoundError, ScopeError
from kefu.core.models import AuditEvent, Department, OutboxMessage
from kefu.workorders import services
from kefu.workorders.errors import InvalidTransition, WorkOrderError
from kefu.workorders.models import WorkOrder, WorkOrderEvent


def _unchanged(order):
    order.refresh_from_db()
    return (
        model_to_dict(order),
        WorkOrderEvent.objects.count(),
        OutboxMessage.objects.count(),
        AuditEvent.objects.count(),
    )


# --- accept ---------------------------------------------------------------------------------------


def test_accept_numbers_places_and_files_the_order(accept, subscriber, staff, settings):
    """WO-1, API: numbers are node code + date + sequence; the order lives in the subscriber's home
    city and is held by the province centre; one event, one outbox message, one audit row."""
    settings.KEFU_NODE_CODE = "JS"
    first, second = accept(), accept()
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y%m%d")
    assert re.fullmatch(rf"JS{today}\d{{6}}", first.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert (first.province.code, first.city.code) == ("JS", subscriber.home_city.code)
    assert first.holder_department.code == "CENTRE-JS"
    assert first.created_by == staff.agent
    assert list(first.events.values_list("seq", "action", "state_after")) == [(1, "accept", "accepted")]
    message = OutboxMessage.objects.get(topic="workorder.accepted", payload__number=first.number)
    assert message.payload["seq"] == 1
    assert message.payload["event"]["state_after"] == "accepted"
    assert AuditEvent.objects.filter(action="workorders.accept", object_id=str(first.pk)).count() == 1


def test_accept_from_a_service_request_links_it(staff, subscriber, complaint_category):
    """WO-1: a complaint order made from a service request writes its number into the request."""
    contact = ContactRecord.objects.create(channel="hotline", province=subscriber.home_province, number="1")
    request = ServiceRequest.objects.create(contact=contact, request_type="complaint", module="work_order")
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="complaint", subscriber=subscriber, category=complaint_category, service_request=request
        ),
    ).order
    request.refresh_from_db()
    assert request.reference == order.number
    assert order.service_request == request


def test_accept_refuses_a_category_of_another_request_type(accept, category_of):
    """WO-1: the category must belong to the order's request type."""
    with pytest.raises(WorkOrderError) as refused:
        accept(category=category_of("consultation"))
    assert refused.value.code == "category_mismatch"
    assert WorkOrder.objects.count() == 0


def test_complaint_needs_a_category(accept):
    """WO-1: a complaint is filed under a request category."""
    with pytest.raises(WorkOrderError) as refused:
        accept(category=None)
    assert refused.value.code == "category_required"


def test_accept_outside_scope_is_refused(make_staff, subscriber, complaint_category):
    """SYS-1: a ZJ agent cannot file an order for a JS subscriber."""
    zj = make_staff("hotline_agent", "ZJ")
    with pytest.raises(ScopeError):
        services.order_accept(
            actor=zj,
            data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        )
    assert WorkOrder.objects.count() == 0


def test_accept_is_refused_to_a_city_handler(staff, subscriber, complaint_category):
    """WO-4: accepting is the first line's and the back office's, not a city handler's."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.city,
            data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        )
    assert refused.value.code == "action_not_permitted"


def test_time_limits_follow_the_customer_level(make_subscriber, staff, complaint_category):
    """WO-5, TIER-1: a gold customer's complaint gets a shorter limit than an ordinary one's."""
    orders = {}
    for level in ("ordinary", "gold"):
        sub = make_subscriber("3201", level=level)
        orders[level] = services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(kind="complaint", subscriber=sub, category=complaint_category),
        ).order
    assert orders["gold"].time_limit_hours < orders["ordinary"].time_limit_hours
    assert orders["gold"].order_due_at < orders["ordinary"].order_due_at
    assert orders["gold"].customer_level == "gold"


def test_pre_acceptance_needs_the_agreed_method(staff, subscriber):
    """WO-7: a pre-acceptance names how the result reaches the customer (phone, SMS, email, fax)."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.agent, data=services.OrderInput(kind="pre_acceptance", subscriber=subscriber)
        )
    assert refused.value.code == "contact_method_required"
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(kind="pre_acceptance", subscriber=subscriber, contact_method="fax"),
        )
    assert refused.value.code == "contact_method_required"  # a fax needs the number to send to
    assert WorkOrder.objects.count() == 0
    agreed = {"phone": "", "sms": "", "email": "kehu@example.cn", "fax": "025-83001234"}
    for method, address in agreed.items():
        order = services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(
                kind="pre_acceptance", subscriber=subscriber, contact_method=method, contact_address=address
            ),
        ).order
        order.refresh_from_db()
        assert (order.contact_method, order.contact_address) == (method, address)


def test_broadband_fault_needs_one_of_five_classes(staff, subscriber):
    """WO-8: a broadband fault report is classified in one of the five classes."""
    with pytest.raises(WorkOrderError) as refused:
        services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(kind="fault_report", subscriber=subscriber, fault_product="broadband"),
        )
    assert refused.value.code == "fault_class_required"
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="fault_report", subscriber=subscriber, fault_product="broadband", fault_class="slow"
        ),
    ).order
    assert (order.fault_class, order.repair_status, order.round_the_clock) == ("slow", "reported", True)


# --- roles, holders, scope ------------------------------------------------------------------------


def test_wrong_role_is_refused_and_nothing_changes(accept, drive, staff):
    """WO-4: a quality inspector may not dispatch; nothing changes."""
    order = accept()
    before = _unchanged(order)
    with pytest.raises(WorkOrderError) as refused:
        services.order_dispatch(actor=staff.inspector, order=order)
    assert refused.value.code == "action_not_permitted"
    assert refused.value.status == 403
    assert _unchanged(order) == before


def test_only_the_holder_receives(accept, drive, staff):
    """WO-2: an order dispatched to the Nanjing team cannot be received by the centre's back office."""
    order = drive(accept(), "dispatch")
    before = _unchanged(order)
    with pytest.raises(WorkOrderError) as refused:
        services.order_receive(actor=staff.back, order=order)
    assert refused.value.code == "not_holder"
    assert _unchanged(order) == before


def test_a_member_of_the_holding_department_acts(accept, drive, staff, make_staff):
    """WO-2: staff filed in the city team's department hold its orders."""
    member = make_staff(
        "city_handler", "JS", city="3201", department=Department.objects.get(code="CITY-3201")
    )
    order = drive(accept(), "dispatch")
    order = services.order_receive(actor=member, order=order)
    assert (order.state, order.handler) == ("processing", member)


def test_supervisor_may_act_for_any_holder(accept, drive, staff):
    """WO-4: the supervisor acts for the holder (e.g. receives for an absent city team)."""
    order = drive(accept(), "dispatch")
    order = services.order_receive(actor=staff.supervisor, order=order)
    assert order.state == "processing"


def test_out_of_scope_staff_cannot_act(accept, make_staff):
    """SYS-1: a ZJ supervisor cannot act on a JS order; it is not found, and nothing changes."""
    order = accept()
    before = _unchanged(order)
    with pytest.raises(NotFoundError):
        services.order_urge(actor=make_staff("supervisor", "ZJ"), order=order)
    assert _unchanged(order) == before


def test_city_handler_of_another_city_does_not_see_it(accept, staff):
    """SYS-1: a city user's scope is their city."""
    order = accept()
    with pytest.raises(NotFoundError):
        services.order_query(actor=staff.other_city, order=order)


# --- the province flow (WO-2) ----------------------------------------------------------------------


def test_dispatch_reply_sends_it_back_to_the_dispatcher(accept, drive, staff):
    """WO-2: dispatched to the city team, the centre is the peer; the reply comes back to the centre."""
    order = drive(accept(), "dispatch")
    assert (order.holder_kind, order.holder_department.code) == ("city_team", "CITY-3201")
    assert order.peer_department.code == "CENTRE-JS"
    assert order.step_due_at is not None
    order = drive(order, "receive", "reply")
    assert order.holder_department.code == "CENTRE-JS"
    assert order.peer_department.code == "CITY-3201"
    assert order.result == "已处理完毕"
    assert order.step_due_at is None


def test_city_answers_the_customer_directly(accept, drive, staff):
    """WO-2: the city answers the customer itself; the order goes back to the centre to archive."""
    order = drive(accept(), "dispatch", "receive")
    order = services.order_feedback(
        actor=staff.city, order=order, satisfaction="satisfied", comment="已电话答复"
    )
    assert (order.state, order.holder_department.code, order.result) == (
        "feedback",
        "CENTRE-JS",
        "已电话答复",
    )
    order = drive(order, "archive")
    assert order.state == "archived"


def test_reprocess_goes_back_to_the_city_for_another_round(accept, drive, staff):
    """WO-2, WO-4: the centre rejects the result; the city gets a second round."""
    order = drive(accept(), "dispatch", "receive", "reply", "reprocess")
    assert (order.state, order.rounds, order.holder_department.code) == ("dispatched", 2, "CITY-3201")
    order = drive(order, "receive", "reply", "feedback", "archive")
    assert order.state == "archived"


def test_return_needs_a_reason_and_goes_back(accept, drive, staff):
    """WO-4: a return needs a reason; it goes back to the dispatcher."""
    order = drive(accept(), "dispatch")
    before = _unchanged(order)
    with pytest.raises(WorkOrderError) as refused:
        services.order_return(actor=staff.city, order=order, reason="  ")
    assert refused.value.code == "reason_required"
    assert _unchanged(order) == before
    order = services.order_return(actor=staff.city, order=order, reason="非本地市用户")
    assert (order.state, order.holder_department.code) == ("returned", "CENTRE-JS")
    assert order.events.last().comment == "非本地市用户"


def test_forwarding_keeps_the_original_dispatcher(accept, drive, staff, make_staff):
    """WO-2: a handler forwards (转派) to another department; the reply still goes to the centre."""
    order = drive(accept(), "dispatch", "receive")
    network = services.holder_parse("department:RESP-NETWORK")
    order = services.order_dispatch(actor=staff.city, order=order, to=network, comment="转网络部")
    assert (order.holder_department.code, order.peer_department.code) == ("RESP-NETWORK", "CENTRE-JS")


def test_unknown_holder_is_refused(accept, staff):
    """WO-2: dispatching to a department that does not exist is refused."""
    with pytest.raises(WorkOrderError) as refused:
        services.holder_parse("department:NOPE")
    assert refused.value.code == "unknown_holder"


# --- archive data (SR-4) and feedback ------------------------------------------------------------


def test_complaint_archive_needs_cause_and_department(accept, drive, staff, cause, resp_department):
    """SR-4: a complaint is archived only with its responsibility cause and responsible department."""
    order = drive(accept(), "dispatch", "receive", "reply", "feedback")
    before = _unchanged(order)
    with pytest.raises(WorkOrderError) as refused:
        services.order_archive(actor=staff.back, order=order)
    assert refused.value.code == "archive_data_required"
    assert _unchanged(order) == before
    order = services.order_archive(
        actor=staff.back, order=order, responsibility_cause=cause, responsible_department=resp_department
    )
    assert (order.responsibility_cause, order.responsible_department) == (cause, resp_department)
    assert order.closed_at is not None


def test_order_keeps_its_category_version(accept, drive, staff, complaint_category):
    """SR-4: the order keeps the category (and so the version) it was filed under."""
    order = accept()
    assert order.category.version_id == complaint_category.version_id
    assert order.business_id == complaint_category.business_id


def test_dissatisfied_customer_means_reprocess_unless_supervisor(
    accept, drive, staff, cause, resp_department
):
    """WO-3, WO-4: not satisfied → reprocess; only a supervisor may archive it anyway."""
    order = drive(accept(), "dispatch", "receive", "reply")
    order = services.order_feedback(actor=staff.back, order=order, satisfaction="dissatisfied")
    with pytest.raises(WorkOrderError) as refused:
        services.order_archive(
            actor=staff.back, order=order, responsibility_cause=cause, responsible_department=resp_department
        )
    assert refused.value.code == "customer_dissatisfied"
    order = services.order_archive(
        actor=staff.supervisor,
        order=order,
        responsibility_cause=cause,
        responsible_department=resp_department,
    )
    assert order.state == "archived"


def test_feedback_needs_a_satisfaction(accept, drive, staff):
    """WO-4: feedback records the customer's satisfaction."""
    order = drive(accept(), "dispatch", "receive", "reply")
    with pytest.raises(WorkOrderError) as refused:
        services.order_feedback(actor=staff.back, order=order, satisfaction="")
    assert refused.value.code == "satisfaction_required"


# --- after commit ---------------------------------------------------------------------------------


def test_dispatch_notifies_the_new_holder_after_commit(accept, staff, django_capture_on_commit_callbacks):
    """WO-2: dispatch tells the city team's queue once, after commit; the outbox row is written with it."""
    from kefu.core import bus

    order = accept()
    sent = []
    original = bus.get_bus
    bus.get_bus = lambda: type("B", (), {"publish": lambda self, c, m: sent.append((c, m))})()
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.order_dispatch(actor=staff.back, order=order)
    finally:
        bus.get_bus = original
    assert len(callbacks) == 1
    assert sent == [
        (
            "workorders:department:CITY-3201",
            {
                "type": "workorder",
                "event": "dispatch",
                "number": order.number,
                "state": "dispatched",
                "holder": "department:CITY-3201",
                "title": order.title,
                "actor": staff.back.job_number,
            },
        )
    ]
    assert (
        OutboxMessage.objects.filter(topic="workorder.dispatched", payload__number=order.number).count() == 1
    )


def test_an_urge_reaches_the_desk_stream_of_the_orders_holder(
    accept, drive, staff, django_capture_on_commit_callbacks
):
    """WO-4, WO-6: an urge (催办) on an order the city team is processing is pushed once, after
    commit, as a ``workorder`` event with ``event: urge`` and the urging actor, on a channel the city
    handler's desk stream listens to (the team's queue or their own desktop)."""
    from kefu.core import bus
    from kefu.telephony.services import agent_channel
    from kefu.workorders.queues import queue_channels

    order = drive(accept(), "dispatch", "receive")
    sent = []
    original = bus.get_bus
    bus.get_bus = lambda: type("B", (), {"publish": lambda self, c, m: sent.append((c, m))})()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.order_urge(actor=staff.back, order=order.number, comment="客户再次来电")
    finally:
        bus.get_bus = original
    assert len(sent) == 1
    channel, message = sent[0]
    assert channel in [agent_channel(staff.city.job_number), *queue_channels(staff.city)]
    assert channel not in queue_channels(staff.other_city)
    assert message["type"] == "workorder"
    assert message["event"] == "urge"
    assert message["number"] == order.number
    assert message["actor"] == staff.back.job_number


def test_a_refused_action_tells_nobody(accept, staff, django_capture_on_commit_callbacks):
    """WO-4: nothing is sent for an action that was refused."""
    order = accept()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(InvalidTransition):
            services.order_receive(actor=staff.city, order=order)
    assert callbacks == []


def test_events_are_append_only(accept):
    """WO-4: an event cannot be changed or deleted."""
    from django.core.exceptions import ValidationError

    event = accept().events.get()
    event.comment = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_an_order_without_a_city_takes_the_city_of_the_team_it_is_dispatched_to(accept, staff):
    """WO-3, WO-4: an order with no city (e.g. a cross-region complaint accepted from the hub) that is
    dispatched to a city team becomes that city's, so the team's city-scoped staff can take it in."""
    order = accept(subscriber=None)
    assert order.city_id is None
    with pytest.raises(NotFoundError):  # before: out of the Suzhou handler's scope
        services.order_receive(actor=staff.other_city, order=order.number)
    order = services.order_dispatch(
        actor=staff.back, order=order, to=services.holder_parse("department:CITY-3205")
    )
    assert order.city.code == "3205"
    order = services.order_receive(actor=staff.other_city, order=order.number)
    assert order.state == "processing" and order.handler == staff.other_city
    # an order that has a city keeps it whichever team it goes to
    other = accept()
    other = services.order_dispatch(
        actor=staff.back, order=other, to=services.holder_parse("department:CITY-3205")
    )
    assert other.city.code == "3201"
