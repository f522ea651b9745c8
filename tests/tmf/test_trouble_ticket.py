"""TMF621 Trouble Ticket v4 over work orders (WO-1, WO-2, WO-4, WO-6, SYS-1): every response body is
validated against the official specification (tests/tmf/conftest.py)."""

from __future__ import annotations

import pytest

from kefu.core.models import AuditEvent
from kefu.workorders.models import WorkOrder, WorkOrderEvent
from tests.tmf.conftest import SPECS, assert_conforms
from tests.workorders import conftest as work_order_fixtures

# the work-order engine's fixtures (subscribers, the people of an order's life, categories, drive)
globals().update(
    {
        name: getattr(work_order_fixtures, name)
        for name in ("accept", "cause", "complaint_category", "drive", "make_subscriber", "resp_department")
        + ("staff", "subscriber", "zj_subscriber")
    }
)
SPECS.setdefault("TMF621", "TMF621-TroubleTicket-v4.0.0.swagger.json")
API = "TMF621"
BASE = "/tmf-api/troubleTicket/v4/troubleTicket"
LIST, ONE = "/troubleTicket", "/troubleTicket/{id}"


def _create_body(subscriber, category, **extra):
    return {
        "name": "未订购却扣费",
        "description": "客户反映本月被扣除未订购业务费用",
        "severity": "Major",
        "ticketType": "complaint",
        "relatedParty": [{"id": subscriber.number, "role": "customer", "@referredType": "Subscriber"}],
        "relatedEntity": [
            {"id": str(category.pk), "role": "requestCategory", "@referredType": "ServiceRequestCategory"}
        ],
        **extra,
    }


def _patch(client, number, body):
    return client.patch(f"{BASE}/{number}", body, format="json")


def test_create_accepts_a_complaint_through_the_engine(staff, subscriber, complaint_category, api_client_for):
    """WO-1: POST creates an accepted order (acknowledged), urgent from the severity, valid TroubleTicket."""
    client = api_client_for(staff.agent)
    response = client.post(BASE, _create_body(subscriber, complaint_category), format="json")
    assert_conforms(API, response, path=LIST, method="post")
    assert response.status_code == 201
    body = response.json()
    order = WorkOrder.objects.get(number=body["id"])
    assert (order.state, order.kind, order.urgent, order.subscriber_id) == (
        "accepted",
        "complaint",
        True,
        subscriber.pk,
    )
    assert body["status"] == "acknowledged"
    assert body["href"] == f"{BASE}/{order.number}"
    assert body["severity"] == "Major"
    assert body["ticketType"] == "complaint"
    assert body["statusChange"] == [
        {
            "status": "acknowledged",
            "changeDate": body["creationDate"],
            "changeReason": order.description,
            "@type": "StatusChange",
        }
    ]
    assert {"id": subscriber.number, "role": "customer", "@referredType": "Subscriber"} in body[
        "relatedParty"
    ]


def test_create_refuses_missing_mandatory_attributes_and_out_of_scope_numbers(
    staff, subscriber, zj_subscriber, complaint_category, api_client_for
):
    """TMF621: description, severity and ticketType are mandatory; SYS-1: a ZJ number is refused; no order."""
    client = api_client_for(staff.agent)
    missing = client.post(BASE, {"description": "x"}, format="json")
    assert_conforms(API, missing, path=LIST, method="post")
    assert missing.status_code == 400
    assert missing.json()["code"] == "validation_failed"
    outside = client.post(BASE, _create_body(zj_subscriber, complaint_category), format="json")
    assert_conforms(API, outside, path=LIST, method="post")
    assert outside.status_code == 400
    assert outside.json()["code"] == "unknown_subscriber"
    assert WorkOrder.objects.count() == 0


