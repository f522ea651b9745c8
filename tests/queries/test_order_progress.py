"""Q-3's work-order half: the progress of a subscriber's complaints, suggestions and fault repairs
(with the repair's own progress, WO-8), through the query API and in the result sent back (Q-4)."""

from __future__ import annotations

import pytest

from kefu.catalog.models import CategoryNode, ResponsibilityCause
from kefu.contacts.models import ServiceRequest
from kefu.core.models import Department
from kefu.notify.models import OutgoingMessage
from kefu.workorders import services as wo

pytestmark = pytest.mark.django_db


def _category(request_type: str):
    return (
        CategoryNode.objects.filter(request_type=request_type, version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )


@pytest.fixture
def orders(line, other_line, make_staff):
    """Three orders of ``line`` in three states, and one complaint of ``other_line``."""
    agent = make_staff("hotline_agent", "JS")
    back = make_staff("back_office", "JS")
    city = make_staff("city_handler", "JS", city="3201")

    def accept(subscriber, kind, **fields):
        category = _category(kind)
        data = wo.OrderInput(kind=kind, subscriber=subscriber, category=category, **fields)
        return wo.order_accept(actor=agent, data=data).order

    complaint = accept(line, "complaint", title="话费争议")
    complaint = wo.order_dispatch(actor=back, order=complaint)
    complaint = wo.order_receive(actor=city, order=complaint)
    complaint = wo.order_reply(actor=city, order=complaint, comment="已退还多收费用")
    complaint = wo.order_feedback(actor=back, order=complaint, satisfaction="satisfied")
    cause = ResponsibilityCause.objects.filter(parent__isnull=False, active=True).order_by("id").first()
    complaint = wo.order_archive(
        actor=back,
        order=complaint,
        responsibility_cause=cause,
        responsible_department=Department.objects.get(code="RESP-NETWORK"),
    )
    suggestion = accept(line, "suggestion", title="增加营业厅")
    fault = accept(line, "fault_report", title="宽带无法上网", fault_product="broadband", fault_class="slow")
    fault = wo.order_dispatch(actor=back, order=fault)
    fault = wo.order_receive(actor=city, order=fault)
    fault = wo.order_process(actor=city, order=fault, repair_status="on_site")
    elsewhere = accept(other_line, "complaint", title="别人的投诉")
    return {"complaint": complaint, "suggestion": suggestion, "fault": fault, "elsewhere": elsewhere}


def test_progress_of_complaints_suggestions_and_fault_repairs(orders, line, js_agent, api_client_for,
                                                              answered_call):  # fmt: skip
    """Q-3, WO-8, CON-1: on the subscriber's own call (the query noted on that call's contact) their
    complaint (archived, with its closing time), suggestion (accepted) and fault report (in progress,
    repair on site) are listed newest first with their states; another subscriber's order is not."""
    client = api_client_for(js_agent)
    assert client.get(f"/api/v1/subscribers/{line.number}/orders").status_code == 403
    call = answered_call(js_agent, line.number)  # the calling line's own orders need no password

    rows = client.get(f"/api/v1/subscribers/{line.number}/orders", {"call_id": call.call_id}).json()

    by_number = {row["number"]: row for row in rows}
    assert orders["elsewhere"].number not in by_number
    assert [row["number"] for row in rows] == [
        orders["fault"].number, orders["suggestion"].number, orders["complaint"].number
    ]  # fmt: skip
    complaint = by_number[orders["complaint"].number]
    assert (complaint["kind"], complaint["type"], complaint["state"], complaint["state_display"]) == (
        "work_order", "complaint", "archived", "已归档"
    )  # fmt: skip
    assert complaint["closed_at"] is not None and complaint["title"] == "话费争议"
    suggestion = by_number[orders["suggestion"].number]
    assert (suggestion["type"], suggestion["state"], suggestion["closed_at"]) == (
        "suggestion",
        "accepted",
        None,
    )
    fault = by_number[orders["fault"].number]
    assert (fault["type"], fault["state"], fault["repair_status"], fault["repair_status_display"]) == (
        "fault_report", "processing", "on_site", "上门维修"
    )  # fmt: skip
    assert fault["closed_at"] is None
    assert complaint["repair_status"] == "" and suggestion["repair_status"] == ""
    noted = ServiceRequest.objects.get(request_type="query")
    assert noted.contact_id == call.contact_id and noted.description == f"查询：业务进度（{line.number}）"


def test_progress_sent_back_by_sms_names_each_order_and_its_state(orders, line, js_agent, api_client_for,
                                                                  answered_call):  # fmt: skip
    """Q-3, Q-4: the order progress sent by SMS names each of the three orders with its state, and the
    fault's repair progress."""
    client = api_client_for(js_agent)
    call = answered_call(js_agent, line.number)
    sent = client.post(
        f"/api/v1/subscribers/{line.number}/query-results",
        {"what": "orders", "method": "sms", "call_id": call.call_id},
        format="json",
    )
    assert sent.status_code == 202
    text = OutgoingMessage.objects.get(pk=sent.json()["id"]).text
    for key, state in (("complaint", "已归档"), ("suggestion", "已受理"), ("fault", "处理中")):
        assert f"{orders[key].number} {orders[key].title} {state}" in text
    assert "上门维修" in text
    assert orders["elsewhere"].number not in text
