"""TMF621 tickets with only the specification's mandatory fields (WO-1, WO-4, WO-5, SYS-1): created in
``triage`` (TMF status ``acknowledged``) on a triage time limit of its own, categorised by the back
office, after which the category's flow and limits apply."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.catalog.selectors import time_limit_for
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.workorders import calendar as business_calendar
from kefu.workorders import services, sla
from kefu.workorders.models import WorkOrder, WorkOrderEvent
from tests.tmf.conftest import SPECS, assert_conforms
from tests.workorders import conftest as work_order_fixtures

globals().update(
    {
        name: getattr(work_order_fixtures, name)
        for name in ("category_of", "complaint_category", "make_subscriber", "staff", "subscriber")
        + ("zj_subscriber",)
    }
)
SPECS.setdefault("TMF621", "TMF621-TroubleTicket-v4.0.0.swagger.json")
API = "TMF621"
BASE = "/tmf-api/troubleTicket/v4/troubleTicket"
LIST = "/troubleTicket"
CST = ZoneInfo("Asia/Shanghai")
MANDATORY = {"description": "手机欠费停机了但我已经交过话费", "severity": "Minor", "ticketType": "complaint"}


def _customer(subscriber) -> dict:
    return {"relatedParty": [{"id": subscriber.number, "role": "customer", "@referredType": "Subscriber"}]}


def _state(order: WorkOrder) -> tuple:
    order.refresh_from_db()
    return (
        order.state,
        order.category_id,
        order.subscriber_id,
        order.order_due_at,
        WorkOrderEvent.objects.filter(order=order).count(),
        OutboxMessage.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def triaged(staff, api_client_for):
    """triaged(**extra) -> the order a mandatory-fields-only ticket (plus ``extra``) created."""

    def make(**extra):
        response = api_client_for(staff.agent).post(BASE, {**MANDATORY, **extra}, format="json")
        assert response.status_code == 201, response.content
        return WorkOrder.objects.get(number=response.json()["id"])

    return make


def test_a_ticket_with_only_the_mandatory_fields_is_created_in_triage(staff, api_client_for, settings):
    """WO-1: description, severity and ticketType alone create an order in triage, TMF status
    acknowledged, the body valid against TMF621; WO-5: its deadline is the triage limit (4 working
    hours by default) on the province's business calendar."""
    response = api_client_for(staff.agent).post(BASE, MANDATORY, format="json")

    assert_conforms(API, response, path=LIST, method="post")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "acknowledged"
    assert "relatedEntity" not in body
    order = WorkOrder.objects.get(number=body["id"])
    assert (order.state, order.category_id, order.subscriber_id, order.kind) == (
        "triage",
        None,
        None,
        "complaint",
    )
    assert settings.KEFU_WORKORDER_TRIAGE_HOURS == 4
    assert order.time_limit_hours == 4
    calendar = business_calendar.calendar_for(order.province_id, start=order.accepted_at.date())
    assert order.order_due_at == business_calendar.add_business_time(order.accepted_at, 4 * 3600, calendar)
    assert body["expectedResolutionDate"] is not None


def test_the_customer_named_as_related_party_is_kept(triaged, subscriber):
    """WO-1: a related party with role customer becomes the order's subscriber, still in triage."""
    order = triaged(**_customer(subscriber))
    assert (order.state, order.subscriber_id, order.contact_number) == (
        "triage",
        subscriber.pk,
        subscriber.number,
    )


def test_the_triage_limit_is_a_setting(triaged, settings):
    """WO-5: KEFU_WORKORDER_TRIAGE_HOURS sets the triage limit."""
    settings.KEFU_WORKORDER_TRIAGE_HOURS = 2
    assert triaged().time_limit_hours == 2


def test_categorise_gives_the_order_its_category_flow_and_limits(
    triaged, staff, subscriber, complaint_category, api_client_for
):
    """WO-4: the back office's categorise sets the category; the order becomes accepted on the
    category's time limit counted from the acceptance (WO-5), TMF status still acknowledged, with one
    event, one outbox message and an audit row."""
    order = triaged(**_customer(subscriber))
    outbox, audit = OutboxMessage.objects.count(), AuditEvent.objects.count()

    response = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{order.number}/categorise", {"category": complaint_category.pk}, format="json"
    )

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    limit = time_limit_for(complaint_category, order.customer_level)
    calendar = business_calendar.calendar_for(order.province_id, start=order.accepted_at.date())
    assert (order.state, order.category_id, order.time_limit_hours) == (
        "accepted",
        complaint_category.pk,
        limit.order_hours,
    )
    assert order.order_due_at == business_calendar.add_business_time(
        order.accepted_at, limit.order_hours * 3600, calendar
    )
    event = order.events.order_by("-seq").first()
    assert (event.action, event.state_before, event.state_after) == ("categorise", "triage", "accepted")
    assert event.data["category"] == complaint_category.code
    assert OutboxMessage.objects.count() == outbox + 1
    assert OutboxMessage.objects.order_by("-id").first().topic == "workorder.categorised"
    assert AuditEvent.objects.count() > audit
    ticket = api_client_for(staff.back).get(f"{BASE}/{order.number}").json()
    assert ticket["status"] == "acknowledged"
    assert ticket["relatedEntity"][0]["id"] == str(complaint_category.pk)