def test_list_pages_filters_and_selects_fields(
    staff, accept, zj_subscriber, complaint_category, drive, api_client_for, make_staff
):
    """WO-6, SYS-1: offset/limit with exact X-Total-Count/X-Result-Count, status filter, ?fields=, only JS orders."""
    orders = [accept() for _ in range(3)]
    drive(orders[0], "dispatch")
    from kefu.workorders import services

    zj_agent = make_staff("hotline_agent", "ZJ")
    services.order_accept(
        actor=zj_agent,
        data=services.OrderInput(kind="complaint", subscriber=zj_subscriber, category=complaint_category),
    )
    client = api_client_for(staff.back)
    page = client.get(BASE, {"offset": 1, "limit": 1})
    assert_conforms(API, page, path=LIST, method="get")
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("3", "1")
    assert [t["id"] for t in page.json()] == [orders[1].number]
    in_progress = client.get(BASE, {"status": "inProgress"})
    assert_conforms(API, in_progress, path=LIST, method="get")
    assert [t["id"] for t in in_progress.json()] == [orders[0].number]
    acknowledged = client.get(BASE, {"status": "acknowledged", "fields": "status"})
    assert [set(t) for t in acknowledged.json()] == [{"id", "href", "@type", "status"}] * 2
    bad = client.get(BASE, {"status": "open"})
    assert_conforms(API, bad, path=LIST, method="get")
    assert bad.status_code == 400


def test_patch_walks_a_complaint_to_closed_through_the_engine(
    staff, accept, cause, resp_department, api_client_for
):
    """WO-2, WO-4, SR-4: status PATCHes become dispatch, receive, reply, feedback and archive, each by
    the party whose turn it is; every answer is a valid TroubleTicket."""
    order = accept()
    back, city = api_client_for(staff.back), api_client_for(staff.city)
    steps = [
        (back, {"status": "inProgress", "statusChangeReason": "派发南京"}, "dispatched", "inProgress"),
        (city, {"status": "inProgress"}, "processing", "inProgress"),
        (city, {"status": "resolved", "statusChangeReason": "已退还误扣费用"}, "replied", "resolved"),
        (
            back,
            {
                "status": "closed",
                "satisfaction": "satisfied",
                "responsibilityCause": cause.code,
                "responsibleDepartment": resp_department.code,
            },
            "archived",
            "closed",
        ),
    ]
    for client, body, state, status in steps:
        response = _patch(client, order.number, body)
        assert_conforms(API, response, path=ONE, method="patch")
        assert response.status_code == 200, response.json()
        order.refresh_from_db()
        assert (order.state, response.json()["status"]) == (state, status)
    ticket = response.json()
    assert [c["status"] for c in ticket["statusChange"]] == [
        "acknowledged",
        "inProgress",
        "resolved",
        "closed",
    ]
    assert "resolutionDate" in ticket
    assert order.result == "已退还误扣费用"
    assert (order.satisfaction, order.responsibility_cause_id) == ("satisfied", cause.pk)


def test_patch_refused_by_the_table_changes_nothing(staff, accept, api_client_for):
    """WO-4: a status the engine cannot reach now is 409; a read-only attribute is 400; nothing changed."""
    order = accept()
    client = api_client_for(staff.back)
    events = WorkOrderEvent.objects.count()
    closed = _patch(client, order.number, {"status": "closed"})
    assert_conforms(API, closed, path=ONE, method="patch")
    assert closed.status_code == 409
    assert closed.json()["code"] == "invalid_transition"
    renamed = _patch(client, order.number, {"ticketType": "suggestion"})
    assert_conforms(API, renamed, path=ONE, method="patch")
    assert renamed.status_code == 400
    wrong_party = _patch(api_client_for(staff.city), order.number, {"status": "inProgress"})
    assert_conforms(API, wrong_party, path=ONE, method="patch")
    assert wrong_party.status_code == 403
    order.refresh_from_db()
    assert order.state == "accepted"
    assert WorkOrderEvent.objects.count() == events


def test_patch_notes_pause_and_cancel(staff, accept, drive, api_client_for):
    """WO-4, WO-5: a new note is an interim comment; pending pauses the clock; cancelled after a
    return reads ``rejected``."""
    order = drive(accept(), "dispatch", "receive")
    city = api_client_for(staff.city)
    noted = _patch(city, order.number, {"note": [{"text": "已联系客户, 待其提供截图"}]})
    assert_conforms(API, noted, path=ONE, method="patch")
    assert noted.json()["note"][-1]["text"] == "已联系客户, 待其提供截图"
    paused = _patch(city, order.number, {"status": "pending", "statusChangeReason": "等待客户提供截图"})
    assert paused.json()["status"] == "pending"
    resumed = _patch(city, order.number, {"status": "inProgress"})
    assert resumed.json()["status"] == "inProgress"
    held = _patch(city, order.number, {"status": "held", "statusChangeReason": "非本地市问题"})
    assert held.json()["status"] == "held"
    rejected = _patch(
        api_client_for(staff.back), order.number, {"status": "rejected", "statusChangeReason": "无人受理"}
    )
    assert_conforms(API, rejected, path=ONE, method="patch")
    assert rejected.json()["status"] == "rejected"
    assert [c["status"] for c in rejected.json()["statusChange"]] == [
        "acknowledged",
        "inProgress",
        "pending",
        "inProgress",
        "held",
        "rejected",
    ]


def test_other_provinces_orders_are_not_found_and_delete_is_not_allowed(
    staff, accept, api_client_for, make_staff
):
    """SYS-1: a ZJ user gets 404 for every method on a JS ticket; TMF621 DELETE answers 405."""
    order = accept()
    zj = api_client_for(make_staff("back_office", "ZJ"))
    got = zj.get(f"{BASE}/{order.number}")
    assert_conforms(API, got, path=ONE, method="get")
    assert got.status_code == 404
    assert _patch(zj, order.number, {"status": "inProgress"}).status_code == 404
    deleted = api_client_for(staff.back).delete(f"{BASE}/{order.number}")
    assert_conforms(API, deleted, path=ONE, method="delete")
    assert deleted.status_code == 405
    mine = api_client_for(staff.back).get(f"{BASE}/{order.number}", {"fields": "name"})
    assert_conforms(API, mine, path=ONE, method="get")
    assert set(mine.json()) == {"id", "href", "@type", "name"}


def test_hub_register_and_unregister(staff, api_client_for, make_staff):
    """TMF688 pattern: POST /hub answers a valid EventSubscription; DELETE /hub/{id} 204, audited;
    another province's user cannot remove it."""
    client = api_client_for(staff.back)
    hub = "/tmf-api/troubleTicket/v4/hub"
    registered = client.post(
        hub,
        {"callback": "http://127.0.0.1:9/listener", "query": "eventType=TroubleTicketCreateEvent"},
        format="json",
    )
    assert_conforms(API, registered, path="/hub", method="post")
    assert registered.status_code == 201
    listener_id = registered.json()["id"]
    bad = client.post(hub, {"callback": "ftp://x"}, format="json")
    assert_conforms(API, bad, path="/hub", method="post")
    assert bad.status_code == 400
    zj = api_client_for(make_staff("back_office", "ZJ")).delete(f"{hub}/{listener_id}")
    assert zj.status_code == 404
    removed = client.delete(f"{hub}/{listener_id}")
    assert_conforms(API, removed, path="/hub/{id}", method="delete")
    assert removed.status_code == 204
    assert AuditEvent.objects.filter(action__in=("tmf.hub.register", "tmf.hub.unregister")).count() == 2


@pytest.fixture
def idempotent(staff, subscriber, complaint_category, api_client_for):
    client = api_client_for(staff.agent)
    body = _create_body(subscriber, complaint_category)
    return client, body


def test_create_with_idempotency_key_replays(idempotent):
    """WO-1: the same Idempotency-Key and body answer the first ticket again (200), no second order."""
    client, body = idempotent
    first = client.post(BASE, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(BASE, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert WorkOrder.objects.count() == 1