def test_categorise_sets_the_customer_when_the_ticket_named_none(
    triaged, staff, subscriber, complaint_category, api_client_for
):
    """WO-4: categorise also sets the customer of a ticket that named none (its number, level, city)."""
    order = triaged()
    response = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{order.number}/categorise",
        {"category": complaint_category.pk, "subscriber": subscriber.number},
        format="json",
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.subscriber_id, order.contact_number, order.city_id) == (
        subscriber.pk,
        subscriber.number,
        subscriber.home_city_id,
    )


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("agent", "category", 403, "action_not_permitted"),
        ("back", "suggestion", 422, "category_mismatch"),
        ("back", "none", 422, "category_required"),
        ("back", "zj", 403, "out_of_scope"),
        ("back", "unknown", 422, "validation_failed"),
    ],
    ids=["agent-may-not", "wrong-request-type", "no-category", "customer-out-of-scope", "unknown-category"],
)
def test_refused_categorise_changes_nothing(
    who, body, status, code, triaged, staff, complaint_category, category_of, zj_subscriber, api_client_for
):
    """WO-4, SYS-1: categorise by a front-line role, with a category of another request type, with none,
    naming a customer outside the actor's scope or an unknown category is refused with a stable code,
    and the order, its events, the outbox and the audit log stay as they were."""
    order = triaged()
    before = _state(order)
    data = {
        "category": {"category": complaint_category.pk},
        "suggestion": {"category": category_of("suggestion").pk},
        "none": {},
        "zj": {"category": complaint_category.pk, "subscriber": zj_subscriber.number},
        "unknown": {"category": 2**31 - 1},
    }[body]

    response = api_client_for(getattr(staff, who)).post(
        f"/api/v1/work-orders/{order.number}/categorise", data, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _state(order) == before


def test_an_order_in_triage_cannot_be_dispatched_before_it_is_categorised(triaged, staff, api_client_for):
    """WO-4: dispatching from triage is not in the transition table (409); TMF's inProgress neither."""
    order = triaged()
    dispatch = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{order.number}/dispatch", {}, format="json"
    )
    assert (dispatch.status_code, dispatch.json()["code"]) == (409, "invalid_transition")
    patch = api_client_for(staff.back).patch(
        f"{BASE}/{order.number}", {"status": "inProgress"}, format="json"
    )
    assert (patch.status_code, patch.json()["code"]) == (409, "invalid_transition")


def test_the_sla_sweep_warns_and_escalates_on_the_triage_limit(staff, db):
    """WO-5: an order left in triage is warned before and escalated after its triage deadline."""
    accepted = dt.datetime(2026, 11, 24, 9, 0, tzinfo=CST)  # a Tuesday, a working day
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", description="宽带总掉线", triage=True),
        now=accepted,
    ).order
    assert order.order_due_at == dt.datetime(2026, 11, 24, 13, 0, tzinfo=CST)

    warned = sla.sla_sweep(now=dt.datetime(2026, 11, 24, 11, 30, tzinfo=CST))
    escalated = sla.sla_sweep(now=dt.datetime(2026, 11, 24, 13, 1, tzinfo=CST))

    order.refresh_from_db()
    assert (warned.warned, escalated.overdue) == (1, 1)
    assert (order.state, order.sla, order.escalated_to) == ("triage", "overdue", staff.supervisor)
    actions = list(order.events.order_by("seq").values_list("action", flat=True))
    assert actions == ["accept", "warn", "urge", "escalate"]


def test_categorising_after_the_triage_deadline_starts_the_category_clock_afresh(
    staff, complaint_category, subscriber, db
):
    """WO-5: the triage limit's overdue flags give way to the category's limits once categorised."""
    accepted = dt.datetime(2026, 11, 24, 9, 0, tzinfo=CST)
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, triage=True),
        now=accepted,
    ).order
    sla.sla_sweep(now=dt.datetime(2026, 11, 24, 13, 1, tzinfo=CST))
    services.order_categorise(
        actor=staff.back,
        order=order.number,
        category=complaint_category,
        now=dt.datetime(2026, 11, 24, 14, 0, tzinfo=CST),
    )
    order.refresh_from_db()
    assert (order.state, order.sla, order.overdue_at, order.warned_at) == ("accepted", "on_time", None, None)
    assert order.order_due_at > dt.datetime(2026, 11, 24, 14, 0, tzinfo=CST)


def test_a_listener_hears_categorise_as_an_attribute_change(triaged, staff, complaint_category):
    """WO-6: TMF621 listeners get categorise as TroubleTicketAttributeValueChangeEvent (the related
    category changes; the status stays acknowledged)."""
    from kefu.tmf.trouble_ticket import notifications

    order = triaged()
    services.order_categorise(actor=staff.back, order=order.number, category=complaint_category)
    message = OutboxMessage.objects.filter(topic="workorder.categorised").get()

    assert notifications.events_for(message.payload) == [
        ("TroubleTicketAttributeValueChangeEvent", "acknowledged")
    ]


def test_the_acknowledged_filter_finds_tickets_in_triage(triaged, staff, api_client_for):
    """WO-6: ?status=acknowledged lists a ticket in triage; ?status=inProgress does not."""
    order = triaged()
    client = api_client_for(staff.back)
    acknowledged = client.get(f"{BASE}?status=acknowledged").json()
    in_progress = client.get(f"{BASE}?status=inProgress").json()
    assert order.number in [t["id"] for t in acknowledged]
    assert order.number not in [t["id"] for t in in_progress]
